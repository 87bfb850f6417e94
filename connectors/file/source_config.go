package file

import (
	"github.com/pipewright/pipewright/engine/component"
)

// SourceConfig configures the file source.
//
// Reads JSON lines or CSV files; remembers how far it read (durable), so a
// restart continues where it stopped. Memory stays bounded: a record over
// max_record_bytes or the transport's maximum payload is dead-lettered with
// its file, line and size, and reading goes on.
type SourceConfig struct {
	// File to read, relative to the pipeline directory; a glob reads every
	// match in name order.
	Path string `yaml:"path" schema:"required,minLength=1"`
	// jsonl (default): one JSON value per line; csv: a header row, then one
	// object per row.
	Format string `yaml:"format" schema:"enum=jsonl|csv"`
	// CSV field separator (default ,).
	Delimiter string `yaml:"delimiter"`
	// CEL expression for the message id (de-duplication key); default file
	// name and line number.
	ID component.Expr `yaml:"id"`
	// Messages published together (default 500).
	BatchSize int `yaml:"batch_size" schema:"minimum=1,maximum=10000"`
	// Poll for new lines and files at this interval instead of stopping at
	// the end.
	Watch component.Duration `yaml:"watch"`
	// Longest record in bytes, without its line end (default 1048576, 1
	// MiB). A longer record, or one over the transport's maximum payload, is
	// skipped without being held in memory and dead-lettered with its file,
	// line and size; reading goes on.
	MaxRecordBytes int `yaml:"max_record_bytes" schema:"minimum=64,maximum=67108864"`
}

// NewSourceConfig returns the defaults of the file source.
func NewSourceConfig() *SourceConfig {
	return &SourceConfig{Format: "jsonl", BatchSize: 500, MaxRecordBytes: DefaultMaxRecordBytes}
}

// DefaultMaxRecordBytes is the default of max_record_bytes.
const DefaultMaxRecordBytes = 1 << 20

// Validate checks the options.
func (c *SourceConfig) Validate() error {
	if c.Format == "csv" && len([]rune(c.Delimiter)) > 1 {
		return component.FieldErrorf("delimiter", "want a single character, got %q", c.Delimiter)
	}
	if c.Format != "csv" && c.Delimiter != "" {
		return component.FieldErrorf("delimiter", "delimiter only applies to format csv")
	}
	return nil
}
