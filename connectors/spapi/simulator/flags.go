package simulator

import (
	"flag"
	"strings"
)

// RegisterFlags defines a flag for every option on fs, with c's current
// values as defaults, so `pipewright sandbox` and Config stay one source of
// truth: call it on DefaultConfig() and parse the arguments into it.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.Listen, "listen", c.Listen, "address to listen on")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "seed of the order generator (same seed, same orders)")
	fs.Float64Var(&c.TimeScale, "time-scale", c.TimeScale, "simulated seconds per real second (3600: one simulated hour per second)")
	fs.Float64Var(&c.OrdersPerHour, "orders-per-hour", c.OrdersPerHour, "mean orders generated per simulated hour (0: none)")
	fs.DurationVar(&c.History, "history", c.History, "simulated time already run at start (a backlog of orders)")
	fs.Func("marketplaces", "comma-separated marketplace ids (default: every demo marketplace)", func(s string) error {
		c.Marketplaces = splitList(s)
		return nil
	})
	fs.StringVar(&c.SellerID, "seller-id", c.SellerID, "the seller's merchant token")
	fs.BoolVar(&c.EnforceRateLimits, "rate-limits", c.EnforceRateLimits, "enforce Amazon's rate limits (429 when exceeded)")
	fs.DurationVar(&c.SettlementPeriod, "settlement-period", c.SettlementPeriod, "simulated time between settlement reports (0: none)")
	fs.BoolVar(&c.SettlementLocaleDE, "settlement-locale-de", c.SettlementLocaleDE, "German dates and decimal commas in EUR settlement reports")
	fs.StringVar(&c.StateFile, "state", c.StateFile, "file keeping the world across restarts (loaded when it exists, saved periodically and on exit; empty: none)")
	fs.DurationVar(&c.SaveEvery, "save-every", c.SaveEvery, "how often the world is saved to -state (real time; 0: 30s)")

	fs.StringVar(&c.Notify.URL, "notify-url", c.Notify.URL, "URL that receives ORDER_CHANGE notifications (empty: none)")
	fs.StringVar(&c.Notify.FBAInventoryURL, "notify-fba-inventory-url", c.Notify.FBAInventoryURL, "URL that receives FBA_INVENTORY_AVAILABILITY_CHANGES notifications (empty: none)")
	fs.StringVar(&c.Notify.Envelope, "notify-envelope", c.Notify.Envelope, `notification envelope: "sqs" (raw) or "eventbridge"`)
	fs.StringVar(&c.Notify.Header, "notify-header", c.Notify.Header, "auth header sent with each notification")
	fs.StringVar(&c.Notify.Token, "notify-token", c.Notify.Token, "value of the auth header")
	fs.StringVar(&c.Notify.HMACSecret, "notify-hmac-secret", c.Notify.HMACSecret, "sign notifications with HMAC-SHA256 using this secret")
	fs.StringVar(&c.Notify.SignatureHeader, "notify-signature-header", c.Notify.SignatureHeader, "header carrying the HMAC signature")
	fs.StringVar(&c.Notify.TimestampHeader, "notify-timestamp-header", c.Notify.TimestampHeader, "header carrying the signed timestamp")
	fs.DurationVar(&c.Notify.Redelivery, "notify-redelivery", c.Notify.Redelivery, "simulated time before a failed push is retried")
	fs.StringVar(&c.Notify.SQSEndpoint, "notify-sqs-endpoint", c.Notify.SQSEndpoint, "SQS endpoint receiving the notifications of types subscribed to an SQS destination (empty: none)")

	fs.Float64Var(&c.Faults.ErrorRate, "fault-error-rate", c.Faults.ErrorRate, "fraction of calls failing with a random retryable error")
	fs.Float64Var(&c.Faults.ServerErrorRate, "fault-5xx-rate", c.Faults.ServerErrorRate, "fraction of calls answered 500 or 503")
	fs.DurationVar(&c.Faults.Latency, "fault-latency", c.Faults.Latency, "real time added to every call")
	fs.Float64Var(&c.Faults.MalformedRate, "fault-malformed-rate", c.Faults.MalformedRate, "fraction of successful calls answered with a truncated body")
	fs.DurationVar(&c.Faults.StormAfter, "fault-storm-after", c.Faults.StormAfter, "simulated time after start when a 429 storm begins")
	fs.DurationVar(&c.Faults.StormFor, "fault-storm-for", c.Faults.StormFor, "length of the 429 storm in simulated time (0: none)")
	fs.Float64Var(&c.Faults.UnknownSKURate, "fault-unknown-sku-rate", c.Faults.UnknownSKURate, "fraction of generated order lines with an SKU outside the catalogue")

	fs.StringVar(&c.Credentials.ClientID, "lwa-client-id", c.Credentials.ClientID, "LWA client id the token endpoint accepts")
	fs.StringVar(&c.Credentials.ClientSecret, "lwa-client-secret", c.Credentials.ClientSecret, "LWA client secret the token endpoint accepts")
	fs.StringVar(&c.Credentials.RefreshToken, "lwa-refresh-token", c.Credentials.RefreshToken, "seller refresh token the token endpoint accepts")
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
