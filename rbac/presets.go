package rbac

// Presets for the National Public Service Portal's subsystems, as the
// government's guidance describes them. An application registers the ones
// it serves (Service.RegisterSubsystem), or its own.

// Subsystem IDs of the presets.
const (
	SubsystemQuantri SubsystemID = "quantri" // connection console + public services
	SubsystemPAKN    SubsystemID = "pakn"    // feedback and petitions
	SubsystemCSDL    SubsystemID = "csdl"    // national database of administrative procedures
)

// Role and group IDs of the presets.
const (
	RoleMinistryAdmin RoleID = "admin-bo"   // Admin của Bộ
	RoleProvinceAdmin RoleID = "admin-tinh" // Admin của Tỉnh/thành phố
	RoleUnitAdmin     RoleID = "admin"      // quản trị đơn vị (levels 2, 3, …)
	RoleProcessor     RoleID = "xu-ly"      // cán bộ xử lý
	RoleViewer        RoleID = "xem"        // xem, tra cứu

	GroupUnitAdmins GroupID = "nhom-admin-don-vi" // Nhóm admin đơn vị
	GroupProcessors GroupID = "nhom-xu-ly"        // Nhóm xử lý
)

// Permissions of the presets.
const (
	PermManageUsers Permission = "users.manage"
	PermConnection  Permission = "quantri.connection"
	PermCertCopy    Permission = "quantri.chung-thuc"
	PermPAKNProcess Permission = "pakn.process"
	PermPAKNView    Permission = "pakn.view"
	PermCSDLEdit    Permission = "csdl.edit"
	PermCSDLPublish Permission = "csdl.publish"
	PermCSDLView    Permission = "csdl.view"
)

// Quantri is quantri.dichvucong.gov.vn: the connection console and the
// portal's own public services. Super admin grants "Admin của Bộ" or "Admin
// của Tỉnh/thành phố" (level 1); they grant unit admins below.
func Quantri() Subsystem {
	return Subsystem{
		ID:   SubsystemQuantri,
		Name: "Quản trị kết nối và dịch vụ công",
		Roles: []Role{
			{ID: RoleMinistryAdmin, Name: "Admin của Bộ", Admin: true, MinLevel: 1, MaxLevel: 1,
				UnitKinds: []UnitKind{KindMinistry}, Permissions: []Permission{PermManageUsers, PermConnection, PermCertCopy}},
			{ID: RoleProvinceAdmin, Name: "Admin của Tỉnh/thành phố", Admin: true, MinLevel: 1, MaxLevel: 1,
				UnitKinds: []UnitKind{KindProvince}, Permissions: []Permission{PermManageUsers, PermConnection, PermCertCopy}},
			{ID: RoleUnitAdmin, Name: "Quản trị đơn vị", Admin: true, MinLevel: 2,
				Permissions: []Permission{PermManageUsers, PermCertCopy}},
			{ID: RoleProcessor, Name: "Cán bộ chứng thực", Permissions: []Permission{PermCertCopy}},
		},
	}
}

// PAKN is pakn.dichvucong.gov.vn. Its unit admins are a user group, "Nhóm
// admin đơn vị": joining the group is granting the admin role.
func PAKN() Subsystem {
	return Subsystem{
		ID:   SubsystemPAKN,
		Name: "Hệ thống tiếp nhận, xử lý phản ánh, kiến nghị",
		Roles: []Role{
			{ID: RoleUnitAdmin, Name: "Quản trị đơn vị", Admin: true, MinLevel: 1,
				Permissions: []Permission{PermManageUsers, PermPAKNProcess, PermPAKNView}},
			{ID: RoleProcessor, Name: "Cán bộ xử lý", Permissions: []Permission{PermPAKNProcess, PermPAKNView}},
			{ID: RoleViewer, Name: "Cán bộ theo dõi", Permissions: []Permission{PermPAKNView}},
		},
		Groups: []Group{
			{ID: GroupUnitAdmins, Name: "Nhóm admin đơn vị", Role: RoleUnitAdmin},
			{ID: GroupProcessors, Name: "Nhóm xử lý", Role: RoleProcessor},
		},
	}
}

// CSDL is csdl.dichvucong.gov.vn, the national database of administrative
// procedures.
func CSDL() Subsystem {
	return Subsystem{
		ID:   SubsystemCSDL,
		Name: "Cơ sở dữ liệu quốc gia về thủ tục hành chính",
		Roles: []Role{
			{ID: RoleUnitAdmin, Name: "Quản trị CSDL TTHC", Admin: true, MinLevel: 1,
				Permissions: []Permission{PermManageUsers, PermCSDLEdit, PermCSDLPublish, PermCSDLView}},
			{ID: "cap-nhat", Name: "Cán bộ cập nhật", Permissions: []Permission{PermCSDLEdit, PermCSDLView}},
			{ID: "cong-bo", Name: "Cán bộ công bố", Permissions: []Permission{PermCSDLPublish, PermCSDLView}},
		},
	}
}

// role finds a role of s.
func (s *Subsystem) role(id RoleID) (*Role, bool) {
	for i := range s.Roles {
		if s.Roles[i].ID == id {
			return &s.Roles[i], true
		}
	}
	return nil, false
}

// group finds a group of s.
func (s *Subsystem) group(id GroupID) (*Group, bool) {
	for i := range s.Groups {
		if s.Groups[i].ID == id {
			return &s.Groups[i], true
		}
	}
	return nil, false
}

// levels returns the levels an admin role may be granted at.
func (r *Role) levels() (lo, hi Level) {
	lo, hi = r.MinLevel, r.MaxLevel
	if lo < 1 {
		lo = 1
	}
	if hi < 1 || hi > MaxLevel {
		hi = MaxLevel
	}
	return lo, hi
}
