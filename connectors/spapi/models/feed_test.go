package models_test

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipewright/pipewright/connectors/spapi/models"
)

func TestValidateListingsFeed(t *testing.T) {
	example, err := fs.ReadFile(models.FS(), "feeds/listings-feed-schema-v2.example.json")
	require.NoError(t, err)
	assert.NoError(t, models.ValidateListingsFeed(example))

	tests := []struct{ name, doc, want string }{
		{"wrong version", `{"header":{"sellerId":"S","version":"1.0"},"messages":[]}`, "/header/version"},
		{"message without sku", `{"header":{"sellerId":"S","version":"2.0"},"messages":[{"messageId":1,"operationType":"DELETE"}]}`, "/messages/0"},
		{"zero message id", `{"header":{"sellerId":"S","version":"2.0"},"messages":[{"messageId":0,"sku":"A","operationType":"DELETE"}]}`, "/messages/0/messageId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := models.ValidateListingsFeed([]byte(tt.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestValidateListingsFeedReport(t *testing.T) {
	example, err := fs.ReadFile(models.FS(), "feeds/listings-feed-processing-report-schema-v2.example.json")
	require.NoError(t, err)
	assert.NoError(t, models.ValidateListingsFeedReport(example))
	assert.ErrorContains(t, models.ValidateListingsFeedReport([]byte(`{"header":{}}`)), "does not match")
}

func TestValidateListingsFeedMessage(t *testing.T) {
	ok := `{"messageId":1,"sku":"SKU-1","operationType":"PATCH","productType":"PRODUCT","patches":[{"op":"replace","path":"/attributes/fulfillment_availability","value":[{"fulfillment_channel_code":"DEFAULT","quantity":3}]}]}`
	assert.NoError(t, models.ValidateListingsFeedMessage([]byte(ok)))
	bad := `{"messageId":1,"sku":"SKU-1","operationType":"PATCH","productType":"PRODUCT","patches":[{"op":"frobnicate","path":"/attributes/x"}]}`
	assert.ErrorContains(t, models.ValidateListingsFeedMessage([]byte(bad)), "/patches/0")
}
