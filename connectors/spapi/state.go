package spapi

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/pipewright/pipewright/engine/component"
)

// Components keep their durable progress in their State as JSON values
// (the orders source's pending fetches, the feed sink's buffer and feeds).

// putJSON stores v as JSON at key.
func putJSON(ctx context.Context, st component.State, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := st.Put(ctx, key, data); err != nil {
		return fmt.Errorf("saving %s: %w", key, err)
	}
	return nil
}

// loadAll reads every value under prefix, sorted by key, into fresh T
// values passed to add.
func loadAll[T any](ctx context.Context, st component.State, prefix string, add func(key string, v *T)) error {
	keys, err := st.Keys(ctx, prefix)
	if err != nil {
		return err
	}
	sort.Strings(keys)
	for _, k := range keys {
		data, err := st.Get(ctx, k)
		if err != nil {
			continue // deleted meanwhile
		}
		v := new(T)
		if err := json.Unmarshal(data, v); err != nil {
			return fmt.Errorf("reading %s: %w", k, err)
		}
		add(k, v)
	}
	return nil
}
