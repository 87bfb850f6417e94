// Package alerts tells people when something needs them: a pipeline's open
// dead letters reach a threshold, a connection stays degraded or down for
// a configured time, a data-quality guard holds or flags a message, or an
// Amazon listing gets a problem (the engine's listing board); and tells
// them again when it has recovered. It
// posts to a webhook that Slack and Teams accept ({"text": ...}) and/or
// sends e-mail by SMTP.
//
// Alerts are rate-limited per pipeline and connection: after an alert, the
// same condition coming back within min_interval is told only when the
// interval ends (if it still holds); a recovery is told at once. The text
// names pipelines, connections, counts and reasons (errors with their
// variable parts, such as ids, amounts and quoted values, taken out), and
// error texts are redacted by the engine before they get here, so neither
// secrets nor personal data reach an alert.
package alerts
