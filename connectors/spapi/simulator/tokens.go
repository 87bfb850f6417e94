package simulator

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Tokens API 2021-03-01: createRestrictedDataToken. A restricted data token
// replaces the LWA token on the calls it names and unlocks the personal
// data (dataElements) of Orders v0 reads.

// dataElementsAllowed are the data elements Orders v0 reads take.
var dataElementsAllowed = []string{"buyerInfo", "shippingAddress", "buyerTaxInformation"}

func (s *Server) createRestrictedDataToken(c *call) response {
	var req struct {
		RestrictedResources []restrictedResource `json:"restrictedResources"`
	}
	bad := func(msg string) response { return errorResponse(http.StatusBadRequest, codeInvalidRequest, msg, "") }
	if err := json.Unmarshal(c.body, &req); err != nil {
		return bad("The request body is not a restricted data token request.")
	}
	if n := len(req.RestrictedResources); n == 0 || n > 50 {
		return bad("restrictedResources must list between 1 and 50 resources.")
	}
	for _, res := range req.RestrictedResources {
		if !strings.HasPrefix(res.Path, "/") {
			return bad("The path " + res.Path + " is not a valid SP-API path.")
		}
		for _, el := range res.DataElements {
			if !slices.Contains(dataElementsAllowed, el) || !strings.HasPrefix(res.Path, "/orders/v0/orders") {
				return bad("The data element " + el + " is not valid for " + res.Path + ".")
			}
		}
	}
	tok := s.issueToken("Atz.sprdt|", &accessToken{
		kind: tokenRestricted, subject: c.token.subject, expires: c.now.Add(tokenLifetime), resources: req.RestrictedResources,
	})
	return ok(map[string]any{"restrictedDataToken": tok, "expiresIn": int(tokenLifetime.Seconds())})
}
