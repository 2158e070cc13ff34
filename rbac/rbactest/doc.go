// Package rbactest is the conformance suite for rbac.Store implementations
// and test helpers for code that builds on package rbac. Not for production.
//
// Every store runs the same suite:
//
//	func TestConformance(t *testing.T) {
//		rbactest.TestStore(t, func(t *testing.T) rbac.Store { return newEmptyStore(t) })
//	}
//
// The suite checks the data contract of rbac.Store (every ReadTx and Tx
// method, ordering, indexes kept in step), atomicity (a failing or
// panicking Update leaves no trace), serialisation (concurrent Updates), the
// audit chain's shape, and then runs the delegation rules of rbac.Service
// on top of the store, so a store that stores faithfully also enforces them
// faithfully.
package rbactest
