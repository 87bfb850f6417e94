package simulator

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

// checkRequest checks a call's query parameters and body against the
// operation's model, as Amazon's front end does: unknown parameters, missing
// required ones, values outside an enum, non-numeric integers, too many
// array items, and a body that does not match the schema are 400s. It
// returns the problem, or "".
func checkRequest(op *models.Operation, q url.Values, body []byte) string {
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p, ok := op.Param(name)
		if !ok || p.In != "query" {
			return fmt.Sprintf("%s is not a valid parameter of %s.", name, op.ID)
		}
		if msg := checkValues(p, q[name]); msg != "" {
			return msg
		}
	}
	for _, p := range op.Parameters {
		if p.In == "query" && p.Required && q.Get(p.Name) == "" {
			return fmt.Sprintf("Missing required parameter %s.", p.Name)
		}
	}
	if op.Body == nil {
		return ""
	}
	if strings.TrimSpace(string(body)) == "" {
		if op.Body.Required {
			return "The request body is missing."
		}
		return ""
	}
	if err := op.ValidateRequest(body); err != nil {
		return "Invalid request body: " + err.Error()
	}
	return ""
}

func checkValues(p models.Parameter, values []string) string {
	items := values
	if p.Type == "array" {
		items = queryList(values)
		if p.MaxItems > 0 && len(items) > p.MaxItems {
			return fmt.Sprintf("%s takes at most %d values.", p.Name, p.MaxItems)
		}
	}
	typ := p.Type
	if typ == "array" {
		typ = p.ItemType
	}
	for _, v := range items {
		if err := p.CheckValue(v); err != nil {
			return err.Error() + "."
		}
		switch typ {
		case "integer":
			if _, err := strconv.Atoi(v); err != nil {
				return fmt.Sprintf("%s must be an integer, not %q.", p.Name, v)
			}
		case "boolean":
			if _, err := strconv.ParseBool(v); err != nil {
				return fmt.Sprintf("%s must be true or false, not %q.", p.Name, v)
			}
		}
	}
	return ""
}

// queryList reads an array parameter: comma-separated (Swagger's csv
// default) and/or repeated.
func queryList(values []string) []string {
	var out []string
	for _, v := range values {
		out = append(out, splitList(v)...)
	}
	return out
}
