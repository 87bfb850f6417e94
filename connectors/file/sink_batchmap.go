package file

import "github.com/pipewright/pipewright/engine/component"

// batchMap maps positions in the written sub-batch back to the caller's
// batch, and holds failures found before writing.
type batchMap struct {
	index  []int    // sub-batch position -> batch position
	keys   []string // sub-batch position -> key
	errors map[int]error
}

func (m *batchMap) failed(i int, err error) {
	if m.errors == nil {
		m.errors = map[int]error{}
	}
	m.errors[i] = err
}

// merge combines the sub-batch's write result with the earlier failures
// into one result for the caller's batch.
func (m *batchMap) merge(written error) error {
	if written != nil {
		be, ok := written.(*component.BatchError)
		if !ok {
			return written // applies to every message
		}
		for j, err := range be.Errors {
			m.failed(m.index[j], err)
		}
	}
	if len(m.errors) == 0 {
		return nil
	}
	return &component.BatchError{Errors: m.errors}
}

// forgetFailed removes from keys the keys of sub-batch messages the write
// did not complete, so their redelivery is written.
func (m *batchMap) forgetFailed(keys map[string]bool, written error) {
	if written == nil {
		return
	}
	be, ok := written.(*component.BatchError)
	for j, k := range m.keys {
		if !ok || be.Errors[j] != nil {
			delete(keys, k)
		}
	}
}
