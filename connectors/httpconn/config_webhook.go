package httpconn

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pipewright/pipewright/connectors/internal/webhook"
	"github.com/pipewright/pipewright/engine/component"
)

// WebhookConfig configures the http.webhook source.
//
// Receives JSON webhooks on a path of the engine's HTTP server. Every
// authenticated, valid request becomes one message, durably published before
// the sender is answered 202; refused requests (401, 400, 405, 413) publish
// nothing, and a failed publish is answered 503 so that the sender retries.
type WebhookConfig struct {
	// Options are the path, authentication, body limit and body schema.
	webhook.Options `yaml:",inline"`
	// CEL expression for the message id (the de-duplication key: a request
	// repeated with the same id is published once), over msg (the body) and
	// meta, e.g. msg.NotificationMetadata.NotificationId; must give a string
	// or an integer, else the request is answered 400. Default: id_header,
	// else a random id.
	ID component.Expr `yaml:"id" schema:"minLength=1"`
	// Request header holding the message id, e.g. X-Request-Id; a request
	// without it is answered 400. Not together with id.
	IDHeader string `yaml:"id_header" pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
	// Request headers copied into the message metadata under their
	// lower-case names (several values joined with ", "). Credential headers
	// (the auth headers, Authorization, Cookie) are refused.
	MetadataHeaders []string `yaml:"metadata_headers" schema:"uniqueItems" pattern:"^[A-Za-z0-9][A-Za-z0-9_.-]*$"`
}

// alwaysSecret are headers that carry credentials whatever the auth mode.
var alwaysSecret = []string{"Authorization", "Proxy-Authorization", "Cookie"}

// Validate checks the options.
func (c *WebhookConfig) Validate() error {
	if err := c.Options.Validate(); err != nil {
		return err
	}
	if !c.ID.IsZero() && c.IDHeader != "" {
		return component.FieldErrorf("id_header", "set id or id_header, not both")
	}
	credentials := append(c.AuthHeaders(), alwaysSecret...)
	if c.IDHeader != "" && isOneOf(c.IDHeader, credentials) {
		return component.FieldErrorf("id_header", "%s carries credentials and cannot be a message id", c.IDHeader)
	}
	seen := map[string]bool{}
	for i, h := range c.MetadataHeaders {
		path := "metadata_headers." + strconv.Itoa(i)
		canon := http.CanonicalHeaderKey(h)
		switch {
		case isOneOf(h, credentials):
			return component.FieldErrorf(path, "%s carries credentials and is never copied into messages", h)
		case strings.HasPrefix(strings.ToLower(h), "pw-"):
			return component.FieldErrorf(path, "metadata keys starting with pw- are the engine's")
		case seen[canon]:
			return component.FieldErrorf(path, "%s is listed twice", h)
		}
		seen[canon] = true
	}
	return nil
}

func isOneOf(header string, names []string) bool {
	return slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(header, n) })
}
