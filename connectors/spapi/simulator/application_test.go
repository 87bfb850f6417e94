package simulator_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/connectors/spapi/simulator/sqsserver"
	"github.com/pipewright/pipewright/engine/componenttest"
)

// amazonTime is how the notifications write times.
const amazonTime = "2006-01-02T15:04:05.000Z"

// rotationSim is a started simulator whose application registered a
// queue of an in-process SQS server for client-secret notifications.
type rotationSim struct {
	srv   *simulator.Server
	clock *componenttest.ManualClock
	sqs   *sqs.Client
	queue string
}

func newRotationSim(t *testing.T, enrolled bool) *rotationSim {
	t.Helper()
	qs := sqsserver.New(sqsserver.Options{})
	require.NoError(t, qs.Start())
	t.Cleanup(func() { _ = qs.Close() })
	queue, err := qs.CreateQueue("lwa-secrets", nil)
	require.NoError(t, err)
	clock := componenttest.NewManualClock(epoch)
	cfg := simulator.DefaultConfig()
	cfg.Listen, cfg.Clock, cfg.OrdersPerHour, cfg.SettlementPeriod = "127.0.0.1:0", clock, 0, 0
	if enrolled {
		cfg.SecretRotation.QueueURL = queue
	}
	srv, err := simulator.New(cfg)
	require.NoError(t, err)
	require.NoError(t, srv.Start(context.Background()))
	t.Cleanup(func() { _ = srv.Close() })
	client := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(qs.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	return &rotationSim{srv: srv, clock: clock, sqs: client, queue: queue}
}

// token exchanges the client credentials for a grantless rotation token;
// it returns LWA's status and error code.
func (r *rotationSim) token(t *testing.T, secret string) (int, string, string) {
	t.Helper()
	resp, err := http.PostForm(r.srv.URL()+"/auth/o2/token", url.Values{
		"grant_type": {"client_credentials"}, "scope": {"sellingpartnerapi::client_credential:rotation"},
		"client_id": {simulator.DemoClientID}, "client_secret": {secret},
	})
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	code, _ := body["error"].(string)
	tok, _ := body["access_token"].(string)
	return resp.StatusCode, code, tok
}

func (r *rotationSim) rotate(t *testing.T) (int, []byte) {
	t.Helper()
	_, _, tok := r.token(t, simulator.DemoClientSecret)
	req, err := http.NewRequest(http.MethodPost, r.srv.URL()+"/applications/2023-11-30/clientSecret", nil)
	require.NoError(t, err)
	req.Header.Set("x-amz-access-token", tok)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body json.RawMessage
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

// next waits for the next message on the queue, deletes it and returns
// its body after checking it against its schema.
func (r *rotationSim) next(t *testing.T) (models.NotificationHeader, map[string]any) {
	t.Helper()
	var body string
	require.Eventually(t, func() bool {
		out, err := r.sqs.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(r.queue), WaitTimeSeconds: 1})
		require.NoError(t, err)
		if len(out.Messages) == 0 {
			return false
		}
		body = aws.ToString(out.Messages[0].Body)
		_, err = r.sqs.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: aws.String(r.queue), ReceiptHandle: out.Messages[0].ReceiptHandle})
		require.NoError(t, err)
		return true
	}, 60*time.Second, 10*time.Millisecond)
	h, err := models.ValidateNotification([]byte(body))
	require.NoError(t, err, body)
	var doc struct {
		Payload map[string]map[string]any `json:"payload"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &doc))
	for _, p := range doc.Payload {
		return h, p
	}
	t.Fatalf("no payload in %s", body)
	return h, nil
}

func TestRotateApplicationClientSecret_without_a_registered_queue_is_refused(t *testing.T) {
	r := newRotationSim(t, false)
	status, body := r.rotate(t)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.JSONEq(t, `{"errors":[{"code":"InvalidInput","message":"Application is not enrolled for rotation notification. Please update application notification preference in Developer console."}]}`, string(body))
	secret, expires := r.srv.ClientSecret()
	assert.Equal(t, simulator.DemoClientSecret, secret)
	assert.True(t, expires.IsZero(), "a secret of an application not enrolled does not expire")
}

func TestRotateApplicationClientSecret_sends_the_new_secret_and_retires_the_old_at_its_expiry(t *testing.T) {
	r := newRotationSim(t, true)
	status, _ := r.rotate(t)
	require.Equal(t, http.StatusNoContent, status)

	h, p := r.next(t)
	assert.Equal(t, models.ApplicationOAuthClientNewSecret, h.Type)
	secret, expires := r.srv.ClientSecret()
	assert.NotEqual(t, simulator.DemoClientSecret, secret)
	assert.Equal(t, secret, p["newClientSecret"])
	assert.Equal(t, simulator.DemoClientID, p["clientId"])
	oldExpiry := epoch.Add(simulator.DefaultOldSecretGrace)
	assert.Equal(t, oldExpiry.Format(amazonTime), p["oldClientSecretExpiryTime"])
	assert.Equal(t, expires.Format(amazonTime), p["newClientSecretExpiryTime"])
	assert.Equal(t, epoch.Add(simulator.DefaultSecretLifetime), expires)
	assert.Equal(t, oldExpiry, r.srv.OldClientSecretExpiry())

	for _, tt := range []struct {
		at           time.Time
		old, rotated int
		oldErrorCode string
	}{
		{epoch, http.StatusOK, http.StatusOK, ""},
		{oldExpiry.Add(-time.Second), http.StatusOK, http.StatusOK, ""},
		{oldExpiry, http.StatusBadRequest, http.StatusOK, "invalid_client"},
	} {
		r.clock.Advance(tt.at.Sub(r.clock.Now()))
		status, code, _ := r.token(t, simulator.DemoClientSecret)
		assert.Equal(t, tt.old, status, "old secret at %s", tt.at)
		assert.Equal(t, tt.oldErrorCode, code)
		status, _, _ = r.token(t, secret)
		assert.Equal(t, tt.rotated, status, "new secret at %s", tt.at)
	}
}

func TestSimulator_announces_the_client_secret_expiry(t *testing.T) {
	r := newRotationSim(t, true)
	_, expires := r.srv.ClientSecret()

	// On its own, once a token exchange falls inside the announcement
	// window.
	r.clock.Advance(expires.Add(-simulator.DefaultSecretAnnounceBefore).Sub(r.clock.Now()))
	status, _, _ := r.token(t, simulator.DemoClientSecret)
	require.Equal(t, http.StatusOK, status)
	h, p := r.next(t)
	assert.Equal(t, models.ApplicationOAuthClientSecretExpiry, h.Type)
	assert.Equal(t, expires.Format(amazonTime), p["clientSecretExpiryTime"])
	assert.Equal(t, "PERIODIC_ROTATION", p["clientSecretExpiryReason"])

	// On demand, for tests and demos.
	require.True(t, r.srv.AnnounceSecretExpiry())
	h, _ = r.next(t)
	assert.Equal(t, models.ApplicationOAuthClientSecretExpiry, h.Type)

	// The secret expired: refused.
	r.clock.Advance(expires.Sub(r.clock.Now()))
	status, code, _ := r.token(t, simulator.DemoClientSecret)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, "invalid_client", code)
}
