package spapi

import (
	"bytes"
	"cmp"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// maxNotification bounds a notification request body.
const maxNotification = 1 << 20

var errUnauthenticated = errors.New("unauthenticated")

// authenticate checks a request against the auth options. The HMAC
// timestamp is compared with the wall clock, not the engine clock: the
// tolerance guards against replays in real time, and senders (SQS
// forwarders, EventBridge, the simulator) sign with wall-clock time.
func (a *AuthConfig) authenticate(r *http.Request, body []byte) error {
	if a.HMAC == nil {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get(cmp.Or(a.Header, "X-Hook-Token"))), []byte(a.Token)) != 1 {
			return errUnauthenticated
		}
		return nil
	}
	h := a.HMAC
	ts := r.Header.Get(h.timestampHeader())
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errUnauthenticated
	}
	if d := time.Since(time.Unix(sec, 0)); d > h.tolerance() || d < -h.tolerance() {
		return errUnauthenticated
	}
	got, err := hex.DecodeString(strings.TrimPrefix(r.Header.Get(h.signatureHeader()), "sha256="))
	if err != nil {
		return errUnauthenticated
	}
	if !hmac.Equal(got, sign(h.Secret, ts, body)) {
		return errUnauthenticated
	}
	return nil
}

// sign returns HMAC-SHA256 of "<ts>.<body>".
func sign(secret, ts string, body []byte) []byte {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts))
	mac.Write([]byte("."))
	mac.Write(body)
	return mac.Sum(nil)
}

// intakeError is an HTTP answer of the intake.
type intakeError struct {
	status int
	err    error
}

func (e *intakeError) Error() string { return e.err.Error() }

func badRequest(format string, args ...any) *intakeError {
	return &intakeError{http.StatusBadRequest, fmt.Errorf(format, args...)}
}

// notification is a received, authenticated and validated notification.
type notification struct {
	header models.NotificationHeader
	// body is the notification JSON (an EventBridge detail unwrapped).
	body []byte
}

// receive reads, authenticates, unwraps and validates one notification
// request. It answers nothing: the caller does, with the intakeError's
// status on failure.
func (w *WebhookConfig) receive(r *http.Request) (*notification, *intakeError) {
	if r.Method != http.MethodPost {
		return nil, &intakeError{http.StatusMethodNotAllowed, errors.New("use POST")}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxNotification+1))
	if err != nil {
		return nil, badRequest("reading the body: %v", err)
	}
	if len(body) > maxNotification {
		return nil, &intakeError{http.StatusRequestEntityTooLarge, errors.New("notification too large")}
	}
	if err := w.Auth.authenticate(r, body); err != nil {
		return nil, &intakeError{http.StatusUnauthorized, err}
	}
	body = unwrapEventBridge(body)
	h, err := models.ValidateNotification(body)
	if err != nil {
		return nil, badRequest("%v", err)
	}
	if h.ID == "" {
		return nil, badRequest("notification has no NotificationMetadata.NotificationId")
	}
	return &notification{header: h, body: body}, nil
}

// unwrapEventBridge returns the detail of an EventBridge event, or body
// itself when it is not one.
func unwrapEventBridge(body []byte) []byte {
	var ev struct {
		DetailType string          `json:"detail-type"`
		Detail     json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(body, &ev) != nil || ev.DetailType == "" || len(bytes.TrimSpace(ev.Detail)) == 0 {
		return body
	}
	return ev.Detail
}

// answer writes a small JSON answer.
func answer(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	data, _ := json.Marshal(map[string]string{"message": msg})
	_, _ = w.Write(data)
}
