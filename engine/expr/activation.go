package expr

import (
	"strings"
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
)

// Data is what one message's expressions see.
type Data struct {
	// Msg is the message body.
	Msg any
	// Meta is the message metadata.
	Meta map[string]string
	// Vars holds lookup results; each is also a top-level variable of the
	// same name.
	Vars map[string]any
	// Tables holds the directory's lookup tables.
	Tables Tables
	// Env holds the project's env values.
	Env map[string]string
	// Now is the engine clock's time.
	Now time.Time
}

// Activation binds the variables of one message. Build it once per message
// and evaluate every expression of the message against it; it is read-only
// and safe for concurrent evaluations.
type Activation struct {
	d      Data
	tables ref.Val
}

// NewActivation returns the activation for d. It keeps d's maps and values
// and converts them lazily, as expressions read them (now too: most
// messages' expressions never read it).
func NewActivation(d Data) *Activation {
	return &Activation{d: d, tables: tablesVal{d.Tables}}
}

// ResolveName implements interpreter.Activation.
func (a *Activation) ResolveName(name string) (any, bool) {
	switch name {
	case "msg":
		return a.d.Msg, true
	case "meta":
		return a.d.Meta, true
	case "vars":
		return a.d.Vars, true
	case "tables":
		return a.tables, true
	case "env":
		return a.d.Env, true
	case "now":
		return types.Timestamp{Time: a.d.Now}, true
	}
	if t, ok := strings.CutPrefix(name, "tables."); ok {
		if table, found := a.d.Tables[t]; found {
			return tableVal{table}, true
		}
	}
	v, ok := a.d.Vars[name]
	return v, ok
}

// Parent implements interpreter.Activation.
func (a *Activation) Parent() interpreter.Activation { return nil }
