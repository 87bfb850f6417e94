package file

import (
	"github.com/pipewright/pipewright/engine/component"
)

// SourceConfig configures the file source.
type SourceConfig struct {
	// Path is the file to read, relative to the pipeline directory; a glob
	// (e.g. in/*.jsonl) reads every match in name order.
	Path string `yaml:"path"`
	// Format is jsonl (one JSON value per line) or csv (header row, one
	// object per row with string values).
	Format string `yaml:"format"`
	// Delimiter is the CSV field separator (default ",").
	Delimiter string `yaml:"delimiter"`
	// ID is an expression giving each message's id (for de-duplication);
	// default: file name and line number.
	ID component.Expr `yaml:"id"`
	// BatchSize is how many messages are published together (default 500).
	BatchSize int `yaml:"batch_size"`
	// Watch keeps looking for new lines and files every interval instead of
	// stopping at the end of the input.
	Watch component.Duration `yaml:"watch"`
	// MaxRecordBytes is the longest record read (a JSON line or a CSV
	// record, without its line end; default 1 MiB). A longer one is skipped
	// without being held in memory and dead-lettered with its file, line and
	// size; so is a record too large for the transport's maximum payload.
	MaxRecordBytes int `yaml:"max_record_bytes"`
}

// DefaultMaxRecordBytes is the default of max_record_bytes.
const DefaultMaxRecordBytes = 1 << 20

// Validate checks the options.
func (c *SourceConfig) Validate() error {
	if c.Format == "" {
		c.Format = "jsonl"
	}
	if c.Format == "csv" && len([]rune(c.Delimiter)) > 1 {
		return component.FieldErrorf("delimiter", "want a single character, got %q", c.Delimiter)
	}
	if c.Format != "csv" && c.Delimiter != "" {
		return component.FieldErrorf("delimiter", "delimiter only applies to format csv")
	}
	if c.BatchSize == 0 {
		c.BatchSize = 500
	}
	if c.MaxRecordBytes == 0 {
		c.MaxRecordBytes = DefaultMaxRecordBytes
	}
	return nil
}

const sourceSchema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "Reads JSON lines or CSV files; remembers how far it read (durable), so a restart continues where it stopped. Memory stays bounded: a record over max_record_bytes or the transport's maximum payload is dead-lettered with its file, line and size, and reading goes on.",
  "type": "object",
  "additionalProperties": false,
  "required": ["path"],
  "properties": {
    "path": {"type": "string", "minLength": 1, "description": "File to read, relative to the pipeline directory; a glob reads every match in name order."},
    "format": {"enum": ["jsonl", "csv"], "description": "jsonl (default): one JSON value per line; csv: a header row, then one object per row."},
    "delimiter": {"type": "string", "description": "CSV field separator (default ,)."},
    "id": {"type": "string", "description": "CEL expression for the message id (de-duplication key); default file name and line number."},
    "batch_size": {"type": "integer", "minimum": 1, "maximum": 10000, "description": "Messages published together (default 500)."},
    "max_record_bytes": {"type": "integer", "minimum": 64, "maximum": 67108864, "description": "Longest record in bytes, without its line end (default 1048576, 1 MiB). A longer record, or one over the transport's maximum payload, is skipped without being held in memory and dead-lettered with its file, line and size; reading goes on."},
    "watch": {"type": "string", "pattern": "` + component.DurationPattern + `", "description": "Poll for new lines and files at this interval instead of stopping at the end."}
  }
}`
