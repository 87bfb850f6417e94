package httppoll

import (
	"net/url"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// Config configures the http.poll source.
//
// Polls a JSON HTTP API with a cursor: GET url with the cursor as a query
// parameter, one message per item of the response, the next cursor read from
// the response; the cursor is stored once the items are published.
type Config struct {
	// URL fetched with GET; the cursor parameter is added to its query.
	URL string `yaml:"url" schema:"required,secret=dsn"`
	// Query parameter carrying the cursor (default cursor).
	CursorParam string `yaml:"cursor_param" schema:"minLength=1"`
	// Cursor of the first poll (default: none sent).
	Start string `yaml:"start"`
	// JSON pointer to the array of items (default: the response is the
	// array).
	Items string `yaml:"items" pattern:"^(/.*)?$"`
	// JSON pointer to the next cursor; a poll whose response has one, new
	// and with items, is followed by the next at once.
	NextCursor string `yaml:"next_cursor" schema:"required" pattern:"^/"`
	// JSON pointer to an item's id (the message id, for de-duplication): an
	// item read again has the same one.
	ID string `yaml:"id" schema:"required" pattern:"^(/.*)?$"`
	// Time between rounds of polls (default 1m).
	Every component.Duration `yaml:"every"`
	// Bound of one request (default 30s).
	Timeout component.Duration `yaml:"timeout"`
	// Header carrying auth_secret (default Authorization).
	AuthHeader string `yaml:"auth_header" schema:"minLength=1"`
	// Sent in auth_header with every request, e.g. Bearer ${env:API_TOKEN}.
	AuthSecret string `yaml:"auth_secret" schema:"secret"`
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
