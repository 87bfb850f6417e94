package config

import (
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipewright/pipewright/engine/component"
	"github.com/pipewright/pipewright/engine/expr"
)

// DeadLetterPolicy says how a pipeline's dead letters are kept (see the
// pipeline schema and docs/dead-letters.md).
type DeadLetterPolicy struct {
	// Key is the business key of a source message (CEL over msg and meta);
	// nil: the source's own key (meta "pw-key"). Only pipelines set it.
	Key *expr.Program `yaml:"-"`
	// Version is the version of a source message (CEL); nil: none, and any
	// later delivery of the key counts as newer. Only pipelines set it.
	Version *expr.Program `yaml:"-"`
	// AutoResolve resolves open records when the pipeline delivers a
	// message with the same key and a version at least as new.
	AutoResolve bool `yaml:"auto_resolve"`
	// PersonalData are JSON pointer patterns of personal data in the
	// bodies of records ("*" stands for any member or element); they add to
	// those the source's connector declares and to the project's defaults.
	PersonalData []string            `yaml:"personal_data"`
	Retention    DeadLetterRetention `yaml:"retention"`
	// MaskPersonalData masks personal data in API and CLI output.
	MaskPersonalData bool `yaml:"mask_personal_data"`
	// ReplayRate is how many records per second a bulk replay sends.
	ReplayRate float64 `yaml:"replay_rate"`

	autoResolveSet, maskSet bool
}

// DeadLetterRetention says how long dead letters keep what.
type DeadLetterRetention struct {
	// Resolved is how long a resolved record is kept before it is removed.
	Resolved component.Duration `yaml:"resolved"`
	// PersonalData is how long after its failure a record keeps personal
	// data.
	PersonalData component.Duration `yaml:"personal_data"`
}

// DefaultDeadLetterPolicy is the policy of a project and pipeline that set
// nothing: resolved records and personal data are kept 30 days.
var DefaultDeadLetterPolicy = DeadLetterPolicy{
	AutoResolve: true,
	Retention: DeadLetterRetention{
		Resolved:     component.Duration(30 * 24 * time.Hour),
		PersonalData: component.Duration(30 * 24 * time.Hour),
	},
	ReplayRate: 10,
}

// UnmarshalYAML decodes the policy and notes which booleans were given.
func (p *DeadLetterPolicy) UnmarshalYAML(n *yaml.Node) error {
	type plain DeadLetterPolicy
	if err := n.Decode((*plain)(p)); err != nil {
		return err
	}
	p.autoResolveSet = mappingValue(n, "auto_resolve") != nil
	p.maskSet = mappingValue(n, "mask_personal_data") != nil
	return nil
}

// withDefaults fills what p leaves out from d; personal data paths add up.
func (p DeadLetterPolicy) withDefaults(d DeadLetterPolicy) DeadLetterPolicy {
	if !p.autoResolveSet {
		p.AutoResolve, p.autoResolveSet = d.AutoResolve, d.autoResolveSet
	}
	if !p.maskSet {
		p.MaskPersonalData, p.maskSet = d.MaskPersonalData, d.maskSet
	}
	p.PersonalData = append(append([]string(nil), d.PersonalData...), p.PersonalData...)
	if p.Retention.Resolved == 0 {
		p.Retention.Resolved = d.Retention.Resolved
	}
	if p.Retention.PersonalData == 0 {
		p.Retention.PersonalData = d.Retention.PersonalData
	}
	if p.ReplayRate == 0 {
		p.ReplayRate = d.ReplayRate
	}
	return p
}

// decodeDeadLetters reads a pipeline's dead_letters: options, then compiles
// its key and version over the source message.
func (l *loader) decodeDeadLetters(f *yamlFile, pl *Pipeline) {
	var p DeadLetterPolicy
	l.decodeKey(f, "dead_letters", &p)
	pl.DeadLetters = p.withDefaults(l.project.Defaults.DeadLetters)
	n := mappingValue(f.root, "dead_letters")
	if n == nil || f.isBad("/dead_letters") {
		return
	}
	env := l.compiler.env(nil)
	pl.DeadLetters.Key = l.compiler.expr(f, mappingValue(n, "key"), env)
	pl.DeadLetters.Version = l.compiler.expr(f, mappingValue(n, "version"), env)
}
