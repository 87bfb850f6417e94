package models_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// schemaExamples returns the examples of every notification schema.
func schemaExamples(t *testing.T) map[string][]json.RawMessage {
	t.Helper()
	exs, err := models.NotificationExamples()
	require.NoError(t, err)
	out := map[string][]json.RawMessage{}
	for _, ex := range exs {
		out[ex.Schema] = append(out[ex.Schema], ex.Body)
	}
	return out
}

func TestValidateNotification_accepts_every_schema_example(t *testing.T) {
	n := 0
	for file, examples := range schemaExamples(t) {
		for i, ex := range examples {
			t.Run(fmt.Sprintf("%s/%d", file, i), func(t *testing.T) {
				h, err := models.ValidateNotification(ex)
				require.NoError(t, err)
				assert.NotEmpty(t, h.ID)
				assert.Contains(t, models.NotificationTypes(), h.Type)
			})
			n++
		}
	}
	assert.Equal(t, 10, n)
}

func TestValidateNotification_rejects_bad_notifications(t *testing.T) {
	orderChange := schemaExamples(t)["notifications/OrderChangeNotification.json"][0]
	var doc map[string]any
	require.NoError(t, json.Unmarshal(orderChange, &doc))
	delete(doc["Payload"].(map[string]any)["OrderChangeNotification"].(map[string]any), "AmazonOrderId")
	missingOrderID, err := json.Marshal(doc)
	require.NoError(t, err)

	tests := []struct{ name, body, want string }{
		{"not JSON", `{`, "not a JSON object"},
		{"no type", `{"Payload":{}}`, "no NotificationType"},
		{"unknown type", `{"NotificationType":"ANY_OFFER_CHANGED"}`, `unknown notification type "ANY_OFFER_CHANGED"`},
		{"schema violation", string(missingOrderID), "AmazonOrderId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := models.ValidateNotification([]byte(tt.body))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestParseNotificationHeader_reads_both_key_casings(t *testing.T) {
	for _, body := range []string{
		`{"NotificationType":"ORDER_CHANGE","PayloadVersion":"1.0","EventTime":"2020-01-01T00:00:00Z","NotificationMetadata":{"NotificationId":"n1"}}`,
		`{"notificationType":"ORDER_CHANGE","payloadVersion":"1.0","eventTime":"2020-01-01T00:00:00Z","notificationMetadata":{"notificationId":"n1"}}`,
	} {
		h, err := models.ParseNotificationHeader([]byte(body))
		require.NoError(t, err)
		assert.Equal(t, models.NotificationHeader{Type: "ORDER_CHANGE", PayloadVersion: "1.0", EventTime: "2020-01-01T00:00:00Z", ID: "n1"}, h)
	}
}
