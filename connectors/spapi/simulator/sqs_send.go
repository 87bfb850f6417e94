package simulator

import (
	"cmp"
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// sendSQS sends n's notification JSON (the body Amazon puts in an SQS
// message) to the queue of r with the AWS SDK.
func (s *Server) sendSQS(ctx context.Context, r route, n *Notification) error {
	client := sqs.New(sqs.Options{
		Region: r.region, BaseEndpoint: aws.String(s.cfg.Notify.SQSEndpoint), HTTPClient: s.pushHTTP,
		Credentials: credentials.NewStaticCredentialsProvider(cmp.Or(s.cfg.Notify.SQSAccessKeyID, "simulator"), cmp.Or(s.cfg.Notify.SQSSecretAccessKey, "simulator"), ""),
	})
	if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(r.url), MessageBody: aws.String(string(n.Body))}); err != nil {
		return fmt.Errorf("sending notification to SQS: %w", err)
	}
	return nil
}
