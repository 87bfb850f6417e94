package models

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Notification types with an embedded payload schema.
const (
	OrderChange                    = "ORDER_CHANGE"
	FBAInventoryAvailabilityChange = "FBA_INVENTORY_AVAILABILITY_CHANGES"
	ListingsItemStatusChange       = "LISTINGS_ITEM_STATUS_CHANGE"
	ListingsItemIssuesChange       = "LISTINGS_ITEM_ISSUES_CHANGE"
	ListingsItemMFNQuantityChange  = "LISTINGS_ITEM_MFN_QUANTITY_CHANGE"
	ReportProcessingFinished       = "REPORT_PROCESSING_FINISHED"
	FeedProcessingFinished         = "FEED_PROCESSING_FINISHED"
	FulfillmentOrderStatus         = "FULFILLMENT_ORDER_STATUS"
)

// Application notification types: Amazon sends them to the queue registered
// in the developer console, for the application rather than a seller, and
// no subscription through the Notifications API exists for them, so
// NotificationTypes leaves them out. Their schemas are written from
// Amazon's documentation (Amazon publishes no schema file for them).
const (
	ApplicationOAuthClientNewSecret    = "APPLICATION_OAUTH_CLIENT_NEW_SECRET"
	ApplicationOAuthClientSecretExpiry = "APPLICATION_OAUTH_CLIENT_SECRET_EXPIRY"
)

// notificationSchemas maps a notification type (and, where Amazon has
// several, a payload version) to its schema under notifications/.
var notificationSchemas = map[string]string{
	OrderChange:                              "OrderChangeNotification.json",
	FBAInventoryAvailabilityChange:           "FBAInventoryAvailabilityChangeNotification.json",
	ListingsItemStatusChange:                 "ListingsItemStatusChangeNotification.json",
	ListingsItemStatusChange + "D":           "ListingsItemStatusChangeNotification.json",
	ListingsItemIssuesChange:                 "ListingsItemIssuesChangeNotification.json",
	ListingsItemIssuesChange + "@2023-12-13": "ListingsItemIssuesChangeNotification_2023-12-13.json",
	ListingsItemMFNQuantityChange:            "ListingsItemMfnQuantityChange.json",
	ReportProcessingFinished:                 "ReportProcessingFinishedNotification.json",
	FeedProcessingFinished:                   "FeedProcessingFinishedNotification.json",
	FulfillmentOrderStatus:                   "FulfillmentOrderStatusNotification.json",
	ApplicationOAuthClientNewSecret:          "ApplicationOAuthClientNewSecretNotification.json",
	ApplicationOAuthClientSecretExpiry:       "ApplicationOAuthClientSecretExpiryNotification.json",
}

// WrittenFromDocs are the embedded notification schemas pipewright wrote
// from Amazon's documentation, where Amazon publishes no schema file; every
// other embedded file is a verbatim copy of Amazon's.
var WrittenFromDocs = []string{
	"notifications/ApplicationOAuthClientNewSecretNotification.json",
	"notifications/ApplicationOAuthClientSecretExpiryNotification.json",
}

// NotificationTypes returns the notification types ValidateNotification
// knows.
func NotificationTypes() []string {
	return []string{OrderChange, FBAInventoryAvailabilityChange, ListingsItemStatusChange, ListingsItemIssuesChange,
		ListingsItemMFNQuantityChange, ReportProcessingFinished, FeedProcessingFinished, FulfillmentOrderStatus}
}

// NotificationHeader is the envelope of a notification. Amazon writes its
// keys in PascalCase for some types (NotificationType, NotificationMetadata)
// and camelCase for others (notificationType, notificationMetadata); both are
// read.
type NotificationHeader struct {
	Type           string
	PayloadVersion string
	EventTime      string
	// ID is NotificationMetadata.NotificationId, Amazon's de-duplication key.
	ID string
}

type envelope struct {
	Type1     string `json:"NotificationType"`
	Type2     string `json:"notificationType"`
	Version1  string `json:"PayloadVersion"`
	Version2  string `json:"payloadVersion"`
	Time1     string `json:"EventTime"`
	Time2     string `json:"eventTime"`
	Metadata1 struct {
		ID string `json:"NotificationId"`
	} `json:"NotificationMetadata"`
	Metadata2 struct {
		ID string `json:"notificationId"`
	} `json:"notificationMetadata"`
}

// ParseNotificationHeader reads the envelope of a notification without
// validating it.
func ParseNotificationHeader(body []byte) (NotificationHeader, error) {
	var e envelope
	if err := json.Unmarshal(body, &e); err != nil {
		return NotificationHeader{}, fmt.Errorf("notification is not a JSON object: %w", err)
	}
	return NotificationHeader{
		Type: e.Type1 + e.Type2, PayloadVersion: e.Version1 + e.Version2,
		EventTime: e.Time1 + e.Time2, ID: e.Metadata1.ID + e.Metadata2.ID,
	}, nil
}

// ValidateNotification checks a notification (the JSON Amazon delivers to
// SQS, or the detail of an EventBridge event) against the schema of its type
// and returns its header. An unknown type is an error.
func ValidateNotification(body []byte) (NotificationHeader, error) {
	h, err := ParseNotificationHeader(body)
	if err != nil {
		return h, err
	}
	if h.Type == "" {
		return h, errors.New("notification has no NotificationType")
	}
	file, ok := notificationSchemas[h.Type+"@"+h.PayloadVersion]
	if !ok {
		file, ok = notificationSchemas[h.Type]
	}
	if !ok {
		return h, fmt.Errorf("unknown notification type %q", h.Type)
	}
	sch, err := compileNotificationSchema(file)
	if err != nil {
		return h, err
	}
	return h, validate(sch, h.Type+" notification", body)
}

var notificationSchemaCache sync.Map // file -> func() (*jsonschema.Schema, error)

func compileNotificationSchema(file string) (*jsonschema.Schema, error) {
	f, _ := notificationSchemaCache.LoadOrStore(file, sync.OnceValues(func() (*jsonschema.Schema, error) {
		return compileEmbedded("notifications/"+file, jsonschema.Draft7, schemaFixes[file])
	}))
	return f.(func() (*jsonschema.Schema, error))()
}

// schemaFixes correct defects of Amazon's schemas, applied to the decoded
// schema before compiling. The embedded files stay verbatim copies.
var schemaFixes = map[string]func(schema map[string]any){
	// The schema's NotificationType enum says LISTINGS_ITEM_STATUS_CHANGED,
	// but its own example, the notification type list of the Notifications
	// API and real deliveries say LISTINGS_ITEM_STATUS_CHANGE: accept both.
	"ListingsItemStatusChangeNotification.json": func(schema map[string]any) {
		props, _ := schema["properties"].(map[string]any)
		if nt, ok := props["NotificationType"].(map[string]any); ok {
			nt["enum"] = []any{ListingsItemStatusChange, ListingsItemStatusChange + "D"}
		}
	},
}

// compileEmbedded compiles one of the embedded JSON Schemas on its own (the
// notification schemas share a placeholder $id, so each gets a compiler),
// after applying fix when it is not nil.
func compileEmbedded(path string, draft *jsonschema.Draft, fix func(map[string]any)) (*jsonschema.Schema, error) {
	data, err := fs.ReadFile(files, path)
	if err != nil {
		return nil, err
	}
	if fix != nil {
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		fix(doc)
		if data, err = json.Marshal(doc); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	c := jsonschema.NewCompiler()
	c.Draft = draft
	url := schemaBase + path
	if err := c.AddResource(url, bytes.NewReader(data)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compiling %s: %w", path, err)
	}
	return sch, nil
}

// NotificationExample is an example notification from the examples array
// of one of Amazon's notification schemas.
type NotificationExample struct {
	// Schema is the schema file, e.g. "notifications/OrderChangeNotification.json".
	Schema string
	Body   json.RawMessage
}

// NotificationExamples returns the examples of every notification schema,
// by schema file name: test vectors for notification intakes.
func NotificationExamples() ([]NotificationExample, error) {
	names, err := fs.Glob(files, "notifications/*.json")
	if err != nil {
		return nil, err
	}
	var out []NotificationExample
	for _, name := range names {
		data, err := fs.ReadFile(files, name)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Examples []json.RawMessage `json:"examples"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, ex := range doc.Examples {
			out = append(out, NotificationExample{Schema: name, Body: ex})
		}
	}
	return out, nil
}
