package alerts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/service"
)

// listingExamples is how many listings an alert names.
const listingExamples = 5

// checkListings tells the listings whose problem is new (or got worse)
// since the last alert, at most every min_interval (the rest are told
// with the next one), and, at once, those whose problem cleared.
func (w *Watcher) checkListings(ctx context.Context, now time.Time) {
	issues, err := w.src.ListingIssues(ctx)
	if err != nil {
		w.log.Warn("alerts: cannot read the listing board", "error", err)
		return
	}
	open := map[string]service.ListingIssue{}
	var fresh []service.ListingIssue
	for _, l := range issues {
		key := l.SKU + "@" + l.Marketplace
		open[key] = l
		if w.listingsTold[key] != l.Severity {
			fresh = append(fresh, l)
		}
	}
	var cleared []string
	for _, key := range sortedKeys(boolKeys(w.listingsTold)) {
		if _, ok := open[key]; !ok {
			cleared = append(cleared, key)
		}
	}
	if len(cleared) > 0 && w.send(ctx, listingsCleared(cleared, w.link("listings"))) {
		for _, key := range cleared {
			delete(w.listingsTold, key)
		}
	}
	s := w.subject("listings")
	if len(fresh) == 0 || (!s.lastAlert.IsZero() && now.Sub(s.lastAlert) < w.cfg.MinInterval.D()) {
		return
	}
	if w.send(ctx, listingsAlert(fresh, len(open), w.link("listings"))) {
		s.lastAlert = now
		for _, l := range fresh {
			w.listingsTold[l.SKU+"@"+l.Marketplace] = l.Severity
		}
	}
}

func listingsAlert(fresh []service.ListingIssue, open int, link string) Alert {
	var t strings.Builder
	fmt.Fprintf(&t, "%d Amazon listing(s) have a new problem (%d open in all).\n", len(fresh), open)
	for i, l := range fresh {
		if i == listingExamples {
			fmt.Fprintf(&t, "… and %d more\n", len(fresh)-listingExamples)
			break
		}
		fmt.Fprintf(&t, "%s SKU %s in %s", l.Severity, l.SKU, l.Marketplace)
		if len(l.Actions) > 0 {
			fmt.Fprintf(&t, ": %s", strings.Join(l.Actions, ", "))
		}
		if l.StatusKnown {
			fmt.Fprintf(&t, " (status: %s)", strings.Join(l.Status, ", "))
		}
		t.WriteString("\n")
	}
	t.WriteString(strings.TrimPrefix(link, "\n"))
	return Alert{Subject: fmt.Sprintf("[pipewright] %d listing problem(s): %s SKU %s", len(fresh), fresh[0].Severity, fresh[0].SKU),
		Text: strings.TrimSpace(t.String())}
}

func listingsCleared(keys []string, link string) Alert {
	return Alert{Subject: fmt.Sprintf("[pipewright] recovered: %d listing problem(s) cleared", len(keys)),
		Text: fmt.Sprintf("Cleared (no issues, buyable): %s.%s", strings.Join(keys, ", "), link)}
}
