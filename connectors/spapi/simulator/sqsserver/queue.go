package sqsserver

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// maxVisibility is the longest a message may stay in flight after a
// receive (12 hours), and the largest visibility timeout.
const maxVisibility = 12 * time.Hour

// fifoDedupWindow is how long a FIFO queue remembers a deduplication id.
const fifoDedupWindow = 5 * time.Minute

// queue is one queue's state. Every method expects the caller to hold the
// server's mutex.
type queue struct {
	name, url, arn string
	fifo           bool
	attrs          map[string]string // settable attributes, defaults filled in
	created        time.Time
	msgs           []*message          // live messages in send order
	handles        map[string]*message // every receipt handle issued, to the message
	dedup          map[string]dedupEntry
}

type message struct {
	id, body, md5       string
	sent, visibleAt     time.Time
	firstReceived       time.Time
	lastReceived        time.Time
	receiveCount        int
	handle              string // the latest receipt handle; "" before the first receive
	group, dedupID, seq string // FIFO only
	deleted             bool
}

type dedupEntry struct {
	messageID, seq string
	at             time.Time
}

// inFlight reports whether m was received and its visibility timeout has
// not ended by now.
func (m *message) inFlight(now time.Time) bool {
	return m.receiveCount > 0 && m.visibleAt.After(now)
}

// number reads a numeric attribute.
func (q *queue) number(name string) int64 {
	n, _ := strconv.ParseInt(q.attrs[name], 10, 64) // validated when set
	return n
}

// seconds reads a numeric attribute as a duration.
func (q *queue) seconds(name string) time.Duration {
	return time.Duration(q.number(name)) * time.Second
}

// send appends a message and returns it, or the earlier message a FIFO
// deduplication id names.
func (q *queue) send(now time.Time, id uint64, body string, delay time.Duration, group, dedupID string) *message {
	if q.fifo {
		for k, e := range q.dedup {
			if now.Sub(e.at) >= fifoDedupWindow {
				delete(q.dedup, k)
			}
		}
		if e, ok := q.dedup[dedupID]; ok {
			return &message{id: e.messageID, md5: md5Hex(body), seq: e.seq}
		}
	}
	m := &message{
		id: newUUID(), body: body, md5: md5Hex(body), sent: now, visibleAt: now.Add(delay),
		group: group, dedupID: dedupID,
	}
	if q.fifo {
		m.seq = fmt.Sprintf("%020d", id)
		q.dedup[dedupID] = dedupEntry{messageID: m.id, seq: m.seq, at: now}
	}
	q.msgs = append(q.msgs, m)
	return m
}

// receive takes up to max visible messages, hides them for visibility and
// gives each a new receipt handle. A FIFO queue skips a message group
// while any of its messages is in flight, so a group is worked in order.
func (q *queue) receive(now time.Time, max int, visibility time.Duration) []*message {
	blocked := map[string]bool{}
	if q.fifo {
		for _, m := range q.msgs {
			if m.inFlight(now) {
				blocked[m.group] = true
			}
		}
	}
	var out []*message
	for _, m := range q.msgs {
		if len(out) == max {
			break
		}
		if q.fifo && blocked[m.group] {
			continue
		}
		if m.visibleAt.After(now) {
			blocked[m.group] = q.fifo // later messages of the group wait for it
			continue
		}
		m.receiveCount++
		if m.receiveCount == 1 {
			m.firstReceived = now
		}
		m.lastReceived, m.visibleAt = now, now.Add(visibility)
		m.handle = newReceiptHandle(q.name, m.id)
		q.handles[m.handle] = m
		out = append(out, m)
	}
	return out
}

// nextVisible returns when the next hidden message becomes visible, or the
// zero time if none is hidden.
func (q *queue) nextVisible(now time.Time) time.Time {
	var next time.Time
	for _, m := range q.msgs {
		if m.visibleAt.After(now) && (next.IsZero() || m.visibleAt.Before(next)) {
			next = m.visibleAt
		}
	}
	return next
}

// remove deletes the message handle was issued for, if handle is its
// latest: AWS answers a stale handle with success and keeps the message.
func (q *queue) remove(handle string) *apiError {
	m, ok := q.handles[handle]
	if !ok {
		return errReceiptHandleIsInvalid(handle)
	}
	if m.deleted || m.handle != handle {
		return nil
	}
	m.deleted = true
	for i, x := range q.msgs {
		if x == m {
			q.msgs = append(q.msgs[:i], q.msgs[i+1:]...)
			break
		}
	}
	return nil
}

// changeVisibility sets the remaining visibility timeout of the in-flight
// message handle was issued for.
func (q *queue) changeVisibility(now time.Time, handle string, timeout time.Duration) *apiError {
	m, ok := q.handles[handle]
	switch {
	case !ok:
		return errReceiptHandleIsInvalid(handle)
	case m.deleted || m.handle != handle:
		return errInvalidParameter(fmt.Sprintf("Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", handle))
	case !m.inFlight(now):
		return errMessageNotInflight()
	case now.Add(timeout).After(m.lastReceived.Add(maxVisibility)):
		return errInvalidParameter(fmt.Sprintf("Value %d for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]", int(timeout/time.Second)))
	}
	m.visibleAt = now.Add(timeout)
	return nil
}

// counts returns how many messages are visible, in flight and delayed.
func (q *queue) counts(now time.Time) (visible, inFlight, delayed int) {
	for _, m := range q.msgs {
		switch {
		case !m.visibleAt.After(now):
			visible++
		case m.receiveCount > 0:
			inFlight++
		default:
			delayed++
		}
	}
	return visible, inFlight, delayed
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// newReceiptHandle returns an opaque handle, different on every receive.
func newReceiptHandle(queue, messageID string) string {
	nonce := make([]byte, 24)
	_, _ = rand.Read(nonce)
	return base64.StdEncoding.EncodeToString([]byte(queue+"/"+messageID+"/")) + base64.StdEncoding.EncodeToString(nonce)
}

// newUUID returns a random RFC 4122 version 4 UUID, the form of SQS
// message ids.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func requestID() string { return newUUID() }
