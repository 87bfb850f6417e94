package simulator

import (
	"strings"
)

// Delivery follows the subscriptions of the Notifications API, as Amazon
// does: a notification type with a subscription goes to its
// subscription's destination (an SQS queue: SendMessage at
// Notify.SQSEndpoint; a FIFO queue: nothing, Amazon silently delivers
// nothing to one; EventBridge: an EventBridge event POSTed to the type's
// URL, standing in for an EventBridge API destination). A type without a
// subscription goes to its configured URL (Notify.URL, FBAInventoryURL,
// TypeURLs) in Notify.Envelope, as a forwarder would.

// routeKind says how a notification travels.
type routeKind int

const (
	routeNone        routeKind = iota // kept for inspection only
	routeURL                          // POSTed to a URL in Notify.Envelope
	routeEventBridge                  // POSTed to a URL as an EventBridge event
	routeSQS                          // sent to an SQS queue
)

// route is where a notification goes.
type route struct {
	kind routeKind
	// url is the POST target (routeURL, routeEventBridge) or the queue URL
	// (routeSQS).
	url string
	// region is the queue's region (routeSQS).
	region string
}

// routeOf decides where n goes now, and, for routeNone, why (empty when
// nothing is configured for its type). The caller holds s.mu.
func (s *Server) routeOf(n *Notification) (route, string) {
	d := s.subscribedDestination(n.typ())
	if d == nil {
		if u := s.pushURL(n); u != "" {
			return route{kind: routeURL, url: u}, ""
		}
		return route{}, ""
	}
	if sq := d.Resource.SQS; sq != nil {
		return s.sqsRoute(sq.ARN)
	}
	if u := s.pushURL(n); u != "" {
		return route{kind: routeEventBridge, url: u}, ""
	}
	return route{}, "the EventBridge destination " + d.Name + " has no URL standing in for its API destination"
}

// subscribedDestination returns the destination of typ's subscription, or
// nil. The caller holds s.mu.
func (s *Server) subscribedDestination(typ string) *destination {
	sub := s.subs[typ]
	if sub == nil {
		return nil
	}
	if i := s.destinationIndex(sub.DestinationID); i >= 0 {
		return s.dests[i]
	}
	return nil
}

// sqsRoute is the route to the queue an ARN names
// (arn:aws:sqs:<region>:<account>:<name>) at Notify.SQSEndpoint.
func (s *Server) sqsRoute(arn string) (route, string) {
	parts := strings.Split(arn, ":")
	switch {
	case len(parts) != 6 || parts[0] != "arn" || parts[2] != "sqs":
		return route{}, "the destination's ARN " + arn + " is not an SQS queue ARN"
	case strings.HasSuffix(parts[5], ".fifo"):
		return route{}, "the destination " + parts[5] + " is a FIFO queue: Amazon delivers nothing to one"
	case s.cfg.Notify.SQSEndpoint == "":
		return route{}, "no SQS endpoint is configured (notify.sqs_endpoint) to deliver to " + parts[5]
	}
	return route{kind: routeSQS, url: strings.TrimSuffix(s.cfg.Notify.SQSEndpoint, "/") + "/" + parts[4] + "/" + parts[5], region: parts[3]}, ""
}

// deliver queues n for the push when it has somewhere to go; otherwise it
// is kept for inspection, with the reason in LastError. The caller holds
// s.mu.
func (s *Server) deliver(n *Notification) {
	r, why := s.routeOf(n)
	if r.kind != routeNone {
		s.enqueue(n)
		return
	}
	if why != "" {
		n.LastError = why
		s.cfg.Logger.Debug("notification not delivered", "notification", n.ID, "type", n.typ(), "reason", why)
	}
}
