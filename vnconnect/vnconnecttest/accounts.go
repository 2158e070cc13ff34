package vnconnecttest

import (
	"errors"
	"fmt"
	"maps"
	"time"
)

// AccountType is LoaiTaiKhoan: who holds a Vnconnect account.
type AccountType int

const (
	Citizen      AccountType = 1 // công dân
	Business     AccountType = 2 // doanh nghiệp
	Organisation AccountType = 3 // cơ quan, tổ chức
)

// StatusActive is the TrangThai the fake gives every seeded account.
const StatusActive = "1"

// Gender codes sent in GioiTinh. Vnconnect sends a small integer; the fake
// uses 1 for nam (male) and 2 for nữ (female), the order vnid.Gender uses.
const (
	Male   = 1
	Female = 2
)

// Account is one Vnconnect account. Its Claims are what UserInfo, the
// directory and (for sub and acr) the ID token say about it.
type Account struct {
	TechID  string      // TechID, a UUID: the stable account key
	Subject string      // sub; "" means the TechID
	Type    AccountType // LoaiTaiKhoan
	LoA     string      // highest level of assurance held, "LoA1".."LoA4"; "" means LoA1
	Status  string      // TrangThai; "" means StatusActive

	FullName   string    // HoVaTen: the person, or a business's legal representative
	SoDinhDanh string    // 12-digit personal ID (CCCD)
	CMND       string    // SoCMND, 9-digit legacy ID card
	Passport   string    // HoChieu
	MaBHXH     string    // social insurance number
	BirthDate  time.Time // NgayThangNamSinh; only the civil date is used
	Gender     int       // GioiTinh: Male or Female, 0 unset
	Email      string    // ThuDienTu
	Phone      string    // SoDienThoai, as the platform stores it ("09…")
	Address    string    // DiaChi

	TaxCode        string // MaSoThue
	EnterpriseCode string // MaSoDoanhNghiep
	EnterpriseName string // TenDoanhNghiep; organisations carry their name here too
	AgencyCode     string // MaDinhDanhCoQuan (organisations)

	// Extra claims are merged into Claims last, so a test can add a
	// residence field or overwrite a claim with a malformed value.
	Extra map[string]any
}

// sub is the subject the fake puts in tokens and UserInfo.
func (a Account) sub() string {
	if a.Subject != "" {
		return a.Subject
	}
	return a.TechID
}

func (a Account) loa() string {
	if a.LoA == "" {
		return "LoA1"
	}
	return a.LoA
}

// Claims returns the account as UserInfo claims. Unset fields are left out,
// as WSO2 leaves out attributes with no value. loAs lists every level up to
// the account's own, since an account verified at LoA3 also satisfies LoA1.
func (a Account) Claims() map[string]any {
	c := map[string]any{
		"sub":          a.sub(),
		"TechID":       a.TechID,
		"LoaiTaiKhoan": int(a.Type),
		"loAs":         loasUpTo(a.loa()),
	}
	status := a.Status
	if status == "" {
		status = StatusActive
	}
	c["TrangThai"] = status
	put := func(k, v string) {
		if v != "" {
			c[k] = v
		}
	}
	put("HoVaTen", a.FullName)
	put("SoDinhDanh", a.SoDinhDanh)
	put("SoCMND", a.CMND)
	put("HoChieu", a.Passport)
	put("MaBHXH", a.MaBHXH)
	if !a.BirthDate.IsZero() {
		c["NgayThangNamSinh"] = a.BirthDate.Format("20060102")
	}
	if a.Gender != 0 {
		c["GioiTinh"] = a.Gender
	}
	put("ThuDienTu", a.Email)
	put("SoDienThoai", a.Phone)
	put("DiaChi", a.Address)
	put("MaSoThue", a.TaxCode)
	put("MaSoDoanhNghiep", a.EnterpriseCode)
	put("TenDoanhNghiep", a.EnterpriseName)
	put("MaDinhDanhCoQuan", a.AgencyCode)
	maps.Copy(c, a.Extra)
	return c
}

// loaRank orders the levels of assurance; 0 is not a level.
func loaRank(loa string) int {
	switch loa {
	case "LoA1":
		return 1
	case "LoA2":
		return 2
	case "LoA3":
		return 3
	case "LoA4":
		return 4
	}
	return 0
}

func loasUpTo(loa string) []string {
	n := loaRank(loa)
	out := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("LoA%d", i))
	}
	return out
}

func (s *Server) addAccount(a Account) error {
	if a.TechID == "" {
		return errors.New("vnconnecttest: Account.TechID is empty")
	}
	if a.LoA != "" && loaRank(a.LoA) == 0 {
		return fmt.Errorf("vnconnecttest: account %s: LoA must be LoA1..LoA4", a.TechID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.accounts[a.TechID]; dup {
		return fmt.Errorf("vnconnecttest: duplicate TechID %s", a.TechID)
	}
	a.Extra = maps.Clone(a.Extra)
	s.accounts[a.TechID] = a
	s.order = append(s.order, a.TechID)
	return nil
}

// AddAccount adds an account. It panics on an empty or duplicate TechID or
// an unknown LoA: those are mistakes in the test, not conditions to handle.
func (s *Server) AddAccount(a Account) {
	if err := s.addAccount(a); err != nil {
		panic(err)
	}
}

// Accounts lists every account, seeded ones first, in a stable order.
func (s *Server) Accounts() []Account {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Account, 0, len(s.order))
	for _, id := range s.order {
		a := s.accounts[id]
		a.Extra = maps.Clone(a.Extra)
		out = append(out, a)
	}
	return out
}

// Account looks an account up by TechID.
func (s *Server) Account(techID string) (Account, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.accounts[techID]
	a.Extra = maps.Clone(a.Extra)
	return a, ok
}
