package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/pipewright/pipewright/connectors/internal/httpretry"
	"github.com/pipewright/pipewright/engine/component"
)

// ErrURLRefused is wrapped by a transfer that the document store refused
// with 403: a pre-signed URL that expired (Amazon's live 5 minutes) or
// whose signature does not hold. Asking Amazon for a new URL is the cure.
var ErrURLRefused = errors.New("pre-signed URL refused (expired)")

// Document is a downloaded report or feed document.
type Document struct {
	// Data is the content, decompressed.
	Data []byte
	// ContentType is the response's Content-Type (it may name a charset).
	ContentType string
}

// Download fetches a pre-signed document URL (no SP-API headers: the URL
// carries its own authorization). The content is gunzipped when compression
// is "GZIP" or the bytes start with the gzip magic. Failures are retried like
// calls; the URL never appears in errors since it holds a signature.
func (c *Client) Download(ctx context.Context, url, compression string) (*Document, error) {
	var doc *Document
	err := c.cfg.Retry.Do(ctx, c.cfg.Clock, func() error {
		data, header, err := c.transfer(ctx, http.MethodGet, url, "", nil)
		if err != nil {
			return err
		}
		if compression == "GZIP" || bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
			if data, err = gunzip(data); err != nil {
				return component.Permanent(fmt.Errorf("document download: %w", err))
			}
		}
		doc = &Document{Data: data, ContentType: header.Get("Content-Type")}
		return nil
	})
	return doc, err
}

// Upload PUTs body to a pre-signed upload URL with exactly contentType, as
// createFeedDocument requires.
func (c *Client) Upload(ctx context.Context, url, contentType string, body []byte) error {
	return c.cfg.Retry.Do(ctx, c.cfg.Clock, func() error {
		_, _, err := c.transfer(ctx, http.MethodPut, url, contentType, body)
		return err
	})
}

func (c *Client) transfer(ctx context.Context, method, url, contentType string, body []byte) ([]byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, nil, component.Permanent(fmt.Errorf("document %s: %w", method, httpretry.RedactURL(err)))
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		return nil, nil, httpretry.Again(fmt.Errorf("document %s: %w", method, httpretry.RedactURL(err)))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, nil, httpretry.Again(fmt.Errorf("document %s: %w", method, err))
	}
	if resp.StatusCode == http.StatusForbidden {
		return nil, nil, component.Permanent(fmt.Errorf("document %s: HTTP 403: %w", method, ErrURLRefused))
	}
	if resp.StatusCode >= 300 {
		err := fmt.Errorf("document %s: HTTP %d", method, resp.StatusCode)
		if httpretry.RetryableStatus(resp.StatusCode) {
			return nil, nil, httpretry.Again(err)
		}
		return nil, nil, component.Permanent(err)
	}
	return data, resp.Header, nil
}

func gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return io.ReadAll(io.LimitReader(zr, maxBody))
}
