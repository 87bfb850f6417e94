package httppoll

import (
	"net/url"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Config configures the http.poll source.
type Config struct {
	// URL is fetched with GET each poll.
	URL string `yaml:"url"`
	// CursorParam is the query parameter carrying the cursor.
	CursorParam string `yaml:"cursor_param"`
	// Start is the cursor of the first poll; empty sends none.
	Start string `yaml:"start"`
	// Items is a JSON pointer to the array of items ("": the response).
	Items string `yaml:"items"`
	// NextCursor is a JSON pointer to the next cursor in a response.
	NextCursor string `yaml:"next_cursor"`
	// ID is a JSON pointer to an item's id, the message id.
	ID string `yaml:"id"`
	// Every is the time between rounds of polls.
	Every component.Duration `yaml:"every"`
	// Timeout bounds one request.
	Timeout component.Duration `yaml:"timeout"`
	// AuthHeader names the header carrying AuthSecret.
	AuthHeader string `yaml:"auth_header"`
	// AuthSecret, when set, is sent in AuthHeader: "Bearer ${env:TOKEN}".
	AuthSecret string `yaml:"auth_secret"`
}

func newConfig() *Config {
	return &Config{CursorParam: "cursor", AuthHeader: "Authorization",
		Every: component.Duration(time.Minute), Timeout: component.Duration(30 * time.Second)}
}

// Validate checks the URL; the schema checks the rest.
func (c *Config) Validate() error {
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return component.FieldErrorf("url", "want an absolute http:// or https:// URL")
	}
	return nil
}

const schema = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "description": "Polls a JSON HTTP API with a cursor: GET url with the cursor as a query parameter, one message per item of the response, the next cursor read from the response; the cursor is stored once the items are published.",
  "type": "object",
  "additionalProperties": false,
  "required": ["url", "next_cursor", "id"],
  "properties": {
    "url": {"type": "string", "x-secret": "dsn", "description": "URL fetched with GET; the cursor parameter is added to its query."},
    "cursor_param": {"type": "string", "minLength": 1, "description": "Query parameter carrying the cursor (default cursor)."},
    "start": {"type": "string", "description": "Cursor of the first poll (default: none sent)."},
    "items": {"type": "string", "pattern": "^(/.*)?$", "description": "JSON pointer to the array of items (default: the response is the array)."},
    "next_cursor": {"type": "string", "pattern": "^/", "description": "JSON pointer to the next cursor; a poll whose response has one, new and with items, is followed by the next at once."},
    "id": {"type": "string", "pattern": "^(/.*)?$", "description": "JSON pointer to an item's id (the message id, for de-duplication): an item read again has the same one."},
    "every": {"type": "string", "pattern": "` + component.DurationPattern + `", "description": "Time between rounds of polls (default 1m)."},
    "timeout": {"type": "string", "pattern": "` + component.DurationPattern + `", "description": "Bound of one request (default 30s)."},
    "auth_header": {"type": "string", "minLength": 1, "description": "Header carrying auth_secret (default Authorization)."},
    "auth_secret": {"type": "string", "x-secret": true, "description": "Sent in auth_header with every request, e.g. Bearer ${env:API_TOKEN}."}
  }
}`
