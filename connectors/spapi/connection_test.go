package spapi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/internal/demo"
	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestConnection_simulator_mode_uses_the_demo_seller(t *testing.T) {
	e := newEnv(t, componenttest.NewManualClock(epoch), "", "")
	assert.NoError(t, e.conn.Check(context.Background()))
	assert.Equal(t, demo.SellerID, e.conn.SellerID())
	assert.Len(t, e.conn.Marketplaces(), len(demo.Marketplaces))
}

func TestConnection_Check_reports_rejected_credentials_without_them(t *testing.T) {
	e := newEnv(t, componenttest.NewManualClock(epoch), "", "")
	conn := startConnection(t, componenttest.NewManualClock(epoch), `
endpoint: `+e.sim.URL()+`
lwa_endpoint: `+e.sim.URL()+`/auth/o2/token
credentials: {client_id: wrong-id, client_secret: very-secret, refresh_token: Atzr|also-secret}
seller_id: A1SELLER
marketplaces: [ATVPDKIKX0DER]`)
	err := conn.Check(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "HTTP 400")
	assert.NotContains(t, err.Error(), "very-secret")
	assert.NotContains(t, err.Error(), "also-secret")
}

func TestConnection_Shutdown_without_Start_is_safe(t *testing.T) {
	f := spapi.NewConnectionFactory()
	cfg := componenttest.DecodeConfig(t, f, "simulator: {enabled: true}")
	c, err := f.CreateConnection(context.Background(), componenttest.NewSettings(t, "connection/x"), cfg)
	require.NoError(t, err)
	assert.NoError(t, c.Shutdown(context.Background()))
	assert.Error(t, c.(*spapi.Connection).Check(context.Background()), "not started")
}
