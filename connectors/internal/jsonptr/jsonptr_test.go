package jsonptr_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/connectors/internal/jsonptr"
)

func TestPointer_Resolve_follows_RFC_6901(t *testing.T) {
	doc := map[string]any{"a/b": map[string]any{"m~n": int64(1)}, "list": []any{"x", map[string]any{"k": "v"}}}
	tests := []struct {
		ptr  string
		want any
	}{
		{"", doc},
		{"/a~1b/m~0n", int64(1)},
		{"/list/1/k", "v"},
		{"/list/0", "x"},
		{"/list/2", nil},
		{"/list/01", nil},
		{"/list/-1", nil},
		{"/list/x", nil},
		{"/missing/deeper", nil},
		{"/list/0/below-a-string", nil},
	}
	for _, tt := range tests {
		t.Run(tt.ptr, func(t *testing.T) {
			assert.Equal(t, tt.want, jsonptr.Parse(tt.ptr).Resolve(doc))
		})
	}
}
