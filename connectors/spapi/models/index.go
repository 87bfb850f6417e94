package models

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

// Operation names. Configuration names an operation by its operationId when
// that is unique across every embedded model ("searchOrders",
// "confirmShipment", "createFeed"). Every operation also has a qualified name
// "<api>/<version>/<operationId>" ("orders/2026-01-01/getOrder",
// "orders/v0/getOrder"), which is always accepted. An operationId that
// several models define (getOrder is in Orders v0 and v2026-01-01) has no
// short name: it must be qualified, and the bare name is an error listing the
// choices. The api is the model's family as the rate-limit table writes it
// (orders, feeds, reports, listings-items, fba-inventory, notifications,
// tokens, product-pricing) and the version is the model's info.version.

type index struct {
	ops     []*Operation
	byName  map[string]*Operation
	byID    map[string][]*Operation
	initErr error
}

var loadIndex = sync.OnceValue(func() *index {
	ix := &index{byName: map[string]*Operation{}, byID: map[string][]*Operation{}}
	names, err := fs.Glob(files, "api/*.json")
	if err != nil {
		ix.initErr = err
		return ix
	}
	for _, f := range names {
		m, err := loadModel(files, f)
		if err != nil {
			ix.initErr = err
			return ix
		}
		for _, op := range m.ops {
			ix.ops = append(ix.ops, op)
			ix.byID[op.ID] = append(ix.byID[op.ID], op)
		}
	}
	for _, op := range ix.ops {
		op.Name = op.ID
		if len(ix.byID[op.ID]) > 1 {
			op.Name = op.QualifiedName()
		}
		ix.byName[op.QualifiedName()] = op
		ix.byName[op.Name] = op
	}
	sort.Slice(ix.ops, func(i, j int) bool { return ix.ops[i].Name < ix.ops[j].Name })
	return ix
})

// mustIndex returns the operation index. It panics if the embedded models
// do not parse (a build defect that the package's tests catch).
func mustIndex() *index {
	ix := loadIndex()
	if ix.initErr != nil {
		panic(fmt.Sprintf("spapi models: %v", ix.initErr))
	}
	return ix
}

// Operations returns every operation of the embedded models, sorted by name.
// It panics if the embedded models do not parse (a build defect that the
// package's tests catch).
func Operations() []*Operation { return mustIndex().ops }

// LookupOperation finds an operation by its name or qualified name (see the
// naming rule above). The error for an unknown name suggests close ones; for
// an ambiguous operationId it lists the qualified choices.
func LookupOperation(name string) (*Operation, error) {
	ix := mustIndex()
	if op, ok := ix.byName[name]; ok {
		return op, nil
	}
	if same := ix.byID[name]; len(same) > 1 {
		choices := make([]string, len(same))
		for i, op := range same {
			choices[i] = op.QualifiedName()
		}
		sort.Strings(choices)
		return nil, fmt.Errorf("operation %q is defined by several APIs: use one of %s", name, strings.Join(choices, ", "))
	}
	names := make([]string, 0, len(ix.byName))
	for n := range ix.byName {
		names = append(names, n)
	}
	return nil, fmt.Errorf("unknown SP-API operation %q%s", name, suggest(name, names))
}

// MustLookupOperation is LookupOperation for names fixed in code; it panics
// when the name is not an operation.
func MustLookupOperation(name string) *Operation {
	op, err := LookupOperation(name)
	if err != nil {
		panic(err)
	}
	return op
}
