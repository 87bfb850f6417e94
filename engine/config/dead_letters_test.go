package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoad_dead_letter_policy_combines_project_and_pipeline(t *testing.T) {
	p, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
defaults:
  dead_letters:
    retention: { personal_data: 168h }
    personal_data: [/email]
    mask_personal_data: true
-- client/a.yaml --
pipeline: a
source: { test.lines: { path: a.jsonl } }
sink: { test.nop: }
-- client/b.yaml --
pipeline: b
source: { test.lines: { path: b.jsonl } }
sink: { test.nop: }
dead_letters:
  key: msg.order + "/" + string(msg.pkg)
  version: timestamp(msg.updated)
  personal_data: [/address, /lines/*/giftMessage]
  mask_personal_data: false
  auto_resolve: false
  replay_rate: 2
`, nil)
	require.NoError(t, err)
	a, b := p.Pipelines[0].DeadLetters, p.Pipelines[1].DeadLetters
	assert.Nil(t, a.Key, "the source's key by default")
	assert.True(t, a.AutoResolve)
	assert.True(t, a.MaskPersonalData, "the project's")
	assert.Equal(t, 30*24*time.Hour, a.Retention.Resolved.D(), "the default")
	assert.Equal(t, 168*time.Hour, a.Retention.PersonalData.D(), "the project's")
	assert.Equal(t, 10.0, a.ReplayRate)
	assert.Equal(t, []string{"/email"}, a.PersonalData)

	assert.NotNil(t, b.Key)
	assert.NotNil(t, b.Version)
	assert.False(t, b.AutoResolve)
	assert.False(t, b.MaskPersonalData, "the pipeline's own false")
	assert.Equal(t, 2.0, b.ReplayRate)
	assert.Equal(t, []string{"/email", "/address", "/lines/*/giftMessage"}, b.PersonalData, "paths add up")
}

func TestLoad_dead_letter_policy_problems_have_positions(t *testing.T) {
	_, err := loadTxtar(t, `
-- client/pipewright.yaml --
project: shop
defaults:
  dead_letters: { key: msg.id }
-- client/a.yaml --
pipeline: a
source: { test.lines: { path: a.jsonl } }
sink: { test.nop: }
dead_letters:
  key: msg.order +
-- client/b.yaml --
pipeline: b
source: { test.lines: { path: b.jsonl } }
sink: { test.nop: }
dead_letters:
  personal_data: [/address, email]
`, nil)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 3, err.Error())
	assert.True(t, strings.HasPrefix(lines[0], "client/a.yaml:5:"), lines[0])
	assert.Equal(t, `client/b.yaml:5:29: "email" does not match pattern '^/.+'`, lines[1])
	assert.Equal(t, `client/pipewright.yaml:3:19: unknown key "key" (known keys: auto_resolve, mask_personal_data, personal_data, replay_rate, retention)`, lines[2])
}
