package simulator

// Holding a fulfillment order's lifecycle, for tests: a test that acts
// while an order is in a given status (cancels it while Amazon still
// plans it, or once Amazon is picking it) holds the order there instead
// of racing the simulated clock. A hold is a test hook, like the faults:
// it is not saved with the world.

// fulfillmentHold keeps a fulfillment order in a status.
type fulfillmentHold struct {
	status string
	// due is set when the order's next move came due while it was held.
	due bool
}

// HoldFulfillment stops the lifecycle of fulfillment order id (its
// sellerFulfillmentOrderId; it need not exist yet) once the order reaches
// status (Received, Planning or Processing): Amazon does not move it on
// until ReleaseFulfillment. Calls to the API still change it: a held
// Received order can be cancelled. A second hold replaces the first.
func (s *Server) HoldFulfillment(id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.advance()
	s.holds[id] = &fulfillmentHold{status: status}
}

// ReleaseFulfillment ends the hold on fulfillment order id: if a move came
// due while it was held, the order moves on now, and its later moves
// follow from now.
func (s *Server) ReleaseFulfillment(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.advance()
	h := s.holds[id]
	delete(s.holds, id)
	if h != nil && h.due {
		s.schedule(&event{at: now, kind: evFulfillment, ref: id})
	}
}

// heldFulfillment reports whether f is held in its status, noting that a
// move came due. The caller holds s.mu.
func (s *Server) heldFulfillment(f *FulfillmentOrder) bool {
	h := s.holds[f.ID]
	if h == nil || h.status != f.Status {
		return false
	}
	h.due = true
	return true
}
