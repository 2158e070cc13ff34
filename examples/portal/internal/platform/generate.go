package platform

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/rpkit-vn/rpkit/pki/pkitest"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Every person below is invented: names are common Vietnamese family,
// middle and given names put together by a seeded generator, identifiers
// are computed to be well-formed (vnid's rules), e-mail addresses use
// example.com. Any match with a real person is coincidence. Place and
// agency names are real institutions' names; their codes and tax codes
// here are the demo's own.

var (
	families   = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Mai", "Trịnh", "Lương"}
	middlesM   = []string{"Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Thanh", "Quốc", "Ngọc"}
	middlesF   = []string{"Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Bích", "Kim", "Diệu"}
	givensM    = []string{"An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Trung", "Tuấn", "Việt", "Vinh"}
	givensF    = []string{"Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga", "Nhung", "Oanh", "Phượng", "Quyên", "Thảo", "Yến"}
	phonePre   = []string{"091", "094", "088", "083", "098", "097", "086", "090", "093", "070", "077", "056"}
	provincesC = []string{"038", "022", "001", "040", "031", "036"} // CCCD places of registration
)

// gen is the deterministic generator of fake people.
type gen struct {
	rng   *rand.Rand
	used  map[string]bool // names and CCCD serials already handed out
	count int
}

func newGen() *gen { return &gen{rng: rand.New(rand.NewPCG(2026, 7)), used: map[string]bool{}} }

func (g *gen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// techID is a UUID-shaped (version 4, RFC variant) TechID.
func (g *gen) techID() string {
	a, b := g.rng.Uint64(), g.rng.Uint64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xfff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

// person makes a citizen-type Vnconnect account (staff log in with their
// personal account) with a unique name, a valid CCCD, a mobile number
// and an e-mail address.
func (g *gen) person(address string) vnconnecttest.Account {
	g.count++
	var name string
	gender := vnconnecttest.Male
	for {
		gender = vnconnecttest.Male + g.rng.IntN(2)
		middles, givens := middlesM, givensM
		if gender == vnconnecttest.Female {
			middles, givens = middlesF, givensF
		}
		name = g.pick(families) + " " + g.pick(middles) + " " + g.pick(givens)
		if !g.used[name] {
			g.used[name] = true
			break
		}
	}
	year := 1965 + g.rng.IntN(38)
	birth := time.Date(year, time.Month(1+g.rng.IntN(12)), 1+g.rng.IntN(28), 0, 0, 0, 0, time.UTC)
	vg := vnid.Male
	if gender == vnconnecttest.Female {
		vg = vnid.Female
	}
	var cccd vnid.CCCD
	for {
		serial := fmt.Sprintf("%06d", g.rng.IntN(1_000_000))
		c, err := vnid.NewCCCD(g.pick(provincesC), vg, year, serial)
		if err != nil {
			panic("platform: generated CCCD: " + err.Error())
		}
		if !g.used[c.Number] {
			g.used[c.Number] = true
			cccd = c
			break
		}
	}
	phone := fmt.Sprintf("%s%07d", g.pick(phonePre), g.rng.IntN(10_000_000))
	folded := strings.Fields(vnid.FoldName(name))
	email := fmt.Sprintf("%s.%s%d@example.com", folded[len(folded)-1], folded[0], g.count)
	return vnconnecttest.Account{
		TechID: g.techID(), Type: vnconnecttest.Citizen, LoA: "LoA2",
		FullName: name, SoDinhDanh: cccd.Number, BirthDate: birth, Gender: gender,
		Email: email, Phone: phone, Address: address,
	}
}

// mst completes a 9-digit base into a valid tax code, nudging the last
// digit of a base whose check digit is ambiguous.
func mst(base string) string {
	b := []byte(base)
	for {
		if m, err := vnid.CompleteMST(string(b)); err == nil {
			return m.String()
		}
		b[8] = '0' + (b[8]-'0'+1)%10
	}
}

// unitSpec is one seeded unit.
type unitSpec struct {
	code, name string
	kind       rbac.UnitKind
	parent     string // "" for a level-1 unit (under the root)
}

// The seeded tree: two ministries and two provinces, with departments,
// districts and communes, each identified by its QCVN 102 agency code
// (which is also its unit ID).
var unitSpecs = []unitSpec{
	{"000.00.00.G13", "Bộ Tư pháp", rbac.KindMinistry, ""},
	{"000.00.05.G13", "Cục Hộ tịch, quốc tịch, chứng thực", rbac.KindDepartment, "000.00.00.G13"},
	{"000.00.09.G13", "Cục Công nghệ thông tin", rbac.KindDepartment, "000.00.00.G13"},
	{"000.00.00.G14", "Bộ Khoa học và Công nghệ", rbac.KindMinistry, ""},
	{"000.00.03.G14", "Cục Chuyển đổi số quốc gia", rbac.KindDepartment, "000.00.00.G14"},
	{"000.00.00.H38", "Ủy ban nhân dân tỉnh Thanh Hóa", rbac.KindProvince, ""},
	{"000.00.10.H38", "Sở Tư pháp tỉnh Thanh Hóa", rbac.KindDepartment, "000.00.00.H38"},
	{"000.00.12.H38", "Sở Y tế tỉnh Thanh Hóa", rbac.KindDepartment, "000.00.00.H38"},
	{"000.00.31.H38", "Ủy ban nhân dân huyện Hoằng Hóa", rbac.KindDistrict, "000.00.00.H38"},
	{"000.01.31.H38", "Ủy ban nhân dân xã Hoằng Đạt", rbac.KindCommune, "000.00.31.H38"},
	{"000.02.31.H38", "Ủy ban nhân dân xã Hoằng Xuân", rbac.KindCommune, "000.00.31.H38"},
	{"000.00.32.H38", "Ủy ban nhân dân thành phố Sầm Sơn", rbac.KindDistrict, "000.00.00.H38"},
	{"000.01.32.H38", "Ủy ban nhân dân phường Trung Sơn", rbac.KindCommune, "000.00.32.H38"},
	{"000.00.00.H22", "Ủy ban nhân dân tỉnh Quảng Ninh", rbac.KindProvince, ""},
	{"000.00.10.H22", "Sở Tư pháp tỉnh Quảng Ninh", rbac.KindDepartment, "000.00.00.H22"},
	{"000.00.31.H22", "Ủy ban nhân dân thành phố Hạ Long", rbac.KindDistrict, "000.00.00.H22"},
	{"000.01.31.H22", "Ủy ban nhân dân phường Bãi Cháy", rbac.KindCommune, "000.00.31.H22"},
}

// agencySpecs are the level-1 agencies with an organisation account and a
// certificate; all but one have their super admin approved in the seed.
var agencySpecs = []struct {
	unit, mstBase, email, phone, address string
	registered                           bool
}{
	{"000.00.00.G13", "010010810", "vanthu.botuphap@example.com", "0912000113", "Số 58-60 Trần Phú, phường Ba Đình, thành phố Hà Nội", true},
	{"000.00.00.G14", "010010891", "vanthu.bokhcn@example.com", "0912000114", "Số 113 Trần Duy Hưng, phường Yên Hòa, thành phố Hà Nội", false},
	{"000.00.00.H38", "280012345", "vanthu.thanhhoa@example.com", "0912000138", "Số 35 Đại lộ Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa", true},
	{"000.00.00.H22", "570012345", "vanthu.quangninh@example.com", "0912000122", "Phường Hồng Gai, tỉnh Quảng Ninh", true},
}

// RootUnit is the seeded tree's root: the whole country, the operator's
// scope.
const RootUnit rbac.UnitID = "vn"

// The walk-through's units.
const (
	unitMinistry        rbac.UnitID = "000.00.00.G13"
	unitProvince        rbac.UnitID = "000.00.00.H38"
	unitDepartment      rbac.UnitID = "000.00.10.H38" // Sở Tư pháp Thanh Hóa
	unitOtherDepartment rbac.UnitID = "000.00.12.H38" // Sở Y tế Thanh Hóa
	unitDistrict        rbac.UnitID = "000.00.31.H38"
	unitCommune         rbac.UnitID = "000.01.31.H38" // Hoằng Đạt
	unitOtherCommune    rbac.UnitID = "000.02.31.H38" // Hoằng Xuân
	unitOtherProvince   rbac.UnitID = "000.00.00.H22"
)

// legacyPasswordPrefix starts the fake passwords of the seeded legacy PAKN
// accounts (demo only: the banner prints them).
const legacyPasswordPrefix = "Pakn@"

// NewPopulation builds the demo's seeded population and its test PKI
// (whose CRL and OCSP servers it starts on loopback: Close the
// population when done). Everything but the keys and the certificates'
// serial numbers is the same on every call.
func NewPopulation() (*Population, error) {
	p := &Population{
		Root: RootUnit, Ministry: unitMinistry, Province: unitProvince, Department: unitDepartment,
		OtherDepartment: unitOtherDepartment, District: unitDistrict, Commune: unitCommune,
		OtherCommune: unitOtherCommune, OtherProvince: unitOtherProvince,
	}
	p.Units = append(p.Units, rbac.Unit{ID: RootUnit, Name: "Cả nước (Văn phòng Chính phủ vận hành)", Kind: rbac.KindNational})
	for _, s := range unitSpecs {
		parent := RootUnit
		if s.parent != "" {
			parent = rbac.UnitID(s.parent)
		}
		p.Units = append(p.Units, rbac.Unit{ID: rbac.UnitID(s.code), Parent: parent, Code: s.code, CodeKind: rbac.CodeAgency, Name: s.name, Kind: s.kind})
	}
	g := newGen()
	// A home address in the unit's province (ministries: Hà Nội).
	addr := func(id rbac.UnitID) string {
		places := map[byte][]string{
			'G': {"phường Ba Đình, thành phố Hà Nội", "phường Cầu Giấy, thành phố Hà Nội", "phường Hoàn Kiếm, thành phố Hà Nội"},
			'8': {"phường Hạc Thành, tỉnh Thanh Hóa", "xã Hoằng Hóa, tỉnh Thanh Hóa", "phường Sầm Sơn, tỉnh Thanh Hóa"},
			'2': {"phường Hạ Long, tỉnh Quảng Ninh", "phường Bãi Cháy, tỉnh Quảng Ninh"},
		}
		key := id[len(id)-1]
		if id[len(id)-3] == 'G' {
			key = 'G'
		}
		return fmt.Sprintf("Số %d ngõ %d, %s", 1+g.rng.IntN(120), 1+g.rng.IntN(60), g.pick(places[key]))
	}
	persona := func(a vnconnecttest.Account, unit rbac.UnitID, role string) Persona {
		p.Accounts = append(p.Accounts, a)
		return Persona{TechID: a.TechID, Name: a.FullName, Unit: unit, Role: role, CCCD: a.SoDinhDanh, Phone: a.Phone}
	}
	member := func(who Persona, sub rbac.SubsystemID, unit rbac.UnitID, group rbac.GroupID, grants ...rbac.RoleGrant) {
		p.Memberships = append(p.Memberships, rbac.Membership{Account: who.TechID, Subsystem: sub, Unit: unit, Group: group,
			State: rbac.Active, Roles: grants, AddedBy: SeedActor})
	}
	admin := func(role rbac.RoleID, lvl rbac.Level) rbac.RoleGrant {
		return rbac.RoleGrant{Role: role, Level: lvl, GrantedBy: SeedActor}
	}
	viaGroup := func(sub rbac.Subsystem, group rbac.GroupID, lvl rbac.Level) rbac.RoleGrant {
		for _, gr := range sub.Groups {
			if gr.ID == group {
				return rbac.RoleGrant{Role: gr.Role, Level: lvl, ViaGroup: group, GrantedBy: SeedActor}
			}
		}
		panic("platform: no group " + string(group))
	}
	pakn := rbac.PAKN()

	p.Operator = persona(g.person("Số 1 Hoàng Hoa Thám, phường Ba Đình, thành phố Hà Nội"), RootUnit,
		"Văn phòng Chính phủ (vận hành nền tảng): duyệt đăng ký quản trị cấp cao")
	p.MinistryAdmin = persona(g.person(addr(unitMinistry)), unitMinistry, "Admin của Bộ (Bộ Tư pháp)")
	member(p.MinistryAdmin, rbac.SubsystemQuantri, unitMinistry, "", admin(rbac.RoleMinistryAdmin, 1))
	p.ProvinceAdmin = persona(g.person(addr(unitProvince)), unitProvince, "Admin của Tỉnh/thành phố (Thanh Hóa)")
	member(p.ProvinceAdmin, rbac.SubsystemQuantri, unitProvince, "", admin(rbac.RoleProvinceAdmin, 1))
	p.DeptAdmin = persona(g.person(addr(unitDepartment)), unitDepartment, "Quản trị đơn vị cấp 2 (Sở Tư pháp Thanh Hóa) trên quantri, PAKN, CSDL")
	member(p.DeptAdmin, rbac.SubsystemQuantri, unitDepartment, "", admin(rbac.RoleUnitAdmin, 2))
	member(p.DeptAdmin, rbac.SubsystemPAKN, unitDepartment, rbac.GroupUnitAdmins, viaGroup(pakn, rbac.GroupUnitAdmins, 2))
	member(p.DeptAdmin, rbac.SubsystemCSDL, unitDepartment, "", admin(rbac.RoleUnitAdmin, 2))
	p.CommuneAdmin = persona(g.person(addr(unitCommune)), unitCommune, "Quản trị đơn vị cấp 3 (xã Hoằng Đạt): quản trị cấp dưới")
	member(p.CommuneAdmin, rbac.SubsystemQuantri, unitCommune, "", admin(rbac.RoleUnitAdmin, 3))
	member(p.CommuneAdmin, rbac.SubsystemPAKN, unitCommune, rbac.GroupUnitAdmins, viaGroup(pakn, rbac.GroupUnitAdmins, 3))
	member(p.CommuneAdmin, rbac.SubsystemCSDL, unitCommune, "", admin(rbac.RoleUnitAdmin, 3))

	for _, u := range []rbac.UnitID{unitDepartment, unitOtherDepartment, unitCommune, unitMinistry} {
		p.NewStaff = append(p.NewStaff, persona(g.person(addr(u)), u, "Cán bộ mới (có tài khoản Vnconnect, chưa có trên phân hệ nào)"))
	}
	for range 3 {
		p.Citizens = append(p.Citizens, persona(g.person(addr(unitCommune)), "", "Công dân gửi phản ánh, kiến nghị"))
	}
	for i, username := range []string{"stp.thanhhoa.cb01", "stp.thanhhoa.cb02"} {
		heir := persona(g.person(addr(unitDepartment)), unitDepartment, "Cán bộ xử lý PAKN, người nhận tài khoản "+username)
		member(heir, rbac.SubsystemPAKN, unitDepartment, rbac.GroupProcessors, viaGroup(pakn, rbac.GroupProcessors, rbac.LevelNone))
		p.Legacy = append(p.Legacy, LegacyUser{Username: username, Password: fmt.Sprintf("%s%02d-demo", legacyPasswordPrefix, i+1),
			Name: heir.Name, Unit: unitDepartment, Group: rbac.GroupProcessors, Heir: heir})
	}
	p.Outgoing = persona(g.person(addr(unitDepartment)), unitDepartment, "Cán bộ xử lý PAKN chuyển công tác (bàn giao)")
	member(p.Outgoing, rbac.SubsystemPAKN, unitDepartment, rbac.GroupProcessors, viaGroup(pakn, rbac.GroupProcessors, rbac.LevelNone))
	p.Incoming = persona(g.person(addr(unitDepartment)), unitDepartment, "Cán bộ xử lý PAKN tiếp nhận (nhận bàn giao)")
	member(p.Incoming, rbac.SubsystemPAKN, unitDepartment, rbac.GroupProcessors, viaGroup(pakn, rbac.GroupProcessors, rbac.LevelNone))

	// Ordinary members, so that every admin's list has people in it.
	staffAt := []struct {
		unit rbac.UnitID
		sub  rbac.SubsystemID
	}{
		{unitDepartment, rbac.SubsystemQuantri}, {unitDepartment, rbac.SubsystemCSDL}, {unitOtherDepartment, rbac.SubsystemPAKN},
		{unitOtherDepartment, rbac.SubsystemQuantri}, {unitCommune, rbac.SubsystemPAKN}, {unitOtherCommune, rbac.SubsystemPAKN},
		{unitOtherCommune, rbac.SubsystemQuantri}, {"000.01.32.H38", rbac.SubsystemCSDL}, {"000.00.05.G13", rbac.SubsystemQuantri},
		{"000.00.09.G13", rbac.SubsystemCSDL}, {"000.00.10.H22", rbac.SubsystemPAKN}, {"000.01.31.H22", rbac.SubsystemQuantri},
	}
	for i, s := range staffAt {
		who := persona(g.person(addr(s.unit)), s.unit, "Cán bộ")
		p.Staff = append(p.Staff, who)
		switch s.sub {
		case rbac.SubsystemPAKN:
			member(who, s.sub, s.unit, rbac.GroupProcessors, viaGroup(pakn, rbac.GroupProcessors, rbac.LevelNone))
		case rbac.SubsystemCSDL:
			member(who, s.sub, s.unit, "", rbac.RoleGrant{Role: "cap-nhat", Level: rbac.LevelNone, GrantedBy: SeedActor})
		default:
			member(who, s.sub, s.unit, "", rbac.RoleGrant{Role: rbac.RoleProcessor, Level: rbac.LevelNone, GrantedBy: SeedActor})
		}
		if i%4 == 3 { // a few saved but not yet activated
			p.Memberships[len(p.Memberships)-1].State = rbac.Pending
			p.Memberships[len(p.Memberships)-1].Roles = nil
			p.Memberships[len(p.Memberships)-1].Group = ""
		}
	}

	// The agencies: an organisation account on Vnconnect and a VGCA-shaped
	// certificate each.
	pk, err := pkitest.New()
	if err != nil {
		return nil, fmt.Errorf("platform: demo PKI: %w", err)
	}
	p.PKI = pk
	for _, s := range agencySpecs {
		u, _ := p.Unit(rbac.UnitID(s.unit))
		a := Agency{Code: u.Code, MST: mst(s.mstBase), Name: u.Name, Unit: u.ID, TechID: g.techID(), Registered: s.registered}
		subject := pkitest.AgencySubject(a.Name, a.Code, a.MST)
		subject.Organization = []string{a.Name}
		leaf, err := pk.IssueLeaf(pkitest.LeafSpec{Subject: subject})
		if err != nil {
			pk.Close()
			return nil, fmt.Errorf("platform: certificate of %s: %w", a.Name, err)
		}
		a.Cert, a.Chain, a.Key = leaf.Cert, leaf.Chain, leaf.Key
		p.Agencies = append(p.Agencies, a)
		p.Accounts = append(p.Accounts, vnconnecttest.Account{
			TechID: a.TechID, Type: vnconnecttest.Organisation, LoA: "LoA4",
			FullName: a.Name, EnterpriseName: a.Name, AgencyCode: a.Code, TaxCode: a.MST,
			Email: s.email, Phone: s.phone, Address: s.address,
		})
	}
	return p, nil
}

// SeedActor is the actor recorded on what the seed writes.
const SeedActor = "seed"
