package simulator

import (
	"bytes"
	"compress/gzip"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Documents stand in for the S3 objects behind Feeds and Reports: a feed's
// input is uploaded with PUT to a pre-signed URL from createFeedDocument,
// and processing reports and settlement reports are downloaded from the
// pre-signed URL that getFeedDocument or getReportDocument returns. URLs
// are signed and live five minutes of simulated time; an upload must use
// the content type given to createFeedDocument.

const (
	uploadPath   = "/s3/feeds-upload/"
	downloadPath = "/s3/documents/"
	urlLifetime  = 5 * time.Minute
	maxDocument  = 32 << 20
)

// document is a stored feed input or result.
type document struct {
	id          string
	contentType string
	data        []byte
	// gzipped documents are served with compressionAlgorithm GZIP.
	gzipped bool
	// upload is set on feed input documents, which the client PUTs to
	// their pre-signed URL; uploaded is set once it has.
	upload   bool
	uploaded bool
}

// readable returns document id if it exists and has content (a feed input
// document only once uploaded), or nil. The caller holds s.mu.
func (s *Server) readable(id string) *document {
	doc := s.documents[id]
	if doc == nil || (doc.upload && !doc.uploaded) {
		return nil
	}
	return doc
}

// presign returns a URL for method on document id, valid for urlLifetime
// from now. extra query parameters (such as response-content-encoding)
// are signed too.
func (s *Server) presign(c *call, method, path, id string, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
	q.Set("X-Amz-Date", c.now.UTC().Format("20060102T150405Z"))
	q.Set("X-Amz-Expires", strconv.Itoa(int(urlLifetime.Seconds())))
	q.Set("X-Amz-SignedHeaders", "host")
	q.Set("X-Amz-Signature", s.urlSignature(method, id, q))
	return c.baseURL() + path + id + "?" + q.Encode()
}

func (s *Server) urlSignature(method, id string, q url.Values) string {
	unsigned := url.Values{}
	for k, v := range q {
		if k != "X-Amz-Signature" {
			unsigned[k] = v
		}
	}
	mac := hmac.New(sha256.New, s.secret)
	io.WriteString(mac, method+"\n"+id+"\n"+unsigned.Encode())
	return hex.EncodeToString(mac.Sum(nil))
}

// checkURL verifies a pre-signed URL's signature and expiry, answering in
// S3's XML error shape when it fails. The caller holds s.mu.
func (s *Server) checkURL(w http.ResponseWriter, r *http.Request, id string, now time.Time) bool {
	q := r.URL.Query()
	if !hmac.Equal([]byte(q.Get("X-Amz-Signature")), []byte(s.urlSignature(r.Method, id, q))) {
		s3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")
		return false
	}
	signed, err := time.Parse("20060102T150405Z", q.Get("X-Amz-Date"))
	if err != nil || now.After(signed.Add(urlLifetime)) {
		s3Error(w, http.StatusForbidden, "AccessDenied", "Request has expired")
		return false
	}
	return true
}

func s3Error(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Error><Code>"+code+"</Code><Message>"+message+"</Message></Error>")
}

// uploadDocument takes a feed document's bytes.
func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxDocument+1))
	if err != nil || len(data) > maxDocument {
		s3Error(w, http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advance()
	id := r.PathValue("id")
	doc := s.documents[id]
	switch {
	case doc == nil || !doc.upload:
		s3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
	case !s.checkURL(w, r, id, now):
	case r.Header.Get("Content-Type") != doc.contentType:
		s3Error(w, http.StatusForbidden, "SignatureDoesNotMatch", "The Content-Type of the upload differs from the one the URL was signed for.")
	default:
		doc.data, doc.uploaded = data, true
		w.WriteHeader(http.StatusOK)
	}
}

// downloadDocument serves a processing or settlement report.
func (s *Server) downloadDocument(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advance()
	id := r.PathValue("id")
	doc := s.readable(id)
	if doc == nil {
		s3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
		return
	}
	if !s.checkURL(w, r, id, now) {
		return
	}
	w.Header().Set("Content-Type", doc.contentType)
	if r.URL.Query().Get("response-content-encoding") == "gzip" {
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(doc.data)))
	_, _ = w.Write(doc.data)
}

// storeResult stores a result document, gzip-compressed as Amazon's are.
// The caller holds s.mu.
func (s *Server) storeResult(prefix, contentType string, content []byte) string {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(content) // writes to memory: cannot fail
	_ = zw.Close()
	id := prefix + s.newUUID()
	s.documents[id] = &document{id: id, contentType: contentType, data: buf.Bytes(), gzipped: true}
	return id
}

// documentLink answers a document request: a fresh pre-signed URL and the
// compression. enableContentEncodingUrlHeader=true asks for a URL that
// serves the document with Content-Encoding: gzip.
func (s *Server) documentLink(c *call, id string) (link, compression string, found bool) {
	doc := s.readable(id)
	if doc == nil {
		return "", "", false
	}
	extra := url.Values{}
	if c.query.Get("enableContentEncodingUrlHeader") == "true" && doc.gzipped {
		extra.Set("response-content-encoding", "gzip")
	}
	if doc.gzipped {
		compression = "GZIP"
	}
	return s.presign(c, http.MethodGet, downloadPath, id, extra), compression, true
}
