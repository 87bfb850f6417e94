package simulator_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
	"github.com/pipewright/pipewright/engine/componenttest"
)

const feedContentType = "application/json; charset=UTF-8"

// listingsFeed is a JSON_LISTINGS_FEED: a good inventory and price patch,
// an unknown SKU and a negative quantity.
func listingsFeed(t *testing.T) []byte {
	doc := map[string]any{
		"header": map[string]any{"sellerId": "A1DEMOSELLER00", "version": "2.0", "issueLocale": "en_US"},
		"messages": []any{
			map[string]any{"messageId": 1, "sku": "WB-0001-BK", "operationType": "PATCH", "productType": "PRODUCT",
				"patches": []any{
					map[string]any{"op": "replace", "path": "/attributes/fulfillment_availability",
						"value": []any{map[string]any{"fulfillment_channel_code": "DEFAULT", "quantity": 42}}},
					map[string]any{"op": "replace", "path": "/attributes/purchasable_offer",
						"value": []any{map[string]any{"marketplace_id": "ATVPDKIKX0DER", "currency": "USD", "audience": "ALL",
							"our_price": []any{map[string]any{"schedule": []any{map[string]any{"value_with_tax": json.Number("21.49")}}}}}}},
				}},
			map[string]any{"messageId": 2, "sku": "NO-SUCH-SKU", "operationType": "PATCH", "productType": "PRODUCT",
				"patches": []any{map[string]any{"op": "replace", "path": "/attributes/fulfillment_availability",
					"value": []any{map[string]any{"fulfillment_channel_code": "DEFAULT", "quantity": 5}}}}},
			map[string]any{"messageId": 3, "sku": "CG-0003-SS", "operationType": "PATCH", "productType": "PRODUCT",
				"patches": []any{map[string]any{"op": "merge", "path": "/attributes/fulfillment_availability",
					"value": []any{map[string]any{"fulfillment_channel_code": "DEFAULT", "quantity": -3}}}}},
		},
	}
	data, err := json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, models.ValidateListingsFeed(data))
	return data
}

// submitFeed uploads a document and creates a feed; it returns the feed id.
func submitFeed(t *testing.T, s *sim, feedType string, doc []byte) string {
	r := s.call(http.MethodPost, "/feeds/2021-06-30/documents", map[string]string{"contentType": feedContentType})
	require.Equal(t, http.StatusCreated, r.status, string(r.body))
	created := r.json(t)
	upload(t, created["url"].(string), feedContentType, doc, http.StatusOK)

	r = s.call(http.MethodPost, "/feeds/2021-06-30/feeds", map[string]any{
		"feedType": feedType, "marketplaceIds": []string{"ATVPDKIKX0DER"}, "inputFeedDocumentId": created["feedDocumentId"],
	})
	require.Equal(t, http.StatusAccepted, r.status, string(r.body))
	return r.json(t)["feedId"].(string)
}

func upload(t *testing.T, url, contentType string, doc []byte, want int) {
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(doc))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, want, resp.StatusCode)
}

// download fetches a document through its get*Document answer and
// gunzips it when the answer says GZIP.
func download(t *testing.T, doc map[string]any) []byte {
	resp, err := http.Get(doc["url"].(string))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var rd io.Reader = resp.Body
	if doc["compressionAlgorithm"] == "GZIP" {
		zr, err := gzip.NewReader(resp.Body)
		require.NoError(t, err)
		rd = zr
	}
	data, err := io.ReadAll(rd)
	require.NoError(t, err)
	return data
}

func TestFeeds_listings_feed_end_to_end(t *testing.T) {
	s := newSim(t)
	feedID := submitFeed(t, s, "JSON_LISTINGS_FEED", listingsFeed(t))

	status := func() map[string]any { return s.get("/feeds/2021-06-30/feeds/" + feedID).json(t) }
	assert.Equal(t, "IN_QUEUE", status()["processingStatus"])
	s.clock.Advance(30 * time.Second)
	assert.Equal(t, "IN_PROGRESS", status()["processingStatus"])
	s.clock.Advance(60 * time.Second)
	feed := status()
	require.Equal(t, "DONE", feed["processingStatus"])
	require.NotEmpty(t, feed["resultFeedDocumentId"])

	r := s.get("/feeds/2021-06-30/documents/" + feed["resultFeedDocumentId"].(string))
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	assert.Equal(t, "GZIP", r.json(t)["compressionAlgorithm"])
	report := download(t, r.json(t))
	require.NoError(t, models.ValidateListingsFeedReport(report))

	var rep struct {
		Issues []struct {
			MessageID int    `json:"messageId"`
			SKU       string `json:"sku"`
			Severity  string `json:"severity"`
			Message   string `json:"message"`
		} `json:"issues"`
		Summary map[string]int `json:"summary"`
	}
	require.NoError(t, json.Unmarshal(report, &rep))
	assert.Equal(t, map[string]int{"errors": 2, "warnings": 0, "messagesProcessed": 3, "messagesAccepted": 1, "messagesInvalid": 2}, rep.Summary)
	bySKU := map[string]int{}
	for _, is := range rep.Issues {
		assert.Equal(t, "ERROR", is.Severity)
		bySKU[is.SKU] = is.MessageID
	}
	assert.Equal(t, map[string]int{"NO-SUCH-SKU": 2, "CG-0003-SS": 3}, bySKU)

	l, _ := s.srv.Listing("WB-0001-BK")
	assert.Equal(t, int64(42), l.Attributes["fulfillment_availability"].([]any)[0].(map[string]any)["quantity"])
	item := s.get("/listings/2021-08-01/items/A1DEMOSELLER00/WB-0001-BK?marketplaceIds=ATVPDKIKX0DER&includedData=offers,fulfillmentAvailability").json(t)
	assert.Equal(t, "21.49", item["offers"].([]any)[0].(map[string]any)["price"].(map[string]any)["amount"])
	untouched, _ := s.srv.Listing("CG-0003-SS")
	assert.Equal(t, int64(40), untouched.Attributes["fulfillment_availability"].([]any)[0].(map[string]any)["quantity"], "a rejected message changes nothing")

	plain := s.get("/feeds/2021-06-30/documents/" + feed["resultFeedDocumentId"].(string) + "?enableContentEncodingUrlHeader=true").json(t)
	resp, err := http.Get(plain["url"].(string))
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	assert.True(t, resp.Uncompressed, "served with Content-Encoding: gzip, which HTTP clients undo")
	assert.JSONEq(t, string(report), string(body))

	feeds := s.srv.Feeds()
	require.Len(t, feeds, 1)
	assert.Equal(t, feedID, feeds[0].ID)
	assert.JSONEq(t, string(report), string(feeds[0].Report))

	o, err := s.srv.CreateOrder(simulator.OrderSpec{MarketplaceID: "ATVPDKIKX0DER", Items: []simulator.ItemSpec{{SKU: "WB-0001-BK"}}})
	require.NoError(t, err)
	assert.Equal(t, "21.49", o.Items[0].UnitPrice.String(), "new orders sell at the new price")
}

func TestFeeds_retired_feed_types_end_fatal_with_a_report(t *testing.T) {
	s := newSim(t)
	feedID := submitFeed(t, s, "POST_INVENTORY_AVAILABILITY_DATA", []byte("<AmazonEnvelope/>"))
	s.clock.Advance(2 * time.Minute)
	feed := s.get("/feeds/2021-06-30/feeds/" + feedID).json(t)
	assert.Equal(t, "FATAL", feed["processingStatus"])
	doc := s.get("/feeds/2021-06-30/documents/" + feed["resultFeedDocumentId"].(string)).json(t)
	report := download(t, doc)
	require.NoError(t, models.ValidateListingsFeedReport(report))
	assert.Contains(t, string(report), "not supported")
}

func TestFeeds_document_urls_are_signed_and_expire(t *testing.T) {
	s := newSim(t)
	r := s.call(http.MethodPost, "/feeds/2021-06-30/documents", map[string]string{"contentType": feedContentType})
	url := r.json(t)["url"].(string)

	upload(t, url, "text/plain", []byte("{}"), http.StatusForbidden)
	upload(t, url+"x", feedContentType, []byte("{}"), http.StatusForbidden)
	s.clock.Advance(6 * time.Minute)
	upload(t, url, feedContentType, []byte("{}"), http.StatusForbidden)

	r = s.call(http.MethodPost, "/feeds/2021-06-30/feeds", map[string]any{
		"feedType": "JSON_LISTINGS_FEED", "marketplaceIds": []string{"ATVPDKIKX0DER"}, "inputFeedDocumentId": r.json(t)["feedDocumentId"],
	})
	assert.Equal(t, http.StatusBadRequest, r.status, "a feed needs an uploaded document")
}

func TestFeeds_getFeeds_lists_newest_first_and_pages_with_nextToken_alone(t *testing.T) {
	s := newSim(t)
	var ids []string
	for range 3 {
		ids = append(ids, submitFeed(t, s, "JSON_LISTINGS_FEED", listingsFeed(t)))
		s.clock.Advance(2 * time.Minute)
	}
	r := s.get("/feeds/2021-06-30/feeds?feedTypes=JSON_LISTINGS_FEED&pageSize=2")
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	page := r.json(t)
	feeds := page["feeds"].([]any)
	require.Len(t, feeds, 2)
	assert.Equal(t, ids[2], feeds[0].(map[string]any)["feedId"])
	tok := page["nextToken"].(string)

	bad := s.get("/feeds/2021-06-30/feeds?feedTypes=JSON_LISTINGS_FEED&nextToken=" + tok)
	assert.Equal(t, http.StatusBadRequest, bad.status, "nextToken must come alone")

	r = s.get("/feeds/2021-06-30/feeds?nextToken=" + tok)
	require.Equal(t, http.StatusOK, r.status, string(r.body))
	last := r.json(t)
	assert.Equal(t, ids[0], last["feeds"].([]any)[0].(map[string]any)["feedId"])
	assert.NotContains(t, last, "nextToken")
}

func TestFeeds_messages_are_checked_one_by_one(t *testing.T) {
	s := newSim(t)
	doc := `{"header":{"sellerId":"A1DEMOSELLER00","version":"2.0"},"messages":[
		{"messageId":1,"operationType":"PATCH","productType":"PRODUCT","patches":[{"op":"replace","path":"/attributes/item_name"}]},
		{"messageId":2,"sku":"PC-0007-CL","operationType":"PARTIAL_UPDATE","productType":"PRODUCT","attributes":{"item_name":[{"value":"Slim Phone Case, Clear, 2-pack"}]}},
		{"messageId":2,"sku":"PC-0007-CL","operationType":"DELETE"}]}`
	feedID := submitFeed(t, s, "JSON_LISTINGS_FEED", []byte(doc))
	s.clock.Advance(2 * time.Minute)
	feed := s.get("/feeds/2021-06-30/feeds/" + feedID).json(t)
	require.Equal(t, "DONE", feed["processingStatus"])
	report := download(t, s.get("/feeds/2021-06-30/documents/"+feed["resultFeedDocumentId"].(string)).json(t))
	require.NoError(t, models.ValidateListingsFeedReport(report))
	assert.Contains(t, string(report), "does not match the schema", "message 1 has no sku")
	assert.Contains(t, string(report), "not unique", "the second message 2 repeats an id")
	assert.Contains(t, string(report), `"messagesAccepted":1`)
	l, ok := s.srv.Listing("PC-0007-CL")
	require.True(t, ok, "the DELETE was rejected")
	assert.Equal(t, "Slim Phone Case, Clear, 2-pack", l.Title)
}

func TestDocument_returns_a_feed_document_once_uploaded_even_while_it_is_uploaded_again(t *testing.T) {
	s := newSim(t)
	created := s.call(http.MethodPost, "/feeds/2021-06-30/documents", map[string]string{"contentType": feedContentType}).json(t)
	id, url := created["feedDocumentId"].(string), created["url"].(string)
	_, ok := s.srv.Document(id)
	assert.False(t, ok, "nothing was uploaded yet, as the document URL would say")

	doc := listingsFeed(t)
	upload(t, url, feedContentType, doc, http.StatusOK)
	got, ok := s.srv.Document(id)
	require.True(t, ok)
	assert.Equal(t, doc, got)

	// A client that uploads again while a test reads the document (go test
	// -race catches a read outside the lock).
	var putErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 20 {
			req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(doc))
			if err != nil {
				putErr = err
				return
			}
			req.Header.Set("Content-Type", feedContentType)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				putErr = err
				return
			}
			resp.Body.Close()
		}
	}()
	componenttest.RecvDriving(t, "the uploads", done, func() {
		got, ok := s.srv.Document(id)
		assert.True(t, ok)
		assert.Equal(t, doc, got)
	})
	require.NoError(t, putErr)
}
