// Package httpretry is the retry discipline of connectors that call an HTTP
// API: which statuses are worth another attempt (RetryableStatus), a
// bounded loop of attempts with exponential backoff and jitter on the
// engine's clock (Policy.Do) that hands the engine a retryable error once
// its attempts are spent, and transport errors without the URL
// (RedactURL), whose query may hold a signature.
//
// A connector classifies each attempt's failure: wrap it with Again when
// another attempt may succeed (a 429, a 5xx, a dropped connection), return
// it marked component.Permanent when the data sent is at fault, or return
// it as it is to stop at once.
package httpretry
