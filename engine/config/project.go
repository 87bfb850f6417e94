package config

import (
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// ProjectFile is the name of the project file at the top of a pipeline directory.
const ProjectFile = "pipewright.yaml"

// Project is a loaded, valid pipeline directory.
type Project struct {
	// Dir is the directory as given to Load.
	Dir string
	// Name is the project name (stable: it names streams and metrics).
	Name        string
	Description string
	// DataDir is the data directory from the project file ("" for the default).
	DataDir   string
	Transport Transport
	Server    Server
	// Connections by name.
	Connections map[string]*Connection
	// Env holds the project's env values, visible to expressions as env.NAME.
	Env map[string]string
	// Defaults apply to pipelines that leave a setting out.
	Defaults Defaults
	// Activity configures the record of what happened to each business key.
	Activity ActivityOptions
	// Alerts configures the alert notifier (none when not Configured).
	Alerts Alerts
	// Tables are the directory's lookup tables by name.
	Tables expr.Tables
	// Pipelines in file-name order.
	Pipelines []*Pipeline
	// Tests are the directory's test files in file-name order.
	Tests []*TestFile
	// Globals are the run-time values every compiled expression reads.
	Globals *Globals
	// Secrets are the secret values, longest first: options whose schema
	// declares them secret (component.SecretKeyword), every ${file:...}
	// value and the ${env:NAME} values of the names the project file lists
	// under secrets; values shorter than MinSecretLen are left out. The
	// runtime removes them from logs, errors and dead letters.
	Secrets []string
	// Files are the paths of every file read to load the directory (the
	// project and pipeline files, tables, mappings, schemas, tests and
	// their fixtures, ${file:...} references), sorted: a pipeline
	// directory's version hashes their content.
	Files []string
}

// Pipeline returns the pipeline with the given name.
func (p *Project) Pipeline(name string) (*Pipeline, bool) {
	for _, pl := range p.Pipelines {
		if pl.Name == name {
			return pl, true
		}
	}
	return nil, false
}

// Transport configures the message transport (see the project schema).
type Transport struct {
	URL             string             `yaml:"url"`
	Credentials     string             `yaml:"credentials"`
	Listen          string             `yaml:"listen"`
	Replicas        int                `yaml:"replicas"`
	DuplicateWindow component.Duration `yaml:"duplicate_window"`
	AckWait         component.Duration `yaml:"ack_wait"`
	SinkDedupWindow component.Duration `yaml:"sink_dedup_window"`
	MaxAckPending   int                `yaml:"max_ack_pending"`
	BatchSize       int                `yaml:"batch_size"`
	MaxBytes        int64              `yaml:"max_bytes"`
	// SourceLease is how long an engine's claim on a polling source lasts
	// without a renewal (0: the runtime's default, 15s).
	SourceLease component.Duration `yaml:"source_lease"`
	// MaxAhead bounds how many messages a pipeline's poll sources may run
	// ahead of its consumers (0: the default; -1: no bound).
	MaxAhead int `yaml:"max_ahead"`
	// MaxAheadBytes bounds the payload bytes of those messages (0: the
	// default; -1: no bound).
	MaxAheadBytes int64 `yaml:"max_ahead_bytes"`
	// Pack sizes the packs a source's batch is published in.
	Pack Pack `yaml:"pack"`
}

// Pack bounds the records a source publishes together in one stream
// message (see the project schema); zero values take the defaults.
type Pack struct {
	// Records is the most records in one pack (1: no packing).
	Records int `yaml:"records"`
	// Bytes is the most payload bytes in one pack.
	Bytes int `yaml:"bytes"`
}

// Server configures the engine's HTTP server.
type Server struct {
	Listen     string `yaml:"listen"`
	AdminToken string `yaml:"admin_token"`
	// PublicURL is where senders reach the engine's webhooks ("": derived
	// from the listen address).
	PublicURL string `yaml:"public_url"`
	Health    Health `yaml:"health"`
	// TrustLoopback serves loopback clients without the admin token (nil:
	// true); false for engines behind a reverse proxy on the same host.
	TrustLoopback *bool          `yaml:"trust_loopback"`
	Console       ConsoleOptions `yaml:"console"`
	// MemoryLimitMiB is the engine process's soft memory limit in MiB (nil:
	// GOMEMLIMIT, else the engine's default when it embeds NATS, else none;
	// 0: none; see service.ApplyMemoryLimit).
	MemoryLimitMiB *int64 `yaml:"memory_limit_mib"`
	// Pprof is the address of a separate listener serving Go's runtime
	// profiles (net/http/pprof) under /debug/pprof/ ("": none).
	Pprof string `yaml:"pprof"`
}

// Health configures what readiness checks besides NATS and circuits; zero
// values take the runtime's defaults.
type Health struct {
	// DegradedAfter is how long a connection's calls may keep failing with
	// retryable errors before it is reported degraded.
	DegradedAfter component.Duration `yaml:"degraded_after"`
	// MinFreeMiB is the free space the data directory needs (nil: default;
	// 0: no free-space check).
	MinFreeMiB *int64 `yaml:"min_free_mib"`
}

// Defaults holds project-wide defaults.
type Defaults struct {
	Errors      ErrorPolicy      `yaml:"errors"`
	DeadLetters DeadLetterPolicy `yaml:"dead_letters"`
}

// Connection is a configured connection.
type Connection struct {
	Name    string
	Type    component.Type
	Factory component.ConnectionFactory
	// Config is the decoded, validated options (the factory's NewConfig type).
	Config any
	// Fingerprint identifies the connection's type and options after
	// interpolation: equal fingerprints configure the same connection.
	Fingerprint string
}

// projectDoc is the project file as decoded from YAML; env and connections
// are read from the nodes.
type projectDoc struct {
	Project     string                  `yaml:"project"`
	Description string                  `yaml:"description"`
	DataDir     string                  `yaml:"data_dir"`
	Transport   Transport               `yaml:"transport"`
	Server      Server                  `yaml:"server"`
	Tables      map[string]TableOptions `yaml:"tables"`
	Defaults    Defaults                `yaml:"defaults"`
	Activity    ActivityOptions         `yaml:"activity"`
	Alerts      Alerts                  `yaml:"alerts"`
}

// TableOptions are the project file's options for one lookup table.
type TableOptions struct {
	File            string `yaml:"file"`
	Key             string `yaml:"key"`
	Value           string `yaml:"value"`
	Default         any    `yaml:"default"`
	HasDefault      bool   `yaml:"-"`
	CaseInsensitive bool   `yaml:"case_insensitive"`
	// Types are the declared types of CSV columns (string, int, decimal, bool).
	Types map[string]string `yaml:"types"`
}
