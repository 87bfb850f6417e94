package sqsserver

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/pipewright/pipewright/engine/component"
)

// systemAttributes are the message attributes ReceiveMessage can return.
var systemAttributes = []string{
	"ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "SentTimestamp", "SenderId",
	"MessageGroupId", "MessageDeduplicationId", "SequenceNumber",
}

type receiveRequest struct {
	QueueUrl                    string
	MaxNumberOfMessages         *int64
	VisibilityTimeout           *int64
	WaitTimeSeconds             *int64
	AttributeNames              []string
	MessageSystemAttributeNames []string
}

type wireMessage struct {
	MessageId     string
	ReceiptHandle string
	MD5OfBody     string
	Body          string
	Attributes    map[string]string `json:",omitempty"`
}

func (r *receiveRequest) check() *apiError {
	if n := r.MaxNumberOfMessages; n != nil && (*n < 1 || *n > 10) {
		return errOutOfRange("MaxNumberOfMessages", *n, 1, 10)
	}
	if n := r.WaitTimeSeconds; n != nil && (*n < 0 || *n > 20) {
		return errOutOfRange("WaitTimeSeconds", *n, 0, 20)
	}
	if n := r.VisibilityTimeout; n != nil && (*n < 0 || *n > 43200) {
		return errOutOfRange("VisibilityTimeout", *n, 0, 43200)
	}
	return nil
}

// receiveMessage answers ReceiveMessage, waiting up to WaitTimeSeconds of
// clock time (the queue's ReceiveMessageWaitTimeSeconds when not given)
// for a message to become visible.
func (s *Server) receiveMessage(ctx context.Context, body []byte) (any, *apiError) {
	var req receiveRequest
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if err := req.check(); err != nil {
		return nil, err
	}
	var deadline time.Time
	for {
		s.mu.Lock()
		q, err := s.queueOf(req.QueueUrl)
		if err != nil {
			s.mu.Unlock()
			return nil, err
		}
		now := s.clock.Now()
		if deadline.IsZero() {
			deadline = now.Add(orDefault(req.WaitTimeSeconds, q.seconds("ReceiveMessageWaitTimeSeconds")))
		}
		visibility := orDefault(req.VisibilityTimeout, q.seconds("VisibilityTimeout"))
		got := q.receive(now, int(orInt(req.MaxNumberOfMessages, 1)), visibility)
		changed, next := s.changed, q.nextVisible(now)
		s.mu.Unlock()
		if len(got) > 0 {
			return map[string]any{"Messages": wireMessages(got, append(req.AttributeNames, req.MessageSystemAttributeNames...), s.opts.AccountID)}, nil
		}
		wait := deadline.Sub(now)
		if wait <= 0 {
			return struct{}{}, nil
		}
		if !next.IsZero() && next.Sub(now) < wait {
			wait = next.Sub(now)
		}
		if _, err := component.SleepOrWake(ctx, s.clock, wait, changed); err != nil {
			return struct{}{}, nil
		}
	}
}

func wireMessages(msgs []*message, names []string, account string) []wireMessage {
	want := map[string]bool{}
	for _, n := range names {
		if n == "All" {
			for _, a := range systemAttributes {
				want[a] = true
			}
		}
		want[n] = true
	}
	out := make([]wireMessage, 0, len(msgs))
	for _, m := range msgs {
		all := map[string]string{
			"ApproximateReceiveCount":          strconv.Itoa(m.receiveCount),
			"ApproximateFirstReceiveTimestamp": strconv.FormatInt(m.firstReceived.UnixMilli(), 10),
			"SentTimestamp":                    strconv.FormatInt(m.sent.UnixMilli(), 10),
			"SenderId":                         account,
		}
		if m.seq != "" {
			all["MessageGroupId"], all["MessageDeduplicationId"], all["SequenceNumber"] = m.group, m.dedupID, m.seq
		}
		attrs := map[string]string{}
		for k, v := range all {
			if want[k] {
				attrs[k] = v
			}
		}
		if len(attrs) == 0 {
			attrs = nil
		}
		out = append(out, wireMessage{MessageId: m.id, ReceiptHandle: m.handle, MD5OfBody: m.md5, Body: m.body, Attributes: attrs})
	}
	return out
}

func (s *Server) deleteMessage(ctx context.Context, body []byte) (any, *apiError) {
	var req struct{ QueueUrl, ReceiptHandle string }
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.ReceiptHandle == "" {
		return nil, errMissingParameter("ReceiptHandle")
	}
	if !s.waitHeld(ctx) {
		return nil, &apiError{503, "ServiceUnavailable", "AWS.SimpleQueueService.ServiceUnavailable", "The request was dropped before it was served."}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueOf(req.QueueUrl)
	if err != nil {
		return nil, err
	}
	if err := q.remove(req.ReceiptHandle); err != nil {
		return nil, err
	}
	s.notify()
	return struct{}{}, nil
}

func (s *Server) changeMessageVisibility(_ context.Context, body []byte) (any, *apiError) {
	var req struct {
		QueueUrl, ReceiptHandle string
		VisibilityTimeout       *int64
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	switch {
	case req.ReceiptHandle == "":
		return nil, errMissingParameter("ReceiptHandle")
	case req.VisibilityTimeout == nil:
		return nil, errMissingParameter("VisibilityTimeout")
	case *req.VisibilityTimeout < 0 || *req.VisibilityTimeout > 43200:
		return nil, errOutOfRange("VisibilityTimeout", *req.VisibilityTimeout, 0, 43200)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueOf(req.QueueUrl)
	if err != nil {
		return nil, err
	}
	if err := q.changeVisibility(s.clock.Now(), req.ReceiptHandle, time.Duration(*req.VisibilityTimeout)*time.Second); err != nil {
		return nil, err
	}
	s.notify()
	return struct{}{}, nil
}

func orDefault(v *int64, def time.Duration) time.Duration {
	if v == nil {
		return def
	}
	return time.Duration(*v) * time.Second
}

func orInt(v *int64, def int64) int64 {
	if v == nil {
		return def
	}
	return *v
}

// validBody reports whether body holds only the characters SQS allows.
func validBody(body string) bool {
	if !utf8.ValidString(body) {
		return false
	}
	for _, r := range body {
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
