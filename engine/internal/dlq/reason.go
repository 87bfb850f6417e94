package dlq

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"strings"
	"unicode"
)

// Placeholder stands for a variable part of an error in a reason.
const Placeholder = "{}"

var (
	doubleQuoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `|«[^»]*»`)
	// singleQuoted needs a boundary on both sides, so that apostrophes in
	// words (can't, order's) are left alone.
	singleQuoted = regexp.MustCompile(`(^|[\s(\[{=:,])'[^'\n]*'($|[\s)\]},.;:!?])`)
	versionName  = regexp.MustCompile(`^(?:[A-Za-z][\w-]*\.)*v[0-9]+$`)
	digitsOnly   = regexp.MustCompile(`^[0-9]+$`)
	// location is where a failing expression is written (file:line:col).
	location     = regexp.MustCompile(`^[^\s:]+\.ya?ml:[0-9]+:[0-9]+$`)
	placeholders = regexp.MustCompile(`\{\}(?:(?:,\s*|\s+and\s+)\{\})+`)
)

// Reason returns an error text with its variable parts replaced by {}:
// quoted values, tokens holding digits (ids, numbers, amounts, dates,
// SKUs such as WB-0001-BK), e-mail addresses, the value of NAME=VALUE, the
// word after "SKU", and digit-only segments of paths ("/lines/3/sku"). A
// list of placeholders becomes one. Version names (sales-order.v1, v2),
// paths without digits (tables/sku_overrides.csv) and the locations of
// expressions (orders.yaml:12:5) stay, so that
//
//	unknown SKU WB-9999-XX, AB-1 in order 113-5806449-8837735: add it to tables/sku_overrides.csv
//
// becomes "unknown SKU {} in order {}: add it to tables/sku_overrides.csv".
func Reason(text string) string {
	text = doubleQuoted.ReplaceAllString(text, Placeholder)
	text = singleQuoted.ReplaceAllString(text, "${1}"+Placeholder+"${2}")
	words := strings.Fields(text)
	prev := ""
	for i, w := range words {
		lead, core, trail := splitPunct(w)
		norm := normalizeToken(core, prev)
		words[i] = lead + norm + trail
		prev = strings.ToLower(core)
	}
	return placeholders.ReplaceAllString(strings.Join(words, " "), Placeholder)
}

// GroupID identifies the records of one pipeline with one reason.
func GroupID(pipeline, reason string) string {
	sum := sha256.Sum256([]byte(pipeline + "\n" + reason))
	return hex.EncodeToString(sum[:5])
}

func splitPunct(w string) (lead, core, trail string) {
	start := strings.IndexFunc(w, func(r rune) bool { return !strings.ContainsRune(`([{<"'`, r) })
	if start < 0 {
		return w, "", ""
	}
	end := strings.LastIndexFunc(w, func(r rune) bool { return !strings.ContainsRune(`)]}>,.;:!?"'`, r) })
	return w[:start], w[start : end+1], w[end+1:]
}

func normalizeToken(core, prev string) string {
	switch {
	case core == "" || core == Placeholder:
		return core
	case prev == "sku" || prev == "skus" || prev == "sku(s)":
		return Placeholder
	case strings.Contains(core, "@") && strings.Contains(core, "."):
		return Placeholder // an e-mail address
	}
	if location.MatchString(core) {
		return core
	}
	if name, _, ok := strings.Cut(core, "="); ok && name != "" {
		return name + "=" + Placeholder
	}
	if strings.Contains(core, "/") {
		parts := strings.Split(core, "/")
		for i, p := range parts {
			if digitsOnly.MatchString(p) {
				parts[i] = Placeholder
			}
		}
		return strings.Join(parts, "/")
	}
	if strings.IndexFunc(core, unicode.IsDigit) >= 0 && !versionName.MatchString(core) {
		return Placeholder
	}
	return core
}
