package sqsserver

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// operation answers one action: the decoded response or an error.
type operation func(s *Server, ctx context.Context, body []byte) (any, *apiError)

// operations are the supported actions by X-Amz-Target suffix.
var operations = map[string]operation{
	"CreateQueue":             (*Server).createQueue,
	"GetQueueUrl":             (*Server).getQueueURL,
	"GetQueueAttributes":      (*Server).getQueueAttributes,
	"DeleteQueue":             (*Server).deleteQueue,
	"SendMessage":             (*Server).sendMessage,
	"ReceiveMessage":          (*Server).receiveMessage,
	"DeleteMessage":           (*Server).deleteMessage,
	"ChangeMessageVisibility": (*Server).changeMessageVisibility,
}

// decode reads a request body into v.
func decode(body []byte, v any) *apiError {
	if len(body) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return errInvalidParameter("The request body is not valid JSON for this action: " + err.Error())
	}
	return nil
}

// queueOf finds the queue a QueueUrl names (<endpoint>/<account>/<name>;
// like AWS, only the path counts). The caller holds s.mu.
func (s *Server) queueOf(queueURL string) (*queue, *apiError) {
	if queueURL == "" {
		return nil, errMissingParameter("QueueUrl")
	}
	u, err := url.Parse(queueURL)
	if err != nil {
		return nil, errQueueDoesNotExist()
	}
	account, name, _ := strings.Cut(strings.Trim(u.Path, "/"), "/")
	q := s.queues[name]
	if q == nil || account != s.opts.AccountID {
		return nil, errQueueDoesNotExist()
	}
	return q, nil
}

func (s *Server) createQueue(_ context.Context, body []byte) (any, *apiError) {
	var req struct {
		QueueName  string
		Attributes map[string]string
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	if req.QueueName == "" {
		return nil, errMissingParameter("QueueName")
	}
	q, err := s.create(req.QueueName, req.Attributes)
	if err != nil {
		return nil, err
	}
	return map[string]string{"QueueUrl": q.url}, nil
}

// create returns queue name, made with attrs unless it exists with the
// same attributes.
func (s *Server) create(name string, attrs map[string]string) (*queue, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if q := s.queues[name]; q != nil {
		if !q.sameAttributes(attrs) {
			return nil, errQueueNameExists(name)
		}
		return q, nil
	}
	q, err := s.newQueue(name, attrs, s.clock.Now())
	if err != nil {
		return nil, err
	}
	s.queues[name] = q
	return q, nil
}

func (s *Server) getQueueURL(_ context.Context, body []byte) (any, *apiError) {
	var req struct {
		QueueName              string
		QueueOwnerAWSAccountId string
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queues[req.QueueName]
	if q == nil || (req.QueueOwnerAWSAccountId != "" && req.QueueOwnerAWSAccountId != s.opts.AccountID) {
		return nil, errQueueDoesNotExist()
	}
	return map[string]string{"QueueUrl": q.url}, nil
}

func (s *Server) getQueueAttributes(_ context.Context, body []byte) (any, *apiError) {
	var req struct {
		QueueUrl       string
		AttributeNames []string
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueOf(req.QueueUrl)
	if err != nil {
		return nil, err
	}
	attrs, err := q.attributes(req.AttributeNames, s.clock.Now())
	if err != nil {
		return nil, err
	}
	if len(attrs) == 0 {
		return struct{}{}, nil
	}
	return map[string]any{"Attributes": attrs}, nil
}

func (s *Server) deleteQueue(_ context.Context, body []byte) (any, *apiError) {
	var req struct{ QueueUrl string }
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueOf(req.QueueUrl)
	if err != nil {
		return nil, err
	}
	delete(s.queues, q.name)
	s.notify()
	return struct{}{}, nil
}

func (s *Server) sendMessage(_ context.Context, body []byte) (any, *apiError) {
	var req struct {
		QueueUrl               string
		MessageBody            string
		DelaySeconds           *int64
		MessageGroupId         string
		MessageDeduplicationId string
	}
	if err := decode(body, &req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, err := s.queueOf(req.QueueUrl)
	if err != nil {
		return nil, err
	}
	if err := q.checkSend(req.MessageBody, req.DelaySeconds, req.MessageGroupId, &req.MessageDeduplicationId); err != nil {
		return nil, err
	}
	delay := q.seconds("DelaySeconds")
	if req.DelaySeconds != nil {
		delay = time.Duration(*req.DelaySeconds) * time.Second
	}
	m := q.send(s.clock.Now(), s.nextID(), req.MessageBody, delay, req.MessageGroupId, req.MessageDeduplicationId)
	s.notify()
	out := map[string]string{"MessageId": m.id, "MD5OfMessageBody": m.md5}
	if q.fifo {
		out["SequenceNumber"] = m.seq
	}
	return out, nil
}

// checkSend validates a SendMessage request for q, filling in a FIFO
// queue's content-based deduplication id.
func (q *queue) checkSend(body string, delay *int64, group string, dedupID *string) *apiError {
	switch {
	case body == "":
		return errMissingParameter("MessageBody")
	case int64(len(body)) > q.number("MaximumMessageSize"):
		return errInvalidParameter("One or more parameters are invalid. Reason: Message must be shorter than " + q.attrs["MaximumMessageSize"] + " bytes.")
	case !validBody(body):
		return &apiError{400, "InvalidMessageContents", "InvalidMessageContents", "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF"}
	case delay != nil && (*delay < 0 || *delay > 900):
		return errOutOfRange("DelaySeconds", *delay, 0, 900)
	case !q.fifo && group != "":
		return errInvalidParameter("The request include parameter MessageGroupId that is not valid for this queue type")
	case !q.fifo:
		return nil
	case delay != nil && *delay != 0:
		return errInvalidParameter("Value " + strconv.FormatInt(*delay, 10) + " for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
	case group == "":
		return errMissingParameter("MessageGroupId")
	case *dedupID == "" && q.attrs["ContentBasedDeduplication"] != "true":
		return errInvalidParameter("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	case *dedupID == "":
		*dedupID = sha256Hex(body)
	}
	return nil
}
