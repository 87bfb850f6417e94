package sqsserver

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// numericAttributes are the numeric queue attributes, their defaults and
// ranges, as AWS documents them for CreateQueue.
var numericAttributes = map[string]struct{ def, lo, hi int64 }{
	"DelaySeconds":                  {0, 0, 900},
	"MaximumMessageSize":            {262144, 1024, 262144},
	"MessageRetentionPeriod":        {345600, 60, 1209600},
	"ReceiveMessageWaitTimeSeconds": {0, 0, 20},
	"VisibilityTimeout":             {30, 0, 43200},
}

// opaqueAttributes are accepted and returned as given.
var opaqueAttributes = []string{
	"Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds",
	"SqsManagedSseEnabled", "DeduplicationScope", "FifoThroughputLimit",
}

// computedAttributes are the read-only attributes GetQueueAttributes adds.
var computedAttributes = []string{
	"QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
	"ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp",
}

var queueName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// newQueue validates a CreateQueue request and returns the queue it
// describes.
func (s *Server) newQueue(name string, given map[string]string, now time.Time) (*queue, *apiError) {
	base, fifo := strings.CutSuffix(name, ".fifo")
	if !queueName.MatchString(base) || len(name) > 80 {
		return nil, errInvalidParameter("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	attrs := map[string]string{}
	for k, d := range numericAttributes {
		attrs[k] = strconv.FormatInt(d.def, 10)
	}
	for k, v := range given {
		if err := setAttribute(attrs, k, v); err != nil {
			return nil, err
		}
	}
	if f, ok := given["FifoQueue"]; ok && (f == "true") != fifo {
		return nil, errInvalidParameter("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
	}
	if _, ok := given["ContentBasedDeduplication"]; ok && !fifo {
		return nil, errInvalidAttributeName("ContentBasedDeduplication")
	}
	if fifo {
		attrs["FifoQueue"] = "true"
		if attrs["ContentBasedDeduplication"] == "" {
			attrs["ContentBasedDeduplication"] = "false"
		}
	}
	q := &queue{
		name: name, fifo: fifo, attrs: attrs, created: now,
		url:     s.URL() + "/" + s.opts.AccountID + "/" + name,
		arn:     fmt.Sprintf("arn:aws:sqs:%s:%s:%s", s.opts.Region, s.opts.AccountID, name),
		handles: map[string]*message{}, dedup: map[string]dedupEntry{},
	}
	return q, nil
}

// setAttribute validates one settable attribute and stores it.
func setAttribute(attrs map[string]string, name, value string) *apiError {
	if d, ok := numericAttributes[name]; ok {
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n < d.lo || n > d.hi {
			return &apiError{http.StatusBadRequest, "InvalidAttributeValue", "InvalidAttributeValue",
				fmt.Sprintf("Invalid value for the parameter %s.", name)}
		}
		attrs[name] = strconv.FormatInt(n, 10)
		return nil
	}
	switch {
	case name == "FifoQueue" || name == "ContentBasedDeduplication":
		if value != "true" && value != "false" {
			return &apiError{http.StatusBadRequest, "InvalidAttributeValue", "InvalidAttributeValue",
				fmt.Sprintf("Invalid value for the parameter %s.", name)}
		}
	case !slices.Contains(opaqueAttributes, name):
		return errInvalidAttributeName(name)
	}
	attrs[name] = value
	return nil
}

// sameAttributes reports whether given matches q's attributes, which
// decides whether CreateQueue on an existing name succeeds.
func (q *queue) sameAttributes(given map[string]string) bool {
	for k, v := range given {
		if k == "FifoQueue" {
			continue
		}
		if q.attrs[k] != v {
			if n, err := strconv.ParseInt(v, 10, 64); err != nil || q.attrs[k] != strconv.FormatInt(n, 10) {
				return false
			}
		}
	}
	return true
}

// attributes answers GetQueueAttributes for names ("All" for every one).
func (q *queue) attributes(names []string, now time.Time) (map[string]string, *apiError) {
	visible, inFlight, delayed := q.counts(now)
	all := map[string]string{
		"QueueArn":                              q.arn,
		"ApproximateNumberOfMessages":           strconv.Itoa(visible),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inFlight),
		"ApproximateNumberOfMessagesDelayed":    strconv.Itoa(delayed),
		"CreatedTimestamp":                      strconv.FormatInt(q.created.Unix(), 10),
		"LastModifiedTimestamp":                 strconv.FormatInt(q.created.Unix(), 10),
	}
	for k, v := range q.attrs {
		all[k] = v
	}
	out := map[string]string{}
	for _, n := range names {
		if n == "All" {
			return all, nil
		}
		v, ok := all[n]
		if !ok && !slices.Contains(opaqueAttributes, n) && !slices.Contains(computedAttributes, n) {
			return nil, errInvalidAttributeName(n)
		}
		if ok {
			out[n] = v
		}
	}
	return out, nil
}
