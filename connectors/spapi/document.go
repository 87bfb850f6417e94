package spapi

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pipewright/pipewright/connectors/spapi/internal/client"
	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/engine/component"
)

// fetchDocument downloads a report or feed document: op
// (getReportDocument, getFeedDocument) answers its pre-signed URL and
// compression for the document id in path parameter param.
func fetchDocument(ctx context.Context, api *client.Client, op *models.Operation, param, id string) (*client.Document, error) {
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
