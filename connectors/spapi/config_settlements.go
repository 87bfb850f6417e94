package spapi

import (
	"errors"
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// SettlementsConfig is the options of the spapi.settlements source.
//
// Settlement reports (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2) found with
// getReports, downloaded and parsed; one message per settlement, id =
// settlement id. Reports that do not parse or reconcile go to the
// dead-letter stream. With notifications, a REPORT_PROCESSING_FINISHED
// notification of a settlement report has it fetched at once, and polling
// is the slower safety net.
type SettlementsConfig struct {
	// Time between polls (default 1h; 6h with notifications, as a safety
	// net for a notification that never came).
	Every component.Duration `yaml:"every"`
	// How far back the first poll looks (default 720h; at most 2160h,
	// Amazon's retention).
	Lookback component.Duration `yaml:"lookback"`
	// Only reports of these marketplaces (default: all).
	Marketplaces MarketplaceIDs `yaml:"marketplaces"`
	// REPORT_PROCESSING_FINISHED notifications (raw SQS JSON or EventBridge
	// event) on a webhook path; a settlement report they announce is
	// fetched at once, other report types are acknowledged and ignored.
	Notifications *NotificationIntake `yaml:"notifications"`
}

// Default poll intervals of spapi.settlements: without notifications, and
// as the safety net beside them (Amazon settles every 14 days or so: a
// report found six hours late is still early).
const (
	defaultSettlementsEvery       = time.Hour
	defaultSettlementsNotifyEvery = 6 * time.Hour
)

// maxLookback is Amazon's report retention.
const maxLookback = 90 * 24 * time.Hour

func newSettlementsConfig() *SettlementsConfig {
	return &SettlementsConfig{Lookback: component.Duration(30 * 24 * time.Hour)}
}

// pollEvery is the configured poll interval or its default.
func (c *SettlementsConfig) pollEvery() time.Duration {
	switch {
	case c.Every > 0:
		return c.Every.D()
	case c.Notifications != nil:
		return defaultSettlementsNotifyEvery
	}
	return defaultSettlementsEvery
}

// Validate checks the options.
func (c *SettlementsConfig) Validate() error {
	var errs []error
	if c.Every < 0 {
		errs = append(errs, component.FieldErrorf("every", "must be positive"))
	}
	if c.Lookback.D() > maxLookback || c.Lookback <= 0 {
		errs = append(errs, component.FieldErrorf("lookback", "want a duration up to %s (Amazon keeps reports 90 days)", maxLookback))
	}
	if c.Notifications != nil {
		errs = append(errs, underOption("notifications.", c.Notifications.Validate()))
	}
	return errors.Join(errs...)
}
