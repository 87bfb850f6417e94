package spapi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi"
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/componenttest"
)

func TestConnection_Check_reports_rejected_credentials_without_them(t *testing.T) {
	e := newEnv(t, componenttest.NewManualClock(epoch), "", "")
	conn := startConnection(t, componenttest.NewManualClock(epoch), `
endpoint: `+e.sim.URL()+`
lwa_endpoint: `+e.sim.URL()+`/auth/o2/token
credentials: {client_id: wrong-id, client_secret: very-secret, refresh_token: Atzr|also-secret}
seller_id: A1SELLER
marketplaces: [ATVPDKIKX0DER]`)
	err := conn.Check(componenttest.Context(t))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "HTTP 400")
	assert.NotContains(t, err.Error(), "very-secret")
	assert.NotContains(t, err.Error(), "also-secret")
}

func TestConnection_Shutdown_without_Start_is_safe(t *testing.T) {
	f := spapi.NewConnectionFactory()
	cfg := componenttest.DecodeConfig(t, f, minimalConnection)
	c, err := f.CreateConnection(context.Background(), componenttest.NewSettings(t, "connection/x"), cfg)
	require.NoError(t, err)
	assert.NoError(t, c.Shutdown(context.Background()))
	assert.Error(t, c.(*spapi.Connection).Check(componenttest.Context(t)), "not started")
}

// Every source and sink that calls SP-API (all but spapi.notifications,
// whose connection is optional and only gives SQS access) refuses a connection that was
// not started (it has no client yet) instead of failing at its first call.
func TestFactories_refuse_a_connection_not_started(t *testing.T) {
	cf := spapi.NewConnectionFactory()
	conn, err := cf.CreateConnection(context.Background(), componenttest.NewSettings(t, "connection/x"), componenttest.DecodeConfig(t, cf, minimalConnection))
	require.NoError(t, err)
	create := map[component.Type]func(set component.Settings) error{}
	for _, f := range spapi.Factories() {
		switch f := f.(type) {
		case component.SourceFactory:
			if _, optional := f.(component.ConnectionOptional); f.ConnectionType() == spapi.ConnectionType && !optional {
				create[f.Type()] = func(set component.Settings) error {
					_, err := f.CreateSource(context.Background(), component.SourceSettings{Settings: set}, f.NewConfig())
					return err
				}
			}
		case component.SinkFactory:
			if f.ConnectionType() == spapi.ConnectionType {
				create[f.Type()] = func(set component.Settings) error {
					_, err := f.CreateSink(context.Background(), component.SinkSettings{Settings: set}, f.NewConfig())
					return err
				}
			}
		}
	}
	require.Len(t, create, 5, "orders, settlements, refunds, call and feed")
	for typ, fn := range create {
		t.Run(string(typ), func(t *testing.T) {
			set := componenttest.NewSettings(t, "test/"+string(typ))
			set.Connection = conn
			assert.ErrorContains(t, fn(set), "needs a started spapi connection")
		})
	}
}
