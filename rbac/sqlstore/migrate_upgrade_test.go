package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"
	mrand "math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/rpkit-vn/rpkit/internal/testenv"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// The upgrade tests build a database at schema version 1 (only 0001, as a
// release that had nothing newer left it), fill it through the version-1
// tables with plain SQL, then open it with the normal Open, which must bring
// it to the latest version: 0002's backfill of member_name_words then runs
// on real rows, not on an empty table.

// v1Data is what the version-1 database holds, kept in Go for the
// brute-force answers.
type v1Data struct {
	unitPath map[rbac.UnitID]string // units that exist
	unitIDs  []rbac.UnitID          // in insertion order
	names    map[string]string      // account → full name (accounts that exist)
	members  []rbac.Membership
}

var upgradeSubsystems = []rbac.SubsystemID{rbac.SubsystemQuantri, rbac.SubsystemPAKN, rbac.SubsystemCSDL, "dvc"}

// genV1Data makes a small unit tree and a few hundred accounts with
// Vietnamese names (diacritics, several words, duplicates, odd spacing,
// decomposed forms, LIKE wildcards) and their memberships.
func genV1Data() *v1Data {
	r := mrand.New(mrand.NewPCG(20261122, 1))
	d := &v1Data{unitPath: map[rbac.UnitID]string{}, names: map[string]string{}}
	nid := 0
	add := func(id rbac.UnitID, parentPath string) string {
		nid++
		p := fmt.Sprintf("%s%d/", parentPath, nid)
		d.unitPath[id] = p
		d.unitIDs = append(d.unitIDs, id)
		return p
	}
	root := add("vn", "/")
	for p := 1; p <= 3; p++ {
		pid := rbac.UnitID(fmt.Sprintf("p%d", p))
		pp := add(pid, root)
		for di := 1; di <= 3; di++ {
			did := rbac.UnitID(fmt.Sprintf("%s.d%d", pid, di))
			dp := add(did, pp)
			for c := 1; c <= 2; c++ {
				add(rbac.UnitID(fmt.Sprintf("%s.c%d", did, c)), dp)
			}
		}
	}

	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middle := []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân", "Nguyễn"}
	given := []string{"An", "Anh", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hòa", "Hoà", "Hùng", "Hưng", "Hương",
		"Lan", "Linh", "Long", "Mai", "Nam", "Phong", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến"}
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	special := []string{
		"Nguyễn Văn An", "Nguyễn Văn An", "NGUYỄN VĂN AN", // duplicates, upper case
		"Nguyễn Thị Hòa", "Nguyễn Thị Hoà", // two placements of one tone mark
		norm.NFD.String("Nguyễn Thị Hương"), // decomposed
		"  Đặng   Văn \t Đức  ",             // odd spacing
		"Phạm\u00a0Thị\u00a0Lan",            // no-break spaces
		"An Nguyễn", "Hồ Nguyễn Anh",        // word order
		"Lê", "", // one word, no words
		"Trần_Văn 100%", "Trần Vân", // LIKE wildcards in a name
		"Tôn Nữ Thị Ngọc Yến", "Âu Dương Phong",
	}
	const accounts = 320
	for i := range accounts {
		var name string
		switch {
		case i < len(special):
			name = special[i]
		default:
			parts := []string{pick(family)}
			for range r.IntN(3) {
				parts = append(parts, pick(middle))
			}
			parts = append(parts, pick(given))
			name = strings.Join(parts, " ")
			if r.IntN(20) == 0 {
				name = strings.ToUpper(name)
			}
		}
		acc := fmt.Sprintf("acc-%04x", r.Uint32()&0xffff) + fmt.Sprintf("-%03d", i)
		d.names[acc] = name
	}
	// Memberships: most accounts on 1–3 subsystems, some on none, a few
	// in a unit that does not exist, and a few of accounts that do not.
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	roles := []rbac.RoleID{rbac.RoleProcessor, rbac.RoleViewer, rbac.RoleUnitAdmin}
	member := func(acc string) {
		for _, si := range r.Perm(len(upgradeSubsystems))[:1+r.IntN(3)] {
			u := d.unitIDs[r.IntN(len(d.unitIDs))]
			if r.IntN(60) == 0 {
				u = "gone"
			}
			m := rbac.Membership{Account: acc, Subsystem: upgradeSubsystems[si], Unit: u, State: rbac.Active,
				Locked: r.IntN(10) == 0, AddedBy: "op", CreatedAt: t0, UpdatedAt: t0}
			if r.IntN(6) == 0 {
				m.State = rbac.Pending
			}
			for _, ri := range r.Perm(len(roles))[:1+r.IntN(2)] {
				g := rbac.RoleGrant{Role: roles[ri], GrantedBy: "op", GrantedAt: t0}
				if g.Role == rbac.RoleUnitAdmin {
					g.Level = 2
				}
				m.Roles = append(m.Roles, g)
			}
			d.members = append(d.members, m)
		}
	}
	for _, acc := range slices.Sorted(maps.Keys(d.names)) {
		if r.IntN(20) == 0 {
			continue
		}
		member(acc)
	}
	for i := range 3 {
		member(fmt.Sprintf("ghost-%d", i))
	}
	return d
}

// createV1 applies migration 0001 alone, recording version 1 as the
// migrator does, and fills the version-1 tables with plain SQL.
func createV1(t *testing.T, db *sql.DB, d Dialect, data *v1Data) {
	t.Helper()
	ctx := context.Background()
	s, err := New(db, d)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations(migrationFiles, d)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 2 {
		t.Fatalf("%v has %d migrations; the upgrade test needs at least 2", d, len(ms))
	}
	if err := s.migrate(ctx, ms[:1]); err != nil {
		t.Fatalf("migrate to version 1: %v", err)
	}
	if got := dbVersions(t, db); !slices.Equal(got, []int{1}) {
		t.Fatalf("after 0001 alone, schema_migrations = %v", got)
	}
	// Nothing of version 2 yet.
	if d == Postgres {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_name = 'member_name_words'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("member_name_words at version 1: %d, %v", n, err)
		}
	}

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, d.Rebind(q), args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	ts := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	for i, id := range data.unitIDs {
		p := data.unitPath[id]
		parent := ""
		if k := strings.LastIndexByte(string(id), '.'); k >= 0 {
			parent = string(id[:k])
		} else if id != "vn" {
			parent = "vn"
		}
		exec(`INSERT INTO units (nid, id, parent, path, code, code_kind, name, kind, state, merged_into, created_at, updated_at)
			VALUES (?, ?, ?, ?, '', '', ?, 'other', 'live', '', ?, ?)`, i+1, string(id), parent, p, "Đơn vị "+string(id), ts, ts)
	}
	for _, sub := range upgradeSubsystems {
		exec(`INSERT INTO subsystems (id, name, roles_json, groups_json) VALUES (?, ?, '[]', '[]')`, string(sub), string(sub))
	}
	for acc, name := range data.names {
		// name_folded as version 1's PutAccount wrote it.
		exec(`INSERT INTO accounts (tech_id, type, full_name, name_folded, cccd, cmnd, phone, email, agency_code, tax_code,
			created_at, updated_at) VALUES (?, 1, ?, ?, '', '', '', '', '', '', ?, ?)`, acc, name, " "+vnid.FoldName(name), ts, ts)
	}
	for _, m := range data.members {
		roles, err := json.Marshal(m.Roles)
		if err != nil {
			t.Fatal(err)
		}
		admin := false
		for _, g := range m.Roles {
			admin = admin || g.Level >= 1
		}
		exec(`INSERT INTO memberships (account, subsystem, unit, unit_path, grp, state, locked, is_admin, roles, review,
			added_by, created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, ?, ?, ?, '', ?, ?, ?)`,
			m.Account, string(m.Subsystem), string(m.Unit), data.unitPath[m.Unit], string(m.State), m.Locked, admin,
			string(roles), m.AddedBy, m.CreatedAt.UnixNano(), m.UpdatedAt.UnixNano())
		for i, g := range m.Roles {
			exec(`INSERT INTO membership_roles (account, subsystem, pos, role, level, via_group, granted_by)
				VALUES (?, ?, ?, ?, ?, '', ?)`, m.Account, string(m.Subsystem), i, string(g.Role), int(g.Level), g.GrantedBy)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func dbVersions(t *testing.T, db *sql.DB) []int {
	t.Helper()
	rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return vs
}

// migrationRows is schema_migrations in full, applied_at included: a
// no-op reopen leaves it byte for byte as it was.
func migrationRows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v int
		var name, at string
		if err := rows.Scan(&v, &name, &at); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%d %s %s", v, name, at))
	}
	return out
}

func wantVersions(d Dialect) []int {
	var vs []int
	for v := 1; v <= SchemaVersion(d); v++ {
		vs = append(vs, v)
	}
	return vs
}

// bruteNameMatch is the name search's meaning, written independently of
// vnid.NameContains: every query word is a prefix of a word of the name,
// each on a later name word than the one before (tried every way, not
// greedily).
func bruteNameMatch(name, query string) bool {
	q := strings.Fields(vnid.FoldName(query))
	if len(q) == 0 {
		return false
	}
	n := strings.Fields(vnid.FoldName(name))
	var fit func(qi, ni int) bool
	fit = func(qi, ni int) bool {
		if qi == len(q) {
			return true
		}
		for j := ni; j < len(n); j++ {
			if strings.HasPrefix(n[j], q[qi]) && fit(qi+1, j+1) {
				return true
			}
		}
		return false
	}
	return fit(0, 0)
}

// bruteList answers a MembershipQuery (scopes, role, name) over data.
func (data *v1Data) bruteList(q rbac.MembershipQuery) []rbac.MembershipKey {
	var out []rbac.MembershipKey
	for _, m := range data.members {
		p, ok := data.unitPath[m.Unit]
		if !ok {
			continue
		}
		in := false
		for _, sc := range q.Scopes {
			sp, ok := data.unitPath[sc.Unit]
			if ok && strings.HasPrefix(p, sp) && (sc.Subsystem == "" || sc.Subsystem == m.Subsystem) {
				in = true
			}
		}
		if !in {
			continue
		}
		if q.Role != "" && !slices.ContainsFunc(m.Roles, func(g rbac.RoleGrant) bool { return g.Role == q.Role }) {
			continue
		}
		if q.Name != "" {
			name, ok := data.names[m.Account]
			if !ok || !bruteNameMatch(name, q.Name) {
				continue
			}
		}
		out = append(out, m.Key())
	}
	slices.SortFunc(out, func(a, b rbac.MembershipKey) int {
		if c := strings.Compare(a.Account, b.Account); c != 0 {
			return c
		}
		return strings.Compare(string(a.Subsystem), string(b.Subsystem))
	})
	return out
}

// listAll pages through ListMemberships, a few rows a page.
func listAll(t *testing.T, s *Store, q rbac.MembershipQuery) []rbac.MembershipKey {
	t.Helper()
	var out []rbac.MembershipKey
	q.Limit = 9
	for page := 0; ; page++ {
		if page > 1000 {
			t.Fatal("paging does not end")
		}
		var ms []rbac.Membership
		err := s.View(context.Background(), func(tx rbac.ReadTx) error {
			var err error
			ms, err = tx.ListMemberships(q)
			return err
		})
		if err != nil {
			t.Fatalf("ListMemberships(%+v): %v", q, err)
		}
		for _, m := range ms {
			out = append(out, m.Key())
		}
		if len(ms) < q.Limit {
			return out
		}
		q.After = ms[len(ms)-1].Key()
	}
}

var upgradeNameQueries = []string{
	"nguyen", "Nguyễn", "NGUYỄN VĂN", "nguyen van an", "Nguyễn Văn An", "ng", "n", "nguy thi",
	"tran thi", "trần", "tran_", "tran_van", "100%", "%", "_",
	"đ", "d", "Đức", "duc", "dang duc", "đặng văn đức",
	"hoa", "Hòa", "hoà", "nguyen thi hoa", "huong", norm.NFD.String("Hương"), "thi huong",
	"an nguyen", "nguyen an", "ho nguyen", "an", "anh",
	"le", "Lê", "  Phạm   Thị  ", "pham lan", "ton nu ngoc yen", "au duong", "duong phong",
	"xuan", "thu ha", "quoc viet", "h", "x y", "zzz", "nguyenvan",
}

// checkListing compares the store's listing with the brute force for every
// query, scope set and role, and returns how many rows matched in all.
func checkListing(t *testing.T, s *Store, data *v1Data, queries []string) int {
	t.Helper()
	scopeSets := [][]rbac.Scope{
		{{Unit: "vn"}},
		{{Subsystem: rbac.SubsystemPAKN, Unit: "p1"}},
		{{Subsystem: rbac.SubsystemQuantri, Unit: "p2.d1"}, {Unit: "p3"}},
	}
	total := 0
	for _, scopes := range scopeSets {
		for _, role := range []rbac.RoleID{"", rbac.RoleViewer, rbac.RoleUnitAdmin} {
			for _, name := range append([]string{""}, queries...) {
				q := rbac.MembershipQuery{Scopes: scopes, Role: role, Name: name}
				got, want := listAll(t, s, q), data.bruteList(q)
				if !slices.Equal(got, want) {
					t.Errorf("scopes %v role %q name %q:\n got %d %v\nwant %d %v", scopes, role, name, len(got), got, len(want), want)
				}
				total += len(want)
			}
		}
	}
	// The brute force and vnid.NameContains agree on these names, so the
	// listing is exactly vnid.NameContains too.
	for _, name := range data.names {
		for _, q := range queries {
			if bruteNameMatch(name, q) != vnid.NameContains(name, q) {
				t.Errorf("brute force and vnid.NameContains disagree on %q / %q", name, q)
			}
		}
	}
	return total
}

// expectedWords is member_name_words as the backfill must leave it.
func (data *v1Data) expectedWords() []string {
	var out []string
	for acc, name := range data.names {
		seen := map[string]bool{}
		for _, w := range strings.Fields(vnid.FoldName(name)) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w+" "+acc)
			}
		}
	}
	slices.Sort(out)
	return out
}

func nameWordRows(t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.Query(`SELECT word, account FROM member_name_words`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w, a string
		if err := rows.Scan(&w, &a); err != nil {
			t.Fatal(err)
		}
		out = append(out, w+" "+a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func checkUpgraded(t *testing.T, s *Store, data *v1Data) {
	t.Helper()
	d := s.Dialect()
	if got := dbVersions(t, s.DB()); !slices.Equal(got, wantVersions(d)) {
		t.Fatalf("after upgrade, schema_migrations = %v, want %v", got, wantVersions(d))
	}
	var n int
	if err := s.DB().QueryRow(`SELECT count(*) FROM accounts`).Scan(&n); err != nil || n != len(data.names) {
		t.Fatalf("accounts after upgrade: %d, %v; want %d", n, err, len(data.names))
	}
	if d == Postgres {
		got, want := nameWordRows(t, s.DB()), data.expectedWords()
		if !slices.Equal(got, want) {
			t.Errorf("member_name_words after backfill: %d rows, want %d", len(got), len(want))
			for _, w := range want {
				if _, found := slices.BinarySearch(got, w); !found {
					t.Errorf("  missing %q", w)
				}
			}
			for _, g := range got {
				if _, found := slices.BinarySearch(want, g); !found {
					t.Errorf("  extra %q", g)
				}
			}
		}
	}
}

func runUpgrade(t *testing.T, d Dialect, rawDB func() *sql.DB, open func(context.Context) (*Store, error)) {
	ctx := context.Background()
	data := genV1Data()
	db := rawDB()
	createV1(t, db, d, data)
	db.Close()

	s, err := open(ctx)
	if err != nil {
		t.Fatalf("Open on a version-1 database: %v", err)
	}
	checkUpgraded(t, s, data)
	if total := checkListing(t, s, data, upgradeNameQueries); total < 1000 {
		t.Errorf("the queries matched only %d rows in all: the data does not exercise the search", total)
	}
	// Sanity: the common queries are not vacuous.
	for _, q := range []string{"nguyen", "duc", "hoa", "nguyen van an", "tran_van"} {
		if len(data.bruteList(rbac.MembershipQuery{Scopes: []rbac.Scope{{Unit: "vn"}}, Name: q})) == 0 {
			t.Errorf("no membership matches %q: the data does not exercise it", q)
		}
	}

	// Writes after the upgrade keep the word index in step with backfilled
	// rows: a rename drops the old words, a new account gets its own.
	var renamed string // the first account of several name words
	for _, acc := range slices.Sorted(maps.Keys(data.names)) {
		if len(strings.Fields(data.names[acc])) >= 3 {
			renamed = acc
			break
		}
	}
	t0 := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	err = s.Update(ctx, func(tx rbac.Tx) error {
		if err := tx.PutAccount(rbac.Account{TechID: renamed, Type: 1, FullName: "Giang Xuân Quỳnh", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.PutAccount(rbac.Account{TechID: "acc-new", Type: 1, FullName: "Nguyễn Quỳnh Đức", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		m := rbac.Membership{Account: "acc-new", Subsystem: rbac.SubsystemPAKN, Unit: "p1.d2.c1", State: rbac.Active,
			Roles: []rbac.RoleGrant{{Role: rbac.RoleViewer, GrantedBy: "op", GrantedAt: t0}}, AddedBy: "op", CreatedAt: t0, UpdatedAt: t0}
		data.members = append(data.members, m)
		return tx.PutMembership(m)
	})
	if err != nil {
		t.Fatal(err)
	}
	oldName := data.names[renamed]
	data.names[renamed] = "Giang Xuân Quỳnh"
	data.names["acc-new"] = "Nguyễn Quỳnh Đức"
	if d == Postgres {
		if got, want := nameWordRows(t, s.DB()), data.expectedWords(); !slices.Equal(got, want) {
			t.Errorf("member_name_words after writes: %d rows, want %d", len(got), len(want))
		}
	}
	checkListing(t, s, data, append(strings.Fields(vnid.FoldName(oldName)), oldName, "quynh", "giang quynh", "nguyen quynh duc"))

	// Reopening finds nothing to do.
	before := migrationRows(t, s.DB())
	var words int
	if d == Postgres {
		words = len(nameWordRows(t, s.DB()))
	}
	s.Close()
	s, err = open(ctx)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	if after := migrationRows(t, s.DB()); !slices.Equal(after, before) {
		t.Errorf("reopen changed schema_migrations:\n%v\n%v", before, after)
	}
	if d == Postgres {
		if n := len(nameWordRows(t, s.DB())); n != words {
			t.Errorf("reopen changed member_name_words: %d rows, was %d", n, words)
		}
	}
	checkListing(t, s, data, []string{"nguyen van", "duc", "quynh"})
}

func TestUpgradeFromV1(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "v1.db")
		runUpgrade(t, SQLite, func() *sql.DB {
			db, err := openSQLiteDB(path)
			if err != nil {
				t.Fatal(err)
			}
			return db
		}, func(ctx context.Context) (*Store, error) { return OpenSQLite(ctx, path) })
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := testenv.PostgresSchema(t, "rbac_upgrade")
		runUpgrade(t, Postgres, func() *sql.DB {
			db, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			return db
		}, func(ctx context.Context) (*Store, error) { return OpenPostgres(ctx, dsn) })
	})
}

// Several processes opening one version-1 database at once: each Open
// succeeds, the upgrade (backfill included) is applied exactly once.
func TestUpgradeFromV1Concurrently(t *testing.T) {
	cases := []struct {
		name string
		d    Dialect
		dsn  func(t *testing.T) string
		raw  func(t *testing.T, dsn string) *sql.DB
		open func(ctx context.Context, dsn string) (*Store, error)
	}{
		{"sqlite", SQLite,
			func(t *testing.T) string { return filepath.Join(t.TempDir(), "v1.db") },
			func(t *testing.T, dsn string) *sql.DB {
				db, err := openSQLiteDB(dsn)
				if err != nil {
					t.Fatal(err)
				}
				return db
			},
			OpenSQLite},
		{"postgres", Postgres,
			func(t *testing.T) string { return testenv.PostgresSchema(t, "rbac_upgrade") },
			func(t *testing.T, dsn string) *sql.DB {
				db, err := sql.Open("pgx", dsn)
				if err != nil {
					t.Fatal(err)
				}
				return db
			},
			OpenPostgres},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dsn := c.dsn(t)
			data := genV1Data()
			db := c.raw(t, dsn)
			createV1(t, db, c.d, data)
			db.Close()

			const openers = 6
			stores := make([]*Store, openers)
			errs := make([]error, openers)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i := range openers {
				wg.Go(func() {
					<-start
					stores[i], errs[i] = c.open(context.Background(), dsn)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("Open #%d: %v", i, err)
				}
			}
			for _, s := range stores {
				if s != nil {
					defer s.Close()
				}
			}
			if t.Failed() {
				return
			}
			checkUpgraded(t, stores[0], data)
			checkListing(t, stores[openers-1], data, []string{"nguyen van", "đức", "hoa", "thi huong"})
		})
	}
}
