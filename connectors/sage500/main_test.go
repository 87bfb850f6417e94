package sage500_test

import (
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind (a query source
// still polling, a pool left open) and removes the shared demo database.
func TestMain(m *testing.M) {
	code := m.Run()
	if demoFile != "" {
		_ = os.RemoveAll(filepath.Dir(demoFile))
	}
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}
