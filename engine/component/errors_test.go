package component_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/pipewright/pipewright/engine/component"
)

func TestBatchError_names_the_first_failed_message(t *testing.T) {
	err := &component.BatchError{Errors: map[int]error{
		7: errors.New("seven"), 2: errors.New("two"), 4: errors.New("four"), 9: errors.New("nine"),
	}}
	for range 20 { // map order varies from call to call
		assert.Equal(t, "4 of the batch failed, message 2: two", err.Error())
	}
	assert.Equal(t, "two", component.ErrFor(err, 2).Error())
	assert.NoError(t, component.ErrFor(err, 3), "a message without an entry is done")
}
