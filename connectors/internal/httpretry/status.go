package httpretry

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// RetryableStatus reports whether an HTTP error status may go away on its
// own: 408 Request Timeout, 429 Too Many Requests and every 5xx. Other
// statuses are permanent for the request sent.
func RetryableStatus(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500
}

// RedactURL keeps a transport error's cause but not the URL (a *url.Error
// prints it), whose query may hold pre-signed credentials or tokens.
func RedactURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", strings.ToLower(ue.Op), ue.Err)
	}
	return err
}
