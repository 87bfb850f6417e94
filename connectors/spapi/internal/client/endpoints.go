package client

import "fmt"

// Endpoints are the SP-API hosts per region.
var Endpoints = map[string]string{
	"na": "https://sellingpartnerapi-na.amazon.com",
	"eu": "https://sellingpartnerapi-eu.amazon.com",
	"fe": "https://sellingpartnerapi-fe.amazon.com",
}

// RegionEndpoint returns the endpoint of region (na, eu or fe).
func RegionEndpoint(region string) (string, error) {
	ep, ok := Endpoints[region]
	if !ok {
		return "", fmt.Errorf("unknown region %q: want na, eu or fe", region)
	}
	return ep, nil
}
