package transport_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/engine/componenttest"
	"github.com/pipewright/pipewright/engine/internal/transport"
	"github.com/pipewright/pipewright/engine/natstest"
)

var pipelines = []string{"orders", "shipments"}

// provision runs what an engine runs at start, on its own connection.
func provision(t *testing.T, nc *nats.Conn, project string, lim transport.Limits) (transport.Project, error) {
	t.Helper()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), componenttest.WaitLimit)
	defer cancel()
	return transport.Provision(ctx, nc, js, transport.Names{Project: project}, pipelines, lim)
}

// provisionWhile starts provisioning project, then calls do (starting
// the cluster's nodes), and returns once provisioning has ended.
func provisionWhile(t *testing.T, nc *nats.Conn, project string, do func()) (transport.Project, error) {
	t.Helper()
	var prov transport.Project
	var err error
	done := make(chan struct{})
	go func() {
		defer close(done)
		prov, err = provision(t, nc, project, transport.Limits{})
	}()
	do()
	componenttest.Recv(t, "the provisioning", done)
	return prov, err
}

// provisionTogether starts n provisionings of project at the same moment,
// each on its own connection, and returns their results.
func provisionTogether(t *testing.T, c *natstest.Cluster, project string, n int) ([]transport.Project, []error) {
	t.Helper()
	conns := make([]*nats.Conn, n)
	for i := range conns {
		conns[i] = c.Connect()
	}
	projects, errs := make([]transport.Project, n), make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			projects[i], errs[i] = provision(t, conns[i], project, transport.Limits{})
		})
	}
	close(start)
	componenttest.Wait(t, "the provisionings", &wg)
	return projects, errs
}

// replicasOf returns the replicas of every stream of a project.
func replicasOf(t *testing.T, nc *nats.Conn, project string) map[string]int {
	t.Helper()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	n := transport.Names{Project: project}
	got := map[string]int{}
	for _, name := range []string{n.Stream("orders"), n.Stream("shipments"), n.DLQStream(),
		"KV_" + n.StateBucket(), "KV_" + n.ReplayBucket(), "KV_" + n.SharedBucket()} {
		st, err := js.Stream(context.Background(), name)
		require.NoError(t, err, name)
		got[name] = st.CachedInfo().Config.Replicas
	}
	return got
}

func allEqual(m map[string]int, want int) map[string]int {
	w := map[string]int{}
	for k := range m {
		w[k] = want
	}
	return w
}

func TestProvision_engines_started_together_on_a_cluster_all_come_up(t *testing.T) {
	// Ten tries in a row for two and for three engines, each on fresh
	// names, two and three engines side by side on clusters of their own;
	// -short makes it two tries, the race detector (make test) three: new
	// replicated streams take long to elect a leader on a busy machine.
	tries := 10
	switch {
	case testing.Short():
		tries = 2
	case raceEnabled:
		tries = 3
	}
	for _, engines := range []int{2, 3} {
		t.Run(fmt.Sprintf("%d engines", engines), func(t *testing.T) {
			t.Parallel()
			c := natstest.StartCluster(t, 3)
			nc := c.Connect()
			for try := range tries {
				project := fmt.Sprintf("together-%d", try)
				projects, errs := provisionTogether(t, c, project, engines)
				for i, err := range errs {
					require.NoError(t, err, "engine %d, try %d", i+1, try+1)
					assert.Equal(t, 3, projects[i].Replicas)
				}
				got := replicasOf(t, nc, project)
				assert.Equal(t, allEqual(got, 3), got, "try %d", try+1)
			}
		})
	}
}

func TestProvision_started_while_the_cluster_forms_succeeds_once_it_has_formed(t *testing.T) {
	c := natstest.NewCluster(t, 3)
	nc := c.Connect() // retries until a node is up
	prov, err := provisionWhile(t, nc, "forming", c.StartAll)
	require.NoError(t, err)
	// The count depends on how many nodes had joined when the first engine
	// probed; every object has it.
	assert.GreaterOrEqual(t, prov.Replicas, 2)
	got := replicasOf(t, nc, "forming")
	assert.Equal(t, allEqual(got, prov.Replicas), got)
}

func TestProvision_comes_up_after_a_cluster_restart(t *testing.T) {
	c := natstest.StartCluster(t, 3)
	nc := c.Connect()
	_, err := provision(t, nc, "restart", transport.Limits{})
	require.NoError(t, err)
	c.StopAll()
	prov, err := provisionWhile(t, nc, "restart", c.StartAll)
	require.NoError(t, err)
	assert.Equal(t, 3, prov.Replicas, "the existing buckets' replicas are kept")
}

func TestProvision_replicas(t *testing.T) {
	cluster := natstest.StartCluster(t, 3)
	single := natstest.StartServer(t)
	tests := []struct {
		name       string
		c          *natstest.Cluster
		configured int
		want       int
		wantErr    string
	}{
		{"default on a 3-node cluster", cluster, 0, 3, ""},
		{"default on a single server", single, 0, 1, ""},
		{"1 on a 3-node cluster", cluster, 1, 1, ""},
		{"3 on a 3-node cluster", cluster, 3, 3, ""},
		{"5 on a 3-node cluster", cluster, 5, 0, `transport.replicas is 5, but the NATS cluster "pw-test" can place at most 3`},
		{"3 on a single server", single, 3, 0, `transport.replicas is 3, but NATS server "n1" is not part of a cluster`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nc := tt.c.Connect()
			project := fmt.Sprintf("replicas-%d", i)
			prov, err := provision(t, nc, project, transport.Limits{Replicas: tt.configured})
			if tt.wantErr != "" {
				require.ErrorIs(t, err, transport.ErrReplicas)
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, prov.Replicas)
			got := replicasOf(t, nc, project)
			assert.Equal(t, allEqual(got, tt.want), got)
		})
	}
}

func TestProvision_an_unset_count_keeps_the_replicas_of_the_existing_project(t *testing.T) {
	c := natstest.StartCluster(t, 3)
	nc := c.Connect()
	_, err := provision(t, nc, "kept", transport.Limits{Replicas: 1})
	require.NoError(t, err)
	prov, err := provision(t, nc, "kept", transport.Limits{})
	require.NoError(t, err)
	assert.Equal(t, 1, prov.Replicas)
}

func TestProvision_embedded_server_holds_one_replica(t *testing.T) {
	conn, err := transport.Connect(context.Background(), transport.Config{StoreDir: t.TempDir(), Name: "test"})
	require.NoError(t, err)
	t.Cleanup(conn.Close)
	prov, err := provision(t, conn.NC, "embedded", transport.Limits{})
	require.NoError(t, err)
	assert.Equal(t, 1, prov.Replicas)
}
