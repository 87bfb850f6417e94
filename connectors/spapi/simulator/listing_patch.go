package simulator

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Changing listings, shared by patchListingsItem, putListingsItem and
// JSON_LISTINGS_FEED. Two attributes are checked the way Amazon checks the
// inventory and price updates that matter to us: fulfillment_availability
// (fulfillment_channel_code, quantity ≥ 0) and purchasable_offer (a
// marketplace the seller sells on, its currency, an audience, and a
// positive our_price[0].schedule[0].value_with_tax). Other attributes are
// stored as given.

// issue is a problem with a submission, as listings and feed reports
// carry them.
type issue struct {
	Code, Message, Severity, Attribute string
}

// Issue codes, in the style of Amazon's numeric listing issue codes.
const (
	issueSKUNotFound  = "4000001"
	issueBadPatch     = "4000003"
	issueInvalidValue = "99022"
	issueSchema       = "90000"
)

func invalidValue(attr, format string, args ...any) issue {
	return issue{Code: issueInvalidValue, Severity: "ERROR", Attribute: attr, Message: fmt.Sprintf(format, args...)}
}

// patchOp is one JSON Patch operation on a listing's attributes.
type patchOp struct {
	Op    string
	Path  string
	Value []any
}

// patchesOf reads the patches array of a submission (already checked
// against its schema).
func patchesOf(v any) []patchOp {
	var out []patchOp
	for _, p := range entries(v) {
		op, _ := p["op"].(string)
		path, _ := p["path"].(string)
		value, _ := p["value"].([]any)
		out = append(out, patchOp{Op: op, Path: path, Value: value})
	}
	return out
}

// applyPatches applies patches to a copy of attrs. It returns the new
// attributes, or the issues that reject the whole submission.
func (s *Server) applyPatches(attrs map[string]any, patches []patchOp) (map[string]any, []issue) {
	out := cloneAttributes(attrs)
	var issues []issue
	for _, p := range patches {
		name, ok := strings.CutPrefix(p.Path, "/attributes/")
		if !ok || name == "" || strings.Contains(name, "/") {
			issues = append(issues, issue{Code: issueBadPatch, Severity: "ERROR", Message: fmt.Sprintf("The patch path %q is not supported: patch whole attributes under /attributes/.", p.Path)})
			continue
		}
		if p.Op != "delete" {
			if bad := s.checkAttribute(name, p.Value); len(bad) > 0 {
				issues = append(issues, bad...)
				continue
			}
		}
		switch p.Op {
		case "add", "replace":
			out[name] = cloneValue(p.Value)
		case "merge":
			out[name] = mergeEntries(name, out[name], p.Value)
		case "delete":
			if len(p.Value) == 0 {
				delete(out, name)
			} else {
				out[name] = deleteEntries(name, out[name], p.Value)
			}
		}
	}
	return out, issues
}

// checkAttributes checks every attribute of a put, an UPDATE or a
// PARTIAL_UPDATE, in name order so that the issues come in a stable order.
func (s *Server) checkAttributes(attrs map[string]any) []issue {
	var issues []issue
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		list, ok := attrs[name].([]any)
		if !ok {
			issues = append(issues, invalidValue(name, "The attribute '%s' must be a list of values.", name))
			continue
		}
		issues = append(issues, s.checkAttribute(name, list)...)
	}
	return issues
}

// checkAttribute checks the values of the attributes the simulator knows.
func (s *Server) checkAttribute(name string, values []any) []issue {
	if len(values) == 0 {
		return []issue{invalidValue(name, "The attribute '%s' does not have enough values. The required minimum is '1' value(s).", name)}
	}
	var issues []issue
	for _, e := range values {
		m, ok := e.(map[string]any)
		if !ok {
			issues = append(issues, invalidValue(name, "The values of '%s' must be objects.", name))
			continue
		}
		switch name {
		case "fulfillment_availability":
			issues = append(issues, checkAvailability(m)...)
		case "purchasable_offer":
			issues = append(issues, s.checkOffer(m)...)
		}
	}
	return issues
}

func checkAvailability(m map[string]any) []issue {
	const attr = "fulfillment_availability"
	var issues []issue
	if code, _ := m["fulfillment_channel_code"].(string); code == "" {
		issues = append(issues, invalidValue(attr, "'fulfillment_channel_code' is required but not supplied."))
	}
	if q, present := m["quantity"]; present {
		if n, ok := q.(int64); !ok || n < 0 {
			issues = append(issues, invalidValue(attr, "The value '%v' of 'quantity' is not a whole number of 0 or more.", q))
		}
	}
	return issues
}

func (s *Server) checkOffer(m map[string]any) []issue {
	const attr = "purchasable_offer"
	id, _ := m["marketplace_id"].(string)
	mkt, known := marketplaceByID(id)
	if !known || !s.cfg.sells(id) {
		return []issue{invalidValue(attr, "The marketplace '%s' is not one the seller sells on.", id)}
	}
	var issues []issue
	if cur, _ := m["currency"].(string); cur != mkt.Currency {
		issues = append(issues, invalidValue(attr, "The currency '%s' is not the currency of marketplace %s (%s).", cur, id, mkt.Currency))
	}
	if a := audienceOf(m); a != "ALL" && a != "B2B" {
		issues = append(issues, invalidValue(attr, "The audience '%s' is not ALL or B2B.", a))
	}
	if price, ok := offerPrice(m); !ok || !price.IsPos() {
		issues = append(issues, invalidValue(attr+".our_price", "The field 'value_with_tax' of 'purchasable_offer.our_price' must be a positive number."))
	}
	return issues
}

func keyedAttribute(name string) bool {
	return name == "fulfillment_availability" || name == "purchasable_offer"
}

// entryKey identifies the entry of a keyed attribute that merge and delete
// address: the channel for availability, marketplace and audience for
// offers. Other attributes have no key: merge replaces them.
func entryKey(name string, e map[string]any) string {
	if name == "fulfillment_availability" {
		return fmt.Sprint(e["fulfillment_channel_code"])
	}
	return fmt.Sprint(e["marketplace_id"]) + "/" + audienceOf(e)
}

// mergeEntries merges patch entries into the current ones by key: fields
// given replace those of the matching entry, unmatched entries are added.
func mergeEntries(name string, current any, patch []any) any {
	if !keyedAttribute(name) {
		return cloneValue(patch)
	}
	merged, _ := cloneValue(current).([]any)
	for _, pe := range entries(patch) {
		k := entryKey(name, pe)
		found := false
		for _, ce := range entries(merged) {
			if entryKey(name, ce) == k {
				for f, v := range pe {
					ce[f] = cloneValue(v)
				}
				found = true
			}
		}
		if !found {
			merged = append(merged, cloneValue(pe))
		}
	}
	return merged
}

// deleteEntries removes the entries matching the patch's by key (every
// entry, for attributes without a key).
func deleteEntries(name string, current any, patch []any) any {
	keep := []any{}
	if !keyedAttribute(name) {
		return keep
	}
	for _, ce := range entries(current) {
		drop := false
		for _, pe := range entries(patch) {
			if entryKey(name, pe) == entryKey(name, ce) {
				drop = true
			}
		}
		if !drop {
			keep = append(keep, ce)
		}
	}
	return keep
}
