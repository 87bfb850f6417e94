package sage500

// InventoryAdjustmentConfig is the options of a sage500.inventory_adjustment
// sink.
//
// Sets an item's on-hand quantity in a warehouse to a quantity counted
// elsewhere (e.g. Amazon's FBA inventory for the warehouse standing for
// Amazon's fulfilment centres): the difference to what Sage holds is added
// to (or taken from) the warehouse's default bin, read and written under a
// lock in one transaction. A document delivered again finds no difference
// and writes nothing. No options: the document names the warehouse, the
// item and the quantity.
type InventoryAdjustmentConfig struct{}

// NewInventoryAdjustmentConfig returns the (empty) config.
func NewInventoryAdjustmentConfig() *InventoryAdjustmentConfig { return &InventoryAdjustmentConfig{} }

// Validate has nothing to check: there are no options.
func (c *InventoryAdjustmentConfig) Validate() error { return nil }

// ValidateConnection checks that the connection is a sage500 connection.
func (c *InventoryAdjustmentConfig) ValidateConnection(connCfg any) error {
	_, err := asConnectionConfig(connCfg)
	return err
}
