// Package platform is the demo's shared back end: the seeded population
// (fake people, units, agencies with test certificates, legacy accounts),
// the database that holds rbac's tables beside the apps' data (SQLite by
// default, PostgreSQL with -postgres), and the rpkit services built on it
// (rbac, migrate, pki). The apps' screens do not import it: each screen
// package takes the few services it needs, and examples/portal wires them.
//
//	pop, err := platform.NewPopulation() // deterministic fakes + a test PKI
//	defer pop.Close()
//	// serve a dev Vnconnect with pop.Accounts, then:
//	p, err := platform.Open(ctx, platform.Config{}, pop, directory)
//	defer p.Close()
//
// Open runs every schema (rbac/sqlstore's, migrate's journal and legacy
// accounts, the apps' own through Config.AppSchema), registers the quantri,
// PAKN and CSDL subsystems, and seeds a fresh database once: the unit tree
// (units are identified by their QCVN 102 agency codes), the members and
// their memberships, the registered agencies' super admins (requested with
// their certificates' credentials and approved by the operator through
// rbac), the legacy PAKN accounts, then Config.AppSeed. Rights and app data
// share one database, so a conversion runs in one transaction
// (migrate.TxShared).
//
// Every person is generated: names are common Vietnamese names put together
// by a seeded generator, identifiers are computed to pass vnid's checks,
// e-mail addresses are at example.com.
package platform
