package vnconnect

import "strconv"

// AccountType is the kind of Vnconnect account, claim LoaiTaiKhoan.
type AccountType int

const (
	// AccountUnknown: LoaiTaiKhoan absent or not one of the known codes.
	AccountUnknown AccountType = 0
	// AccountCitizen: công dân, a person (LoaiTaiKhoan 1).
	AccountCitizen AccountType = 1
	// AccountBusiness: doanh nghiệp, an enterprise or household business
	// (LoaiTaiKhoan 2).
	AccountBusiness AccountType = 2
	// AccountOrganisation: cơ quan, tổ chức, a state agency or other
	// organisation (LoaiTaiKhoan 3); carries MaDinhDanhCoQuan.
	AccountOrganisation AccountType = 3
)

// String returns the Vietnamese label the portal shows, because that is
// what relying parties put on screen; use the constants' names in code.
func (t AccountType) String() string {
	switch t {
	case AccountCitizen:
		return "Công dân"
	case AccountBusiness:
		return "Doanh nghiệp"
	case AccountOrganisation:
		return "Cơ quan, tổ chức"
	case AccountUnknown:
		return "Không xác định"
	}
	return "LoaiTaiKhoan(" + strconv.Itoa(int(t)) + ")"
}

// Valid reports whether t is one of the three account kinds.
func (t AccountType) Valid() bool { return t >= AccountCitizen && t <= AccountOrganisation }
