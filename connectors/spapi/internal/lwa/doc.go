// Package lwa obtains Login with Amazon access tokens for the SP-API: the
// refresh-token grant (calls on behalf of a seller) and the
// client-credentials grant (grantless calls, by scope). Tokens are cached
// and renewed shortly before they expire; concurrent callers that need a
// token share one exchange.
package lwa
