package simulator

import (
	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// REPORT_PROCESSING_FINISHED and FEED_PROCESSING_FINISHED notifications,
// in the shape of models/notifications/ReportProcessingFinishedNotification.json
// and FeedProcessingFinishedNotification.json (camelCase keys, unlike
// ORDER_CHANGE's). One is raised when a settlement report becomes
// available and when a feed finishes; each is pushed to Notify.TypeURLs
// of its type, and kept only for inspection without one.

type processingEnvelope struct {
	NotificationVersion  string             `json:"notificationVersion"`
	NotificationType     string             `json:"notificationType"`
	PayloadVersion       string             `json:"payloadVersion"`
	EventTime            string             `json:"eventTime"`
	Payload              map[string]any     `json:"payload"`
	NotificationMetadata processingMetadata `json:"notificationMetadata"`
}

type processingMetadata struct {
	ApplicationID  string `json:"applicationId"`
	SubscriptionID string `json:"subscriptionId"`
	PublishTime    string `json:"publishTime"`
	NotificationID string `json:"notificationId"`
}

type reportFinished struct {
	SellerID         string `json:"sellerId"`
	AccountID        string `json:"accountId"`
	ReportID         string `json:"reportId"`
	ReportType       string `json:"reportType"`
	ProcessingStatus string `json:"processingStatus"`
	ReportDocumentID string `json:"reportDocumentId,omitempty"`
}

type feedFinished struct {
	SellerID             string `json:"sellerId"`
	AccountID            string `json:"accountId"`
	FeedID               string `json:"feedId"`
	FeedType             string `json:"feedType"`
	ProcessingStatus     string `json:"processingStatus"`
	ResultFeedDocumentID string `json:"resultFeedDocumentId,omitempty"`
}

// reportFinished raises a REPORT_PROCESSING_FINISHED notification for r.
// The caller holds s.mu.
func (s *Server) reportFinished(r *Report) {
	n := &Notification{ID: s.newUUID(), Type: models.ReportProcessingFinished, LastUpdated: r.Created}
	s.raiseProcessing(n, "reportProcessingFinishedNotification", reportFinished{
		SellerID: s.cfg.SellerID, AccountID: "amzn1.merchant.o." + s.cfg.SellerID, ReportID: r.ID, ReportType: r.Type,
		ProcessingStatus: r.Status, ReportDocumentID: r.DocumentID,
	})
}

// feedFinished raises a FEED_PROCESSING_FINISHED notification for f. The
// caller holds s.mu.
func (s *Server) feedFinished(f *Feed) {
	n := &Notification{ID: s.newUUID(), Type: models.FeedProcessingFinished, LastUpdated: f.Ended}
	s.raiseProcessing(n, "feedProcessingFinishedNotification", feedFinished{
		SellerID: s.cfg.SellerID, AccountID: "amzn1.merchant.o." + s.cfg.SellerID, FeedID: f.ID, FeedType: f.Type,
		ProcessingStatus: f.Status, ResultFeedDocumentID: f.ResultDocumentID,
	})
}

// raiseProcessing wraps payload (under key) in the camelCase envelope,
// records n and queues it for the push when its type has a URL. The
// caller holds s.mu.
func (s *Server) raiseProcessing(n *Notification, key string, payload any) {
	at := iso(n.LastUpdated)
	env := processingEnvelope{
		NotificationVersion: "2020-09-04", NotificationType: n.Type, PayloadVersion: "2020-09-04", EventTime: at,
		Payload: map[string]any{key: payload},
		NotificationMetadata: processingMetadata{ApplicationID: applicationID, SubscriptionID: s.subscriptionID(n.Type),
			PublishTime: at, NotificationID: n.ID},
	}
	s.record(n, env)
}

// record encodes env as n's body, keeps n for inspection and queues it for
// the push when its type has a URL. The caller holds s.mu.
func (s *Server) record(n *Notification, env any) {
	n.Body, _ = encodeJSON(env) // plain structs and maps of them: cannot fail
	s.notes = append(s.notes, n)
	s.noteByID[n.ID] = n
	if s.cfg.Notify.TypeURLs[n.Type] != "" {
		s.enqueue(n)
	}
}

// NotificationsOfType returns the notifications of one type raised so far
// (REPORT_PROCESSING_FINISHED, FEED_PROCESSING_FINISHED, the
// LISTINGS_ITEM_* types), oldest first, with their delivery state.
func (s *Server) NotificationsOfType(typ string) []Notification {
	return s.notificationsOf(typ)
}
