package sqlstore_test

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// nationalData is the benchmark's national-scale dataset: 100,549 units in
// 5 levels (the country, 63 provinces × 11 districts × 15 communes × 7–9
// offices) and 1M memberships of 400k accounts across 4 subsystems, each
// membership with one role grant. The shape mirrors the real tree; the
// figures are those of issue 5. It is bulk-loaded with COPY, straight into
// the store's tables, since a million Updates would take far longer than
// the benchmark.
type nationalData struct {
	units    [][]any
	accounts [][]any
	members  [][]any
	roles    [][]any
	words    [][]any // member_name_words
	// Some units at each level, for choosing actors.
	province, district, commune string
}

var benchSubsystems = []rbac.SubsystemID{rbac.SubsystemQuantri, rbac.SubsystemPAKN, rbac.SubsystemCSDL, "dvc"}

type genUnit struct {
	id, path string
	level    int
}

func genNational(seed uint64) *nationalData {
	r := mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	d := &nationalData{}
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	var nid int64
	var byLevel [5][]genUnit
	add := func(id, parent, parentPath, kind string, level int) genUnit {
		nid++
		path := fmt.Sprintf("%s%d/", parentPath, nid)
		d.units = append(d.units, []any{nid, id, parent, path, "", "", "Đơn vị " + id, kind, "live", "", t0, t0})
		u := genUnit{id, path, level}
		byLevel[level] = append(byLevel[level], u)
		return u
	}
	root := add("vn", "", "/", "national", 0)
	for p := 1; p <= 63; p++ {
		pu := add(fmt.Sprintf("p%02d", p), root.id, root.path, "province", 1)
		for di := 1; di <= 11; di++ {
			du := add(fmt.Sprintf("%s.d%02d", pu.id, di), pu.id, pu.path, "district", 2)
			for c := 1; c <= 15; c++ {
				cu := add(fmt.Sprintf("%s.c%02d", du.id, c), du.id, du.path, "commune", 3)
				n := 9
				if c%5 == 0 {
					n = 7
				}
				for o := 1; o <= n; o++ {
					add(fmt.Sprintf("%s.o%d", cu.id, o), cu.id, cu.path, "other", 4)
				}
			}
		}
	}
	d.province, d.district, d.commune = "p01", "p01.d01", "p01.d01.c01"

	family := []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middle := []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Xuân"}
	given := []string{"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Lan", "Linh", "Long",
		"Mai", "Nam", "Phong", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến"}
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	const accounts = 400_000
	for i := 0; i < accounts; i++ {
		// TechIDs are UUIDs on Vnconnect: random with respect to units,
		// which is what makes "first page by account" a real query.
		tech := fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", r.Uint32(), r.Uint32()&0xffff, r.Uint32()&0xfff, r.Uint32()&0xffff, r.Uint64()&0xffffffffffff)
		name := pick(family) + " " + pick(middle) + " " + pick(given)
		for _, w := range strings.Fields(vnid.FoldName(name)) {
			d.words = append(d.words, []any{w, tech})
		}
		d.accounts = append(d.accounts, []any{tech, 1, name, " " + vnid.FoldName(name), fmt.Sprintf("0%02d%09d", 1+r.IntN(96), r.IntN(1e9)),
			"", "", "", "", "", t0, t0})
		// A person works in one unit: mostly offices and communes.
		var u genUnit
		switch x := r.IntN(100); {
		case x < 70:
			u = byLevel[4][r.IntN(len(byLevel[4]))]
		case x < 90:
			u = byLevel[3][r.IntN(len(byLevel[3]))]
		case x < 98:
			u = byLevel[2][r.IntN(len(byLevel[2]))]
		default:
			u = byLevel[1][r.IntN(len(byLevel[1]))]
		}
		// 2 or 3 subsystems (2.5 on average: 1M memberships).
		subs := r.Perm(len(benchSubsystems))[:2+r.IntN(2)]
		for _, si := range subs {
			sub := benchSubsystems[si]
			state, locked := "active", r.IntN(100) < 3
			if r.IntN(100) < 15 {
				state = "pending"
			}
			g := rbac.RoleGrant{Role: rbac.RoleProcessor, Level: rbac.LevelNone, GrantedBy: "op", GrantedAt: time.Unix(0, t0).UTC()}
			admin := r.IntN(100) == 0 && u.level >= 1
			if admin {
				g.Role, g.Level = rbac.RoleUnitAdmin, rbac.Level(u.level+1)
			}
			roles := fmt.Sprintf(`[{"Role":%q,"Level":%d,"ViaGroup":"","GrantedBy":"op","GrantedAt":%q}]`,
				g.Role, g.Level, g.GrantedAt.Format(time.RFC3339Nano))
			d.members = append(d.members, []any{tech, string(sub), u.id, u.path, "", state, locked, admin, roles, "", "op", t0, t0})
			d.roles = append(d.roles, []any{tech, string(sub), 0, string(g.Role), int(g.Level), "", "op"})
		}
	}
	return d
}

// load COPYs the dataset into the schema of dsn (already migrated).
func (d *nationalData) load(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	copies := []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"units", []string{"nid", "id", "parent", "path", "code", "code_kind", "name", "kind", "state", "merged_into", "created_at", "updated_at"}, d.units},
		{"accounts", []string{"tech_id", "type", "full_name", "name_folded", "cccd", "cmnd", "phone", "email", "agency_code", "tax_code", "created_at", "updated_at"}, d.accounts},
		{"memberships", []string{"account", "subsystem", "unit", "unit_path", "grp", "state", "locked", "is_admin", "roles", "review", "added_by", "created_at", "updated_at"}, d.members},
		{"membership_roles", []string{"account", "subsystem", "pos", "role", "level", "via_group", "granted_by"}, d.roles},
		{"member_name_words", []string{"word", "account"}, d.words},
	}
	// COPY into bare tables, then build the indexes: sorting once is far
	// faster than a million random btree inserts. The definitions are read
	// back from the catalog, so they are exactly the migration's.
	var defs []string
	rows, err := conn.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
		AND tablename IN ('units', 'accounts', 'memberships', 'membership_roles') AND indexname NOT LIKE '%_pkey'
		AND indexname NOT LIKE '%_key'`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return err
		}
		names, defs = append(names, name), append(defs, def)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range names {
		if _, err := conn.Exec(ctx, `DROP INDEX `+pgx.Identifier{n}.Sanitize()); err != nil {
			return err
		}
	}
	for _, c := range copies {
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			return fmt.Errorf("copy %s: %w", c.table, err)
		}
	}
	for _, def := range defs {
		if _, err := conn.Exec(ctx, def); err != nil {
			return err
		}
	}
	// The identity column must continue after the copied nids.
	if _, err := conn.Exec(ctx, `SELECT setval(pg_get_serial_sequence('units', 'nid'), (SELECT max(nid) FROM units))`); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `VACUUM ANALYZE units, accounts, memberships, membership_roles, member_name_words`)
	return err
}
