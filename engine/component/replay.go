package component

import "context"

type freshLookupsKey struct{}

// WithFreshLookups marks ctx as processing a dead-letter replay: lookups
// made with it must ask their system again instead of answering from a
// cache, because the replay exists to see what changed since the failure
// (an item created in the ERP, a customer fixed).
func WithFreshLookups(ctx context.Context) context.Context {
	return context.WithValue(ctx, freshLookupsKey{}, true)
}

// FreshLookups reports whether lookups made with ctx must bypass caches
// (see WithFreshLookups). A Lookuper with a cache honours it and may store
// the fresh result for later lookups.
func FreshLookups(ctx context.Context) bool {
	fresh, _ := ctx.Value(freshLookupsKey{}).(bool)
	return fresh
}

// PersonalDataDeclarer is implemented by source configurations that know
// where the messages they publish hold personal data (names, addresses,
// e-mail addresses, phone numbers). The engine removes it from dead letters
// after the pipeline's retention and masks it in output on request.
type PersonalDataDeclarer interface {
	// PersonalData returns JSON pointer patterns into a message body, "*"
	// standing for every member or element ("/buyer", "/lines/*/email").
	PersonalData() []string
}
