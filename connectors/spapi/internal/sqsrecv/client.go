package sqsrecv

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// Access says how to reach SQS.
type Access struct {
	// Region of the queue; empty means the region in the queue URL
	// (https://sqs.<region>.amazonaws.com/...), else us-east-1.
	Region string
	// Endpoint replacing AWS's (a local SQS server); empty means AWS's.
	Endpoint string
	// AccessKeyID and SecretAccessKey are static credentials; empty means
	// the SDK's default chain (environment, shared files, instance role).
	AccessKeyID, SecretAccessKey string
}

var regionInHost = regexp.MustCompile(`^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)

// RegionOf returns the region a queue URL names in its host, or "".
func RegionOf(queueURL string) string {
	u, err := url.Parse(queueURL)
	if err != nil {
		return ""
	}
	if m := regionInHost.FindStringSubmatch(strings.ToLower(u.Hostname())); m != nil {
		return m[1]
	}
	return ""
}

// IsFIFO reports whether a queue URL names a FIFO queue (its name ends in
// ".fifo").
func IsFIFO(queueURL string) bool {
	u, err := url.Parse(queueURL)
	if err != nil {
		return false
	}
	return strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), ".fifo")
}

// NewClient returns an SQS client for a, reading queueURL's region when a
// names none. It calls nothing; with no static credentials it loads the
// SDK's default configuration.
func NewClient(ctx context.Context, a Access, queueURL string) (*sqs.Client, error) {
	region := cmp.Or(a.Region, RegionOf(queueURL), "us-east-1")
	opts := func(o *sqs.Options) {
		if a.Endpoint != "" {
			o.BaseEndpoint = aws.String(a.Endpoint)
		}
	}
	if a.AccessKeyID != "" || a.SecretAccessKey != "" {
		return sqs.New(sqs.Options{
			Region:      region,
			Credentials: credentials.NewStaticCredentialsProvider(a.AccessKeyID, a.SecretAccessKey, ""),
		}, opts), nil
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(region))
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	return sqs.NewFromConfig(cfg, opts), nil
}
