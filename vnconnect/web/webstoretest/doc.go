// Package webstoretest is a conformance suite for implementations of
// web.SessionStore and web.PendingStore. A store's own tests call it:
//
//	func TestConformance(t *testing.T) {
//		webstoretest.TestSessionStore(t, func(t *testing.T) web.SessionStore { return newStore(t) })
//		webstoretest.TestPendingStore(t, func(t *testing.T) web.PendingStore { return newStore(t) })
//	}
//
// The suite measures expiry on the wall clock (a shared store such as Redis
// keeps its own time), so a store under test must use time.Now; each expiry
// test waits a few hundred milliseconds. Keys and session IDs are random per
// run, so the suite may run against a store shared with other tests; it does
// not clear the store. newStore is called once per subtest.
//
// Not for production: it exists to test stores.
package webstoretest
