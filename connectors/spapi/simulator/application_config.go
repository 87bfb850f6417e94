package simulator

import "time"

// SecretRotationConfig is what the developer console holds for the
// application's client secret: the SQS queue registered for the
// APPLICATION_OAUTH_CLIENT_NEW_SECRET and
// APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY notifications, and the lifetimes
// Amazon applies.
type SecretRotationConfig struct {
	// QueueURL is the registered SQS queue (an SQS-compatible server's
	// queue URL). Empty: the application is not enrolled, and
	// rotateApplicationClientSecret answers 400 as Amazon does. Once set,
	// the client secret also expires (Lifetime), as Amazon's do.
	QueueURL string
	// Lifetime is how long a client secret is valid, in simulated time;
	// 0 means 180 days (Amazon's periodic rotation).
	Lifetime time.Duration
	// OldSecretGrace is how long LWA still accepts the old secret after a
	// rotation, in simulated time; 0 means 7 days (Amazon's).
	OldSecretGrace time.Duration
	// AnnounceBefore is how long before a secret's expiry the simulator
	// sends APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY on its own; 0 means 30
	// days, negative never (AnnounceSecretExpiry still sends one).
	AnnounceBefore time.Duration
	// Region is the AWS region the queue is in, for the SQS client; empty
	// means the region in the queue URL's host, else us-east-1.
	Region string
}

// Defaults of SecretRotationConfig.
const (
	DefaultSecretLifetime       = 180 * 24 * time.Hour
	DefaultOldSecretGrace       = 7 * 24 * time.Hour
	DefaultSecretAnnounceBefore = 30 * 24 * time.Hour
)

func (c *SecretRotationConfig) applyDefaults() {
	if c.Lifetime <= 0 {
		c.Lifetime = DefaultSecretLifetime
	}
	if c.OldSecretGrace <= 0 {
		c.OldSecretGrace = DefaultOldSecretGrace
	}
	if c.AnnounceBefore == 0 {
		c.AnnounceBefore = DefaultSecretAnnounceBefore
	}
}
