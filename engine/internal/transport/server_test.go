package transport

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRedactURL_drops_the_credentials_of_every_url(t *testing.T) {
	tests := []struct{ in, want string }{
		{"nats://nats.example:4222", "nats://nats.example:4222"},
		{"nats://user:pa55word@nats.example:4222", "nats://***@nats.example:4222"},
		{"tls://s3cr3t-token@nats.example:4222/path@x", "tls://***@nats.example:4222/path@x"},
		{"nats://u:pa55@word@a:4222", "nats://***@a:4222"},
		{"user:pa55word@nats.example:4222", "***@nats.example:4222"},
		{"nats://u:pa55word@a:4222,nats://u:pa55word@b:4222", "nats://***@a:4222,nats://***@b:4222"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, redactURL(tt.in), "redactURL(%q)", tt.in)
	}
}
