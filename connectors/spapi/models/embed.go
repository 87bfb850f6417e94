// Package models embeds Amazon's Selling Partner API reference material that
// the connector and the simulator work from: the OpenAPI models (api/), the
// notification payload schemas (notifications/), the JSON_LISTINGS_FEED
// schemas (feeds/), the default rate-limit table and the carrier codes. The
// files are copies of ../shared/spapi (Amazon's own, see its README); tests
// check that the copies have not drifted.
//
// On top of the files it offers an operation index (Operations,
// LookupOperation: method, path, parameters, sandbox cases, default rate
// limit of every operation) and validation: responses and request bodies
// against the Swagger models (converted to draft-04 JSON Schema), notification
// payloads against their schemas (ValidateNotification) and listings feed
// documents and reports (ValidateListingsFeed, ValidateListingsFeedReport).
package models

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed api/*.json notifications/*.json feeds/*.json rate-limits.yaml carrier-codes.txt
var files embed.FS

// FS returns the embedded files, rooted at this directory.
func FS() fs.FS { return files }

// RateLimit is one row of the default rate-limit table.
type RateLimit struct {
	API           string  `yaml:"api"`
	Version       string  `yaml:"version"`
	Operation     string  `yaml:"operation"`
	Method        string  `yaml:"method"`
	Path          string  `yaml:"path"`
	RatePerSecond float64 `yaml:"rate_per_second"`
	Burst         int     `yaml:"burst"`
	Deprecated    bool    `yaml:"deprecated"`
	Model         string  `yaml:"model"`
}

// RateLimits parses the embedded rate-limit table.
func RateLimits() ([]RateLimit, error) {
	data, err := files.ReadFile("rate-limits.yaml")
	if err != nil {
		return nil, err
	}
	var rows []RateLimit
	if err := yaml.Unmarshal(data, &rows); err != nil {
		return nil, fmt.Errorf("rate-limits.yaml: %w", err)
	}
	return rows, nil
}

// CarrierCodes returns Amazon's accepted carrierCode values in file order.
func CarrierCodes() []string {
	data, err := files.ReadFile("carrier-codes.txt")
	if err != nil {
		panic(err) // embedded: cannot fail
	}
	var codes []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		codes = append(codes, line)
	}
	return codes
}
