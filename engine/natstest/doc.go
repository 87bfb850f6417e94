// Package natstest starts NATS JetStream servers inside a test: a single
// server, or a cluster of several on 127.0.0.1 with random ports, each with
// its own storage directory, that a test can stop and restart node by node
// (a failover, a cluster restart) while clients reconnect to the others.
// Servers log nothing and stop when the test ends.
package natstest
