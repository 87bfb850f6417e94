package spapi

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/connectors/spapi/internal/sqsrecv"
	"github.com/pipewright/pipewright/engine/component"
)

// NotificationIntake is where a source receives SP-API notifications: on
// a webhook path (an EventBridge API destination, or a forwarder of an SQS
// queue), from an SQS queue the source long-polls, or both. Either way a
// notification is validated against Amazon's schema of its type and feeds
// the same flow.
type NotificationIntake struct {
	// The webhook (path, auth, max_body, schema); path and auth are needed
	// unless sqs names a queue.
	webhook.Options `yaml:",inline"`
	// An SQS standard queue to long-poll, with the AWS access of the
	// connection's notifications.sqs.
	SQS *SQSIntake `yaml:"sqs"`
}

// SQSIntake configures the long poll of an SQS queue that is an SP-API
// notification destination.
type SQSIntake struct {
	// URL of the standard queue, e.g.
	// https://sqs.us-east-1.amazonaws.com/123456789012/sp-api (empty: no
	// SQS intake, so that ${env:NAME:-} can switch it off). A FIFO queue
	// (.fifo) is refused: Amazon delivers nothing to one.
	QueueURL string `yaml:"queue_url"`
	// Long poll of one receive (default 20s, at most 20s).
	WaitTime component.Duration `yaml:"wait_time"`
	// How long a received message stays hidden from other readers (default
	// 1m, between 2s and 12h); renewed while the engine works it, so a
	// message comes back this long after an engine died holding it.
	VisibilityTimeout component.Duration `yaml:"visibility_timeout"`
	// Messages per receive (1 to 10, default 10).
	MaxMessages int `yaml:"max_messages" schema:"minimum=1,maximum=10"`
}

// JSONSchemaExtend makes path and auth optional when sqs is given.
func (NotificationIntake) JSONSchemaExtend(s map[string]any) {
	req, _ := s["required"].([]any)
	var keep []any
	for _, r := range req {
		if r != "path" && r != "auth" {
			keep = append(keep, r)
		}
	}
	if len(keep) == 0 {
		delete(s, "required")
	} else {
		s["required"] = keep
	}
	s["anyOf"] = []any{
		map[string]any{"required": []any{"path", "auth"}},
		map[string]any{"required": []any{"sqs"}},
	}
}

// UsesSQS reports whether the intake reads a queue.
func (n *NotificationIntake) UsesSQS() bool { return n.SQS != nil && n.SQS.QueueURL != "" }

// UsesWebhook reports whether the intake serves a path: when one is given,
// or when no queue is (the path is then missing, which Validate reports).
func (n *NotificationIntake) UsesWebhook() bool { return n.Path != "" || !n.UsesSQS() }

// Validate checks the webhook options when a path is used and the queue
// options when a queue is.
func (n *NotificationIntake) Validate() error {
	var errs []error
	if n.UsesWebhook() {
		err := n.Options.Validate()
		if n.Path == "" && n.SQS != nil {
			err = component.FieldErrorf("path", "give a webhook path or sqs.queue_url (which is empty)")
		}
		errs = append(errs, err)
	}
	if n.SQS != nil {
		errs = append(errs, underOption("sqs.", n.SQS.validate()))
	}
	return errors.Join(errs...)
}

func (q *SQSIntake) validate() error {
	var errs []error
	if q.QueueURL != "" {
		u, err := url.Parse(q.QueueURL)
		parts := strings.Split(strings.Trim(u.Path, "/"), "/")
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(parts) != 2:
			errs = append(errs, component.FieldErrorf("queue_url", "want a queue URL, https://sqs.<region>.amazonaws.com/<account>/<queue>"))
		case sqsrecv.IsFIFO(q.QueueURL):
			errs = append(errs, component.FieldErrorf("queue_url", "%s is a FIFO queue: Amazon delivers SP-API notifications only to standard queues and silently drops them for a FIFO one", parts[1]))
		}
	}
	if w := q.WaitTime.D(); w < 0 || w > 20*time.Second {
		errs = append(errs, component.FieldErrorf("wait_time", "want between 1s and 20s"))
	}
	if v := q.VisibilityTimeout.D(); v != 0 && (v < 2*time.Second || v > 12*time.Hour) {
		errs = append(errs, component.FieldErrorf("visibility_timeout", "want between 2s and 12h"))
	}
	if q.MaxMessages < 0 || q.MaxMessages > 10 {
		errs = append(errs, component.FieldErrorf("max_messages", "want between 1 and 10"))
	}
	return errors.Join(errs...)
}

// receiverConfig returns the receive options of q.
func (q *SQSIntake) receiverConfig() sqsrecv.Config {
	return sqsrecv.Config{
		QueueURL: q.QueueURL, Wait: q.WaitTime.D(), Visibility: q.VisibilityTimeout.D(), MaxMessages: q.MaxMessages,
	}
}
