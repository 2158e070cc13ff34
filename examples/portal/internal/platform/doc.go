// Package platform is the demo's shared back end: the seeded population
// (fake people, units, agencies with test certificates, legacy accounts),
// the database that holds rbac's tables beside the apps' data (SQLite by
// default, PostgreSQL with -postgres), and the rpkit services built on it
// (rbac, migrate, pki). The apps' screens do not import it: each screen
// package takes the few services it needs, and examples/portal wires them.
package platform
