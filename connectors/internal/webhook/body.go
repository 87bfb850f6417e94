package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"

	"github.com/govalues/decimal"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// maxViolations caps the schema violations listed in a 400 response.
const maxViolations = 10

// readBody reads at most limit bytes of the body.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *rejection) {
	if r.ContentLength > limit {
		return nil, tooLarge(limit)
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, tooLarge(limit)
	case err != nil:
		return nil, reject(http.StatusBadRequest, "could not read the body", "reading the body: "+err.Error())
	}
	return data, nil
}

// compileSchema compiles the body schema file; a relative path is taken
// from dir.
func compileSchema(path, dir string) (*jsonschema.Schema, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	s, err := jsonschema.NewCompiler().Compile(path)
	if err != nil {
		return nil, fmt.Errorf("compiling the body schema %s: %w", path, err)
	}
	return s, nil
}

// checkSchema validates a decoded body against s.
func checkSchema(s *jsonschema.Schema, body any) *rejection {
	err := s.Validate(schemaValue(body))
	if err == nil {
		return nil
	}
	rej := reject(http.StatusBadRequest, "body does not match the schema", "schema violation")
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		rej.violations = []string{err.Error()}
		return rej
	}
	rej.violations = leafViolations(ve, nil)
	sort.Strings(rej.violations)
	if n := len(rej.violations); n > maxViolations {
		rej.violations = append(rej.violations[:maxViolations], fmt.Sprintf("and %d more", n-maxViolations))
	}
	return rej
}

// leafViolations lists the innermost causes of ve as "/pointer: message".
func leafViolations(ve *jsonschema.ValidationError, out []string) []string {
	if len(ve.Causes) == 0 {
		loc := ve.InstanceLocation
		if loc == "" {
			loc = "/"
		}
		return append(out, loc+": "+ve.Message)
	}
	for _, c := range ve.Causes {
		out = leafViolations(c, out)
	}
	return out
}

// schemaValue converts the message value model to what the schema library
// takes: decimals become json.Number.
func schemaValue(v any) any {
	switch x := v.(type) {
	case decimal.Decimal:
		return json.Number(x.String())
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = schemaValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = schemaValue(e)
		}
		return out
	}
	return v
}
