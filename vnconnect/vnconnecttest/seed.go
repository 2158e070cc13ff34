package vnconnecttest

import (
	"fmt"
	"time"
)

// TechIDs of seeded accounts that tests and documentation name. Every
// seeded account is invented: names are common Vietnamese names put
// together at random, identifiers are computed to be well-formed, e-mail
// addresses use example.com. Any match with a real person or business is
// coincidence.
const (
	// CitizenTechID: Nguyễn Văn An, male, born 14/03/1985, Hà Nội, LoA2.
	CitizenTechID = "b8c2f30e-be29-48a8-a26f-be4c8647ff52"
	// CitizenFemaleTechID: Trần Thị Bích Ngọc, female, born 02/11/1992,
	// Hồ Chí Minh, LoA3, with a passport.
	CitizenFemaleTechID = "a5ea3b90-11fa-4a83-8a40-d46c9eedaa94"
	// CitizenLoA1TechID: Phạm Thị Thu Hà, LoA1 only: for step-up and
	// insufficient-LoA tests.
	CitizenLoA1TechID = "0413cee1-9a44-4b02-a61a-33924091e227"
	// CitizenLoA4TechID: Hoàng Minh Quân, LoA4.
	CitizenLoA4TechID = "10a1bfca-8920-4546-8091-a32d6e8c0fbd"
	// Citizen2000sTechID: Lê Hoàng Đức, born 2001, so his CCCD's century
	// digit is 2.
	Citizen2000sTechID = "9b0cad69-cfe9-4252-a46f-a9579bcfba68"
	// BusinessTechID: Công ty TNHH Phần mềm Sông Hồng Xanh (fictional).
	BusinessTechID = "674f2897-86eb-4a31-89bd-487052ba428b"
	// BusinessBranchTechID: a branch, with a tax code in the -NNN form.
	BusinessBranchTechID = "3b2e8ca7-bcf6-4dbb-93bf-7059c943c0f7"
	// OrganisationTechID: Ủy ban nhân dân tỉnh Nghệ An, agency code
	// 000.00.00.H41 (a test account, not the agency's own).
	OrganisationTechID = "9b40e91b-de60-48d4-8709-a73f922f77cf"
	// OrganisationChildTechID: a department under OrganisationTechID,
	// agency code 000.00.12.H41 (level 2 under H41).
	OrganisationChildTechID = "47bd06fe-7702-4203-bc2b-c294635b6d66"
)

// person is the generator's input for a citizen or a representative.
type person struct {
	techID   string
	name     string
	gender   int
	born     string // yyyy-mm-dd
	province string // CCCD province code
	serial   string // last 6 CCCD digits
	cmnd     string
	passport string
	bhxh     string
	phone    string
	email    string
	address  string
	loa      string
}

func (p person) account() Account {
	birth, err := time.Parse(time.DateOnly, p.born)
	if err != nil {
		panic(err)
	}
	return Account{
		TechID:     p.techID,
		Type:       Citizen,
		LoA:        p.loa,
		FullName:   p.name,
		SoDinhDanh: makeCCCD(p.province, p.gender, birth.Year(), p.serial),
		CMND:       p.cmnd,
		Passport:   p.passport,
		MaBHXH:     p.bhxh,
		BirthDate:  birth,
		Gender:     p.gender,
		Email:      p.email,
		Phone:      p.phone,
		Address:    p.address,
	}
}

// makeCCCD builds a 12-digit CCCD: province code, the century/gender digit
// (1900s: 0 male, 1 female; 2000s: 2 male, 3 female), the two last digits of
// the birth year, and a serial.
func makeCCCD(province string, gender, year int, serial string) string {
	d := 2 * (year/100 - 19)
	if gender == Female {
		d++
	}
	if d < 0 || d > 9 || len(province) != 3 || len(serial) != 6 {
		panic("vnconnecttest: bad CCCD parts")
	}
	return fmt.Sprintf("%s%d%02d%s", province, d, year%100, serial)
}

// makeMST appends the check digit to a 9-digit base: d10 = 10 − (Σ dᵢ·wᵢ
// mod 11). A base whose remainder is 0 or 10 is nudged (its last digit
// incremented) because implementations disagree about those two cases; a
// seeded code must be valid under every reading.
func makeMST(base string) string {
	weights := [9]int{31, 29, 23, 19, 17, 13, 7, 5, 3}
	b := []byte(base)
	if len(b) != 9 {
		panic("vnconnecttest: MST base must have 9 digits")
	}
	for {
		sum := 0
		for i, c := range b {
			sum += int(c-'0') * weights[i]
		}
		if r := sum % 11; r != 0 && r != 10 {
			return string(b) + string(rune('0'+10-r))
		}
		b[8] = '0' + (b[8]-'0'+1)%10
	}
}

// SeedAccounts returns the deterministic seeded accounts: nine citizens,
// three businesses and three organisations. Every call returns the same
// data. The constants above name a few; iterate Server.Accounts for the rest.
func SeedAccounts() []Account {
	people := []person{
		{CitizenTechID, "Nguyễn Văn An", Male, "1985-03-14", "001", "004217", "013572468", "", "0123456789", "0912345678", "nguyenvanan@example.com", "Số 12 ngõ 45 phố Hoa Lư, phường Hai Bà Trưng, thành phố Hà Nội", "LoA2"},
		{CitizenFemaleTechID, "Trần Thị Bích Ngọc", Female, "1992-11-02", "079", "018364", "", "C2345678", "7912345601", "0987654321", "ngoc.tran@example.com", "Số 88 đường Lê Văn Sỹ, phường Nhiêu Lộc, Thành phố Hồ Chí Minh", "LoA3"},
		{Citizen2000sTechID, "Lê Hoàng Đức", Male, "2001-07-21", "048", "002931", "", "", "4812345602", "0905123987", "duc.le@example.com", "Tổ 7, phường Hải Châu, thành phố Đà Nẵng", "LoA2"},
		{CitizenLoA1TechID, "Phạm Thị Thu Hà", Female, "1978-05-30", "031", "007745", "031245789", "", "", "0325678123", "thuha.pham@example.com", "Số 5 đường Lạch Tray, phường Gia Viên, thành phố Hải Phòng", "LoA1"},
		{CitizenLoA4TechID, "Hoàng Minh Quân", Male, "1969-12-09", "040", "011208", "186543210", "B7654321", "4012345603", "0868123456", "quan.hoang@example.com", "Khối 3, phường Trường Vinh, tỉnh Nghệ An", "LoA4"},
		{"54061f6b-6e6e-4d7d-8ee6-34d1c3446d60", "Vũ Thị Lan Anh", Female, "2004-01-17", "036", "005382", "", "", "3612345604", "0708456123", "lananh.vu@example.com", "Xóm 2, xã Hải Hậu, tỉnh Ninh Bình", "LoA2"},
		{"b2bcb447-0b2b-41b9-ac91-6a65d81d01ef", "Đặng Quốc Bảo", Male, "1990-09-05", "092", "009127", "", "C8765432", "9212345605", "0832765498", "bao.dang@example.com", "Số 21 đường 30 tháng 4, phường Ninh Kiều, thành phố Cần Thơ", "LoA2"},
		{"cba52779-c54b-4c3d-8824-bc0c6cd1034f", "Bùi Thị Mai", Female, "1958-02-11", "038", "000614", "172839465", "", "3812345606", "0394567812", "", "Thôn Đông, xã Hoằng Hóa, tỉnh Thanh Hóa", "LoA2"},
		{"634f12fc-f815-4ea6-ace6-caeb8bdf14bd", "Nguyễn Thị Ánh", Female, "1997-06-25", "026", "010459", "", "", "2612345607", "0567891234", "anh.nguyen@example.com", "Số 3 phố Mê Linh, phường Vĩnh Yên, tỉnh Phú Thọ", "LoA2"},
	}
	var out []Account
	for _, p := range people {
		out = append(out, p.account())
	}

	// Businesses log in through their legal representative; HoVaTen and
	// SoDinhDanh are the representative's, the rest the enterprise's.
	// For an enterprise the registration code equals the tax code.
	rep := func(p person) Account { a := p.account(); a.Type = Business; a.MaBHXH = ""; return a }
	b1 := rep(person{BusinessTechID, "Ngô Văn Thành", Male, "1980-08-19", "001", "012876", "", "", "", "0977123456", "lienhe@songhongxanh.example.com", "Tầng 5, số 9 phố Duy Tân, phường Cầu Giấy, thành phố Hà Nội", "LoA2"})
	b1.TaxCode = makeMST("010987654")
	b1.EnterpriseCode = b1.TaxCode
	b1.EnterpriseName = "Công ty TNHH Phần mềm Sông Hồng Xanh"
	b2 := rep(person{"d97c1d86-8b5f-4b0b-8469-b5a287dd8c33", "Lý Thị Hồng Nhung", Female, "1988-04-03", "079", "015530", "", "", "", "0938456712", "info@benthanhxanh.example.com", "Số 102 đường Nguyễn Huệ, phường Sài Gòn, Thành phố Hồ Chí Minh", "LoA3"})
	b2.TaxCode = makeMST("031234567")
	b2.EnterpriseCode = b2.TaxCode
	b2.EnterpriseName = "Công ty Cổ phần Thương mại Bến Thành Xanh"
	b3 := rep(person{BusinessBranchTechID, "Trịnh Văn Hùng", Male, "1975-10-28", "048", "006671", "", "", "", "0797345612", "chinhanh.dn@songhongxanh.example.com", "Số 40 đường Bạch Đằng, phường Hải Châu, thành phố Đà Nẵng", "LoA2"})
	b3.TaxCode = b1.TaxCode + "-001"
	b3.EnterpriseCode = b3.TaxCode
	b3.EnterpriseName = "Chi nhánh Đà Nẵng - Công ty TNHH Phần mềm Sông Hồng Xanh"
	out = append(out, b1, b2, b3)

	// Organisations sign in with a VGCA certificate; their account carries
	// the agency code and the unit's own tax code.
	org := func(techID, code, mstBase, name, email, phone, address, loa string) Account {
		return Account{
			TechID: techID, Type: Organisation, LoA: loa,
			FullName: name, EnterpriseName: name, AgencyCode: code,
			TaxCode: makeMST(mstBase), Email: email, Phone: phone, Address: address,
		}
	}
	out = append(out,
		org(OrganisationTechID, "000.00.00.H41", "290145678", "Ủy ban nhân dân tỉnh Nghệ An",
			"ubnd.nghean@example.com", "0912000441", "Số 3 đường Trường Thi, phường Thành Vinh, tỉnh Nghệ An", "LoA4"),
		org(OrganisationChildTechID, "000.00.12.H41", "290156789", "Sở Y tế tỉnh Nghệ An",
			"soyte.nghean@example.com", "0912000442", "Số 18 đường Trường Thi, phường Thành Vinh, tỉnh Nghệ An", "LoA3"),
		org("40e7c63f-04ad-4c1a-a461-673169631de4", "000.00.00.G22", "010234567", "Văn phòng Chính phủ",
			"vpcp@example.com", "0912000422", "Số 1 Hoàng Hoa Thám, phường Ba Đình, thành phố Hà Nội", "LoA4"),
	)
	return out
}
