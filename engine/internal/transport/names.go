package transport

import (
	"strings"
)

// Names derives every JetStream name of one project, so that engines
// pointed at the same NATS share streams and consumers.
type Names struct {
	Project string
}

func upper(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }
func lower(s string) string { return strings.ReplaceAll(s, "-", "_") }

// Stream is the stream of a pipeline's input.
func (n Names) Stream(pipeline string) string {
	return "PW_" + upper(n.Project) + "_" + upper(pipeline)
}

// Subject is the subject a pipeline's input is published on.
func (n Names) Subject(pipeline string) string {
	return "pw." + n.Project + "." + pipeline
}

// Durable is the durable consumer (and queue group) of a pipeline: every
// engine instance joins it, so they share the work.
func (n Names) Durable(pipeline string) string {
	return "pw_" + lower(n.Project) + "_" + lower(pipeline)
}

// DLQStream is the dead-letter stream of the project.
func (n Names) DLQStream() string { return "PW_" + upper(n.Project) + "_DEADLETTERS" }

// DLQRoot is the subject prefix of the dead-letter stream (its subjects are
// DLQRoot().>).
func (n Names) DLQRoot() string { return "pw." + n.Project + ".dl" }

// LegacyDLQStream is the dead-letter stream of engines before records had
// a lifecycle (one subject per pipeline); its records are moved on start.
func (n Names) LegacyDLQStream() string { return "PW_" + upper(n.Project) + "_DLQ" }

// StateBucket is the key/value bucket of component state.
func (n Names) StateBucket() string { return "pw_" + lower(n.Project) + "_state" }

// SharedBucket holds what the project's engines coordinate on.
func (n Names) SharedBucket() string { return "pw_" + lower(n.Project) + "_shared" }

// SeenBucket holds the message ids sinks completed, for their
// de-duplication (component.SeenIDs), each for the sink de-dup window.
func (n Names) SeenBucket() string { return "pw_" + lower(n.Project) + "_seen" }

// ReplayBucket holds the outcomes of dead-letter replays for a while.
func (n Names) ReplayBucket() string { return "pw_" + lower(n.Project) + "_replays" }

// ActivityStream is the stream of what pipelines did per business key.
func (n Names) ActivityStream() string { return "PW_" + upper(n.Project) + "_ACTIVITY" }

// ActivityRoot is the subject prefix of the activity stream.
func (n Names) ActivityRoot() string { return "pw." + n.Project + ".act" }
