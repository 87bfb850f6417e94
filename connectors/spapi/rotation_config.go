package spapi

import (
	"net/url"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// DefaultRotationEvery is the default age at which the client secret is
// rotated: 150 days, well before Amazon's 180-day expiry.
const DefaultRotationEvery = 150 * 24 * time.Hour

// RotationConfig schedules the rotation of the LWA client secret
// (Application Management API, rotateApplicationClientSecret).
//
// Client-secret rotation.
type RotationConfig struct {
	// Rotate once the secret is this old (default 3600h, i.e. 150 days;
	// Amazon's client secrets expire after 180 days). An expiry
	// announcement from Amazon rotates sooner.
	Every component.Duration `yaml:"every"`
	// SQS queue registered in the developer console for the
	// APPLICATION_OAUTH_CLIENT_NEW_SECRET and
	// APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY notifications (reached with
	// the connection's notifications.sqs access).
	QueueURL string `yaml:"queue_url" schema:"required"`
	// File the new secret is written to (relative to the pipeline
	// directory): the file credentials.client_secret reads with ${file:...}.
	SecretFile string `yaml:"secret_file" schema:"required"`
	// How long a rotation waits for the new secret to arrive on the queue
	// before it gives up and tries again later (default 10m).
	Wait component.Duration `yaml:"wait"`
	// How often the engine checks whether a rotation is due and whether
	// another engine rotated (default 1m).
	CheckEvery component.Duration `yaml:"check_every"`
}

func (c *RotationConfig) withDefaults() RotationConfig {
	out := *c
	if out.Every <= 0 {
		out.Every = component.Duration(DefaultRotationEvery)
	}
	if out.Wait <= 0 {
		out.Wait = component.Duration(10 * time.Minute)
	}
	if out.CheckEvery <= 0 {
		out.CheckEvery = component.Duration(time.Minute)
	}
	return out
}

// problems checks the options of credentials.rotation.
func (c *RotationConfig) problems() []error {
	var errs []error
	if u, err := url.Parse(c.QueueURL); c.QueueURL != "" && (err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http")) {
		errs = append(errs, component.FieldErrorf("credentials.rotation.queue_url", "%q is not an SQS queue URL (https://sqs.<region>.amazonaws.com/<account>/<queue>)", c.QueueURL))
	}
	return errs
}

// LiveOptions names the option the rotation changes while the connection
// runs: the client secret, written to the file client_secret reads. A
// reload (the engine watches that file too) that sees only it changed keeps
// the connection running on the secret it already switched to.
func (c *ConnectionConfig) LiveOptions() []string {
	if c.Credentials.Rotation == nil {
		return nil
	}
	return []string{"credentials.client_secret"}
}
