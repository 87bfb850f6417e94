package spapi

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// ErrFIFOQueue is returned for a FIFO queue: Amazon accepts it as a
// destination but delivers nothing to it.
var ErrFIFOQueue = errors.New("a FIFO queue (name ending .fifo) receives no SP-API notifications: Amazon delivers only to standard queues")

var (
	// sqsHost is an AWS queue host: sqs.<region>.amazonaws.com, or the
	// legacy <region>.queue.amazonaws.com.
	sqsHost    = regexp.MustCompile(`^(?:sqs\.([a-z0-9-]+)\.amazonaws\.com|([a-z0-9-]+)\.queue\.amazonaws\.com)$`)
	awsRegion  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]$`)
	awsAccount = regexp.MustCompile(`^[0-9]{12}$`)
	queueName  = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}(\.fifo)?$`)
)

// QueueARN returns the ARN of the SQS queue at queueURL, the resource an
// SQS destination names: https://sqs.<region>.amazonaws.com/<account>/<name>
// is arn:aws:sqs:<region>:<account>:<name>. Any other host is taken for a
// local SQS-compatible endpoint (<endpoint>/<account>/<name>), whose queues
// are in region. A FIFO queue is refused with ErrFIFOQueue.
func QueueARN(queueURL, region string) (string, error) {
	u, err := url.Parse(queueURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("queue URL %q is not an http(s) URL", queueURL)
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 {
		return "", fmt.Errorf("queue URL %q does not end in /<account>/<queue name>", queueURL)
	}
	acct, name := parts[len(parts)-2], parts[len(parts)-1]
	if m := sqsHost.FindStringSubmatch(u.Hostname()); m != nil {
		region = m[1] + m[2]
	}
	switch {
	case !awsAccount.MatchString(acct):
		return "", fmt.Errorf("queue URL %q: %q is not a 12-digit AWS account id", queueURL, acct)
	case !queueName.MatchString(name):
		return "", fmt.Errorf("queue URL %q: %q is not a queue name", queueURL, name)
	case strings.HasSuffix(name, ".fifo"):
		return "", fmt.Errorf("queue %s: %w", name, ErrFIFOQueue)
	case !awsRegion.MatchString(region):
		return "", fmt.Errorf("queue URL %q: the queue's region is unknown (%q): set the connection's notifications.sqs.region", queueURL, region)
	}
	return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", region, acct, name), nil
}
