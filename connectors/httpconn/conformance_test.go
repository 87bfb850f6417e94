package httpconn_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/httpconn"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/connectortest"
)

func TestWebhook_conformance(t *testing.T) {
	connectortest.TestSource(t, func(t *testing.T) connectortest.SourceSpec {
		f := httpconn.NewWebhookFactory()
		return connectortest.SourceSpec{
			New: func(t testing.TB, set *component.SourceSettings) component.Source {
				cfg := componenttest.DecodeConfig(t, f, "path: /hooks/in\nauth: {token: "+token+"}\nid_header: X-Request-Id")
				src, err := f.CreateSource(context.Background(), *set, cfg)
				require.NoError(t, err)
				return src
			},
			Request: func(_ testing.TB, i int) *http.Request {
				req := httptest.NewRequest(http.MethodPost, "/hooks/in", strings.NewReader(fmt.Sprintf(`{"n":%d}`, i)))
				req.Header.Set("X-Hook-Token", token)
				req.Header.Set("X-Request-Id", fmt.Sprint("req-", i))
				return req
			},
		}
	})
}
