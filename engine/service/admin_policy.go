package service

import (
	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/config"
	"github.com/pipewright/pipewright/engine/internal/dlq"
)

// dlqPolicy is a pipeline's dead-letter policy with its personal data
// paths parsed: the source connector's, the project's and the pipeline's.
type dlqPolicy struct {
	cfg   config.DeadLetterPolicy
	paths dlq.Paths
}

// defaultPolicy applies to records of pipelines the directory no longer
// defines.
const defaultPolicy = ""

func newPolicies(p *config.Project) map[string]*dlqPolicy {
	ps := map[string]*dlqPolicy{defaultPolicy: newPolicy(p.Defaults.DeadLetters, nil)}
	for _, pl := range p.Pipelines {
		var declared []string
		if pl.Source != nil {
			if d, ok := pl.Source.Config.(component.PersonalDataDeclarer); ok {
				declared = d.PersonalData()
			}
		}
		ps[pl.Name] = newPolicy(pl.DeadLetters, declared)
	}
	return ps
}

func newPolicy(cfg config.DeadLetterPolicy, declared []string) *dlqPolicy {
	// The schema admits only JSON pointers, and connectors declare valid
	// ones, so parsing cannot fail.
	paths, _ := dlq.ParsePaths(append(declared, cfg.PersonalData...))
	return &dlqPolicy{cfg: cfg, paths: paths}
}

func (a *Admin) policy(pipeline string) *dlqPolicy {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.policies[pipeline]; ok {
		return p
	}
	return a.policies[defaultPolicy]
}

// follow makes the admin use a reloaded directory: its pipelines and
// dead-letter policies.
func (a *Admin) follow(p *config.Project) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.project, a.policies = p, newPolicies(p)
}

// defines reports whether the directory the admin follows has pipeline.
func (a *Admin) defines(pipeline string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.project.Pipeline(pipeline)
	return ok
}
