package spapi

import (
	"time"

	"github.com/pipewright/pipewright/engine/component"
)

// SettlementsConfig is the options of the spapi.settlements source.
//
// Settlement reports (GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2) found with
// getReports, downloaded and parsed; one message per settlement, id =
// settlement id. Reports that do not parse or reconcile go to the
// dead-letter stream.
type SettlementsConfig struct {
	// Time between polls (default 1h).
	Every component.Duration `yaml:"every"`
	// How far back the first poll looks (default 720h; at most 2160h,
	// Amazon's retention).
	Lookback component.Duration `yaml:"lookback"`
	// Only reports of these marketplaces (default: all).
	Marketplaces MarketplaceIDs `yaml:"marketplaces"`
}

// maxLookback is Amazon's report retention.
const maxLookback = 90 * 24 * time.Hour

func newSettlementsConfig() *SettlementsConfig {
	return &SettlementsConfig{Every: component.Duration(time.Hour), Lookback: component.Duration(30 * 24 * time.Hour)}
}

// Validate checks the options.
func (c *SettlementsConfig) Validate() error {
	if c.Every <= 0 {
		return component.FieldErrorf("every", "must be positive")
	}
	if c.Lookback.D() > maxLookback || c.Lookback <= 0 {
		return component.FieldErrorf("lookback", "want a duration up to %s (Amazon keeps reports 90 days)", maxLookback)
	}
	return nil
}
