package simulator_test

import (
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
	"github.com/pipewright/pipewright/connectors/spapi/simulator"
)

// contractRecorder checks each SP-API response a test receives against the
// official model of its operation (models.Operation.ValidateResponse) and
// records, per operation, whether a success and an error were seen.
type contractRecorder struct {
	ops     []*models.Operation
	mu      sync.Mutex
	covered map[string]map[string]bool // operation name -> "success"/"error"
}

func newContractRecorder(srv *simulator.Server) *contractRecorder {
	c := &contractRecorder{covered: map[string]map[string]bool{}}
	for _, name := range srv.Operations() {
		op, err := models.LookupOperation(name)
		if err != nil {
			panic(err)
		}
		c.ops = append(c.ops, op)
	}
	return c
}

func (c *contractRecorder) check(t testing.TB, method, path string, r reply) {
	t.Helper()
	op := c.match(method, path)
	if op == nil {
		return
	}
	require.NoError(t, op.ValidateResponse(r.status, r.body), "%s %s answered %d: %s", method, path, r.status, r.body)
	kind := "error"
	if r.status < 300 {
		kind = "success"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.covered[op.Name] == nil {
		c.covered[op.Name] = map[string]bool{}
	}
	c.covered[op.Name][kind] = true
}

// match finds the served operation of a request path.
func (c *contractRecorder) match(method, path string) *models.Operation {
	u, err := url.Parse(path)
	if err != nil {
		return nil
	}
	segs := strings.Split(u.EscapedPath(), "/")
	for _, op := range c.ops {
		tmpl := strings.Split(op.Path, "/")
		if op.Method != method || len(tmpl) != len(segs) {
			continue
		}
		matched := true
		for i := range tmpl {
			if tmpl[i] != segs[i] && !strings.HasPrefix(tmpl[i], "{") {
				matched = false
				break
			}
		}
		if matched {
			return op
		}
	}
	return nil
}
