package spapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// fetchDocument downloads a report or feed document: op
// (getReportDocument, getFeedDocument) answers its pre-signed URL and
// compression for the document id in path parameter param.
// A refused URL (expired while the download waited) is asked for again.
func fetchDocument(ctx context.Context, api *client.Client, op *models.Operation, param, id string) (*client.Document, error) {
	var doc *client.Document
	err := withFreshURL(func() error {
		var err error
		doc, err = fetchDocumentOnce(ctx, api, op, param, id)
		return err
	})
	return doc, err
}

// urlTries is how many pre-signed URLs a document transfer asks for
// before it gives up: one expiring in a busy moment is no reason to fail.
const urlTries = 3

// withFreshURL runs transfer (which asks Amazon for a pre-signed URL and
// uses it) again while the URL is refused, up to urlTries times.
func withFreshURL(transfer func() error) error {
	var err error
	for range urlTries {
		if err = transfer(); !errors.Is(err, client.ErrURLRefused) {
			return err
		}
	}
	return err
}

func fetchDocumentOnce(ctx context.Context, api *client.Client, op *models.Operation, param, id string) (*client.Document, error) {
	resp, err := api.Do(ctx, &client.Request{Operation: op, Path: map[string]string{param: id}})
	if err != nil {
		return nil, err
	}
	var doc struct {
		URL         string `json:"url"`
		Compression string `json:"compressionAlgorithm"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil || doc.URL == "" {
		return nil, component.Retryable(fmt.Errorf("%s: response without a url", op.Name))
	}
	return api.Download(ctx, doc.URL, doc.Compression)
}
