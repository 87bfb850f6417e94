package service

import (
	"strings"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/internal/transport"
)

func TestPackSize_splits_a_batch_within_its_bounds(t *testing.T) {
	rec := func(size int) *message.Message { return message.NewMessage("id", []byte(strings.Repeat("x", size))) }
	small := transport.PackedSize(rec(10))
	tests := []struct {
		name  string
		size  packSize
		sizes []int
		want  []int // records per pack
	}{
		{"one record is a pack of one", packSize{records: 4, bytes: 1 << 20}, []int{10}, []int{1}},
		{"at most records a pack", packSize{records: 4, bytes: 1 << 20}, []int{10, 10, 10, 10, 10, 10, 10, 10, 10}, []int{4, 4, 1}},
		{"at most bytes a pack", packSize{records: 100, bytes: 3 * small}, []int{10, 10, 10, 10, 10}, []int{3, 2}},
		{"a record larger than bytes goes alone", packSize{records: 100, bytes: 3 * small}, []int{10, 5000, 10, 10}, []int{1, 1, 2}},
		{"records: 1 is no packing", packSize{records: 1, bytes: 1 << 20}, []int{10, 10, 10}, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var records []*message.Message
			for _, n := range tt.sizes {
				records = append(records, rec(n))
			}
			var got []int
			total := 0
			for _, p := range tt.size.split(records) {
				got = append(got, len(p))
				for _, r := range p {
					assert.Same(t, records[total], r, "in order")
					total++
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}
