// Package pakn is the PAKN-like app's own screens: feedback cases
// (phản ánh, kiến nghị) that citizens send and staff with the pakn.process
// permission answer, the "Chuyển đổi tài khoản" screen that moves a legacy
// username/password account — or a Vnconnect account, when staff change —
// to a Vnconnect account with its cases and rights (migrate's Converter),
// and the legacy "Đăng nhập bằng tên đăng nhập" page the conversion
// retires.
//
// The package takes the few services it needs in Config (a database, rbac,
// the converter, the legacy accounts, the app's login handler and page
// frame), so it runs in tests on SQLite and rbac's stores without the
// rest of the demo. Migrate creates its table; Movers gives migrate the
// table/column pairs to move; Seed loads demo cases idempotently.
package pakn
