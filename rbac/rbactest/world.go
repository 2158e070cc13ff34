package rbactest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// StepClock is a Clock that starts at T0 and moves one second per call, so
// audit entries are ordered and reproducible. Safe for concurrent use.
type StepClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewStepClock starts at T0.
func NewStepClock() *StepClock { return &StepClock{t: T0} }

// Now implements rbac.Clock.
func (c *StepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// Operator is the World's platform operator (VPCP).
const Operator = "op-vpcp"

// Units of the World's tree:
//
//	vn            national root
//	├─ bo-tc      Bộ Tài chính            000.00.00.G12
//	│  └─ tc-vp   Văn phòng Bộ            000.00.01.G12
//	├─ p-na       Tỉnh Nghệ An            000.00.00.H41
//	│  ├─ na-soyt Sở Y tế                 000.00.18.H41
//	│  ├─ na-tt   Trung tâm PVHCC         000.00.35.H41
//	│  └─ na-vinh Thành phố Vinh          (district)
//	│     ├─ na-c1 Phường Hưng Bình       (commune)
//	│     └─ na-c2 Phường Lê Lợi          (commune)
//	└─ p-ht       Tỉnh Hà Tĩnh            000.00.00.H30
//	   └─ ht-d1   Huyện Kỳ Anh            (district)
//	      └─ ht-c1 Xã Kỳ Phong            (commune)
var worldUnits = []rbac.Unit{
	{ID: "vn", Name: "Việt Nam", Kind: rbac.KindNational},
	{ID: "bo-tc", Parent: "vn", Name: "Bộ Tài chính", Kind: rbac.KindMinistry, Code: "000.00.00.G12", CodeKind: rbac.CodeAgency},
	{ID: "tc-vp", Parent: "bo-tc", Name: "Văn phòng Bộ Tài chính", Kind: rbac.KindDepartment, Code: "000.00.01.G12", CodeKind: rbac.CodeAgency},
	{ID: "p-na", Parent: "vn", Name: "Tỉnh Nghệ An", Kind: rbac.KindProvince, Code: "000.00.00.H41", CodeKind: rbac.CodeAgency},
	{ID: "na-soyt", Parent: "p-na", Name: "Sở Y tế", Kind: rbac.KindDepartment, Code: "000.00.18.H41", CodeKind: rbac.CodeAgency},
	{ID: "na-tt", Parent: "p-na", Name: "Trung tâm Phục vụ hành chính công", Kind: rbac.KindDepartment, Code: "000.00.35.H41", CodeKind: rbac.CodeAgency},
	{ID: "na-vinh", Parent: "p-na", Name: "Thành phố Vinh", Kind: rbac.KindDistrict},
	{ID: "na-c1", Parent: "na-vinh", Name: "Phường Hưng Bình", Kind: rbac.KindCommune},
	{ID: "na-c2", Parent: "na-vinh", Name: "Phường Lê Lợi", Kind: rbac.KindCommune},
	{ID: "p-ht", Parent: "vn", Name: "Tỉnh Hà Tĩnh", Kind: rbac.KindProvince, Code: "000.00.00.H30", CodeKind: rbac.CodeAgency},
	{ID: "ht-d1", Parent: "p-ht", Name: "Huyện Kỳ Anh", Kind: rbac.KindDistrict},
	{ID: "ht-c1", Parent: "ht-d1", Name: "Xã Kỳ Phong", Kind: rbac.KindCommune},
}

// Agency accounts on the World's Vnconnect, by agency code.
var worldAgencies = map[string]string{
	"000.00.00.G12": "ag-bo-tc",
	"000.00.01.G12": "ag-tc-vp",
	"000.00.00.H41": "ag-na",
	"000.00.35.H41": "ag-na-tt",
	"000.00.00.H30": "ag-ht",
}

// People on the World's Vnconnect: TechIDs "u01"…"u40".
const worldPeople = 40

var (
	worldFamily = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ"}
	worldGiven  = []string{"Văn An", "Thị Bình", "Đức Cường", "Thu Hà", "Minh Đức", "Thị Én", "Quang Huy", "Ngọc Lan"}
)

// World is a service over a store with the platform's subsystems, a small
// unit tree, a Vnconnect directory of agencies and people, and helpers to
// appoint admins. Tests build attacks on top of it.
type World struct {
	T     testing.TB
	Ctx   context.Context
	Svc   *rbac.Service
	Store rbac.Store
	Dir   *vnconnect.StaticDirectory
	Clock *StepClock
}

// NewWorld builds a World on store (which must be empty). It fails the test
// on any error.
func NewWorld(t testing.TB, store rbac.Store) *World {
	t.Helper()
	var ids []*vnconnect.Identity
	for code, tech := range worldAgencies {
		a, err := vnid.ParseAgencyCode(code)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, &vnconnect.Identity{TechID: tech, AccountType: vnconnect.AccountOrganisation,
			EnterpriseName: "Cơ quan " + code, AgencyCode: &a})
	}
	for i := 1; i <= worldPeople; i++ {
		ids = append(ids, Person(i))
	}
	w := &World{T: t, Ctx: context.Background(), Store: store, Dir: vnconnect.NewStaticDirectory(ids...), Clock: NewStepClock()}
	svc, err := rbac.New(rbac.Config{Store: store, Directory: w.Dir, Operators: []string{Operator}, Clock: w.Clock})
	if err != nil {
		t.Fatal(err)
	}
	w.Svc = svc
	for _, sub := range []rbac.Subsystem{rbac.Quantri(), rbac.PAKN(), rbac.CSDL()} {
		w.Must(svc.RegisterSubsystem(w.Ctx, sub))
	}
	for _, u := range worldUnits {
		_, err := svc.CreateUnit(w.Ctx, Operator, u, "set up")
		w.Must(err)
	}
	return w
}

// Person returns the Vnconnect identity of person i (1…40): TechID
// "u%02d", a valid CCCD, a Vietnamese name.
func Person(i int) *vnconnect.Identity {
	c, err := vnid.NewCCCD("040", vnid.Gender(1+i%2), 1970+i, fmt.Sprintf("%06d", 100000+i))
	if err != nil {
		panic(err)
	}
	return &vnconnect.Identity{TechID: PersonID(i), AccountType: vnconnect.AccountCitizen, CCCD: &c,
		FullName: worldFamily[i%len(worldFamily)] + " " + worldGiven[(i/len(worldFamily))%len(worldGiven)]}
}

// PersonID is person i's TechID.
func PersonID(i int) string { return fmt.Sprintf("u%02d", i) }

// Must fails the test on err.
func (w *World) Must(err error) {
	w.T.Helper()
	if err != nil {
		w.T.Fatal(err)
	}
}

// Super makes the agency of unit's code its super admin through the real
// flow (request with the certificate's identity, operator approval) and
// returns the agency's TechID.
func (w *World) Super(unit rbac.UnitID) string {
	w.T.Helper()
	var code string
	w.Must(w.Store.View(w.Ctx, func(tx rbac.ReadTx) error {
		u, err := tx.Unit(unit)
		code = u.Code
		return err
	}))
	req, err := w.Svc.RequestSuperAdmin(w.Ctx, Credential(code), unit, "đăng ký tài khoản quản trị cấp cao")
	w.Must(err)
	_, err = w.Svc.ApproveSuperAdmin(w.Ctx, Operator, req.ID, "mã định danh khớp")
	w.Must(err)
	return req.Account
}

// Credential is the AgencyCredential a VGCA certificate of the agency code
// yields.
func Credential(code string) rbac.AgencyCredential {
	return rbac.AgencyCredential{AgencyCode: code, Name: "Cơ quan " + code, CertSerial: "54010101" + code[len(code)-3:],
		CertIssuer: "CN=CA phuc vu cac co quan Nha nuoc,O=Ban Co yeu Chinh phu,C=VN"}
}

// Member adds person i to sub in unit and activates them, as actor.
func (w *World) Member(actor string, i int, sub rbac.SubsystemID, unit rbac.UnitID) string {
	w.T.Helper()
	id := PersonID(i)
	_, err := w.Svc.Add(w.Ctx, actor, rbac.AddRequest{Subsystem: sub, Unit: unit,
		Query: vnconnect.Query{CCCD: Person(i).CCCD.Number}, Reason: "thêm mới từ Vnconnect"})
	w.Must(err)
	_, err = w.Svc.Activate(w.Ctx, actor, id, sub, "kích hoạt")
	w.Must(err)
	return id
}

// Admin makes person i an admin of sub at unit with the given level (and
// the subsystem's fitting admin role), as actor.
func (w *World) Admin(actor string, i int, sub rbac.SubsystemID, unit rbac.UnitID, level rbac.Level) string {
	w.T.Helper()
	id := w.Member(actor, i, sub, unit)
	_, err := w.Svc.Grant(w.Ctx, actor, id, sub, AdminRole(sub, level, unit), level, "gán quyền")
	w.Must(err)
	return id
}

// AdminRole picks the preset admin role for a level: on quantri, level 1 is
// Admin của Bộ / Admin của Tỉnh by the unit's prefix, deeper levels the
// unit-admin role; elsewhere the unit-admin role.
func AdminRole(sub rbac.SubsystemID, level rbac.Level, unit rbac.UnitID) rbac.RoleID {
	if sub == rbac.SubsystemQuantri && level == 1 {
		if len(unit) > 2 && unit[:2] == "bo" {
			return rbac.RoleMinistryAdmin
		}
		return rbac.RoleProvinceAdmin
	}
	return rbac.RoleUnitAdmin
}

// VerifyChain fails the test unless the audit chain verifies; it returns
// the number of entries.
func (w *World) VerifyChain() uint64 {
	w.T.Helper()
	n, err := w.Svc.VerifyChain(w.Ctx)
	w.Must(err)
	return n
}
