package models

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"unicode"
)

// swaggerDoc is the part of a Swagger 2.0 model the index reads.
type swaggerDoc struct {
	Info struct {
		Version string `json:"version"`
	} `json:"info"`
	Consumes    []string                              `json:"consumes"`
	Produces    []string                              `json:"produces"`
	Paths       map[string]map[string]json.RawMessage `json:"paths"`
	Definitions map[string]json.RawMessage            `json:"definitions"`
}

type swaggerOp struct {
	OperationID string                     `json:"operationId"`
	Description string                     `json:"description"`
	Deprecated  bool                       `json:"deprecated"`
	Consumes    []string                   `json:"consumes"`
	Produces    []string                   `json:"produces"`
	Parameters  []swaggerParam             `json:"parameters"`
	Responses   map[string]swaggerResponse `json:"responses"`
}

type swaggerParam struct {
	Name     string          `json:"name"`
	In       string          `json:"in"`
	Required bool            `json:"required"`
	Type     string          `json:"type"`
	Format   string          `json:"format"`
	Enum     []any           `json:"enum"`
	Items    *swaggerItems   `json:"items"`
	MaxItems *int            `json:"maxItems"`
	Schema   json.RawMessage `json:"schema"`
}

// sandboxParam is a request parameter of a static sandbox case.
type sandboxParam struct {
	Value json.RawMessage `json:"value"`
}

type swaggerItems struct {
	Type string `json:"type"`
	Enum []any  `json:"enum"`
}

type swaggerResponse struct {
	Schema  json.RawMessage `json:"schema"`
	Sandbox struct {
		Static []struct {
			Request struct {
				Parameters map[string]sandboxParam `json:"parameters"`
			} `json:"request"`
			Response json.RawMessage `json:"response"`
		} `json:"static"`
	} `json:"x-amzn-api-sandbox"`
}

// httpMethods are the path-item keys that hold operations; the others
// (parameters, x-amzn-api-sandbox...) are skipped.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "patch": true, "head": true, "options": true}

// loadModel reads one Swagger model and returns its operations, sorted by
// path and method, plus the model's definitions for schema building.
func loadModel(fsys fs.FS, file string) (*model, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, err
	}
	var doc swaggerDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	m := &model{file: path.Base(file), api: apiName(path.Base(file)), version: doc.Info.Version, definitions: doc.Definitions}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		methods := make([]string, 0, len(doc.Paths[p]))
		for meth := range doc.Paths[p] {
			if httpMethods[meth] {
				methods = append(methods, meth)
			}
		}
		sort.Strings(methods)
		for _, meth := range methods {
			var sop swaggerOp
			if err := json.Unmarshal(doc.Paths[p][meth], &sop); err != nil {
				return nil, fmt.Errorf("%s: %s %s: %w", file, meth, p, err)
			}
			op, err := newOperation(m, &doc, strings.ToUpper(meth), p, &sop)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %w", file, sop.OperationID, err)
			}
			m.ops = append(m.ops, op)
		}
	}
	return m, nil
}

// apiName derives the API name the rate-limit table uses from a model file
// name: "listingsItems_2021-08-01.json" is "listings-items", "ordersV0.json"
// is "orders".
func apiName(file string) string {
	base := strings.TrimSuffix(file, ".json")
	if i := strings.IndexByte(base, '_'); i >= 0 {
		base = base[:i]
	}
	if i := strings.LastIndexByte(base, 'V'); i > 0 && strings.Trim(base[i+1:], "0123456789") == "" {
		base = base[:i]
	}
	var b strings.Builder
	for i, r := range base {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('-')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
