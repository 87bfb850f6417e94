package models_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// The fixtures are the examples of Amazon's lwa-rotation sample solution
// (amzn/selling-partner-api-samples, use-cases/lwa-rotation/README.md).
func TestValidateNotification_application_secret_notifications(t *testing.T) {
	tests := []struct {
		file, typ string
		drop      string // a required member removed: the notification is refused
	}{
		{"new_secret.json", models.ApplicationOAuthClientNewSecret, `"newClientSecret": "amzn1.oa2-cs.v1.8b6XXXXXXXXXXXXXXXXXXXXXXXXX",`},
		{"secret_expiry.json", models.ApplicationOAuthClientSecretExpiry, `"clientSecretExpiryTime": "2024-03-03T22:06:39.224Z",`},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", "application", tt.file))
			require.NoError(t, err)
			h, err := models.ValidateNotification(body)
			require.NoError(t, err)
			assert.Equal(t, tt.typ, h.Type)
			assert.NotEmpty(t, h.ID)

			broken := strings.Replace(string(body), tt.drop, "", 1)
			require.NotEqual(t, string(body), broken)
			_, err = models.ValidateNotification([]byte(broken))
			assert.Error(t, err)
			assert.NotContains(t, models.NotificationTypes(), tt.typ, "not a type a seller subscribes to")
		})
	}
}
