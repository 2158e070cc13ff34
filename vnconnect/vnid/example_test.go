package vnid_test

import (
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// The numbers in these examples are made up for illustration.

func ExampleParseCCCD() {
	c, err := vnid.ParseCCCD("001190012345")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.ProvinceCode, c.ProvinceName(), c.Gender, c.BirthYear)
	fmt.Println(c.CheckHolder(1990, vnid.Female) == nil)

	_, err = vnid.ParseCCCD("003190012345")
	fmt.Println(err)
	fmt.Println(errors.Is(err, vnid.ErrProvince))
	// Output:
	// 001 Hà Nội female 1990
	// true
	// vnid: invalid CCCD: unknown province code "003"
	// true
}

func ExampleNewCCCD() {
	c, err := vnid.NewCCCD("048", vnid.Male, 2003, "000123")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	// Output: 048203000123
}

func ExampleParseCMND() {
	_, err := vnid.ParseCMND("001090012345")
	fmt.Println(err)
	// Output: vnid: invalid CMND: want 9 digits, got 12
}

func ExampleParsePassport() {
	p, err := vnid.ParsePassport("c1234567")
	fmt.Println(p, err)
	// Output: C1234567 <nil>
}

func ExampleParseMST() {
	m, err := vnid.ParseMST("0100109106-001")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Base, m.Branch, m.Head())

	_, err = vnid.ParseMST("0100109107")
	fmt.Println(err)
	// Output:
	// 0100109106 001 0100109106
	// vnid: invalid MST: check digit does not match
}

func ExampleCompleteMST() {
	m, err := vnid.CompleteMST("030123456")
	fmt.Println(m, err)
	// Output: 0301234562 <nil>
}

func ExampleParseAgencyCode() {
	a, err := vnid.ParseAgencyCode("000.05.18.G12")
	if err != nil {
		fmt.Println(err)
		return
	}
	for {
		fmt.Println(a, a.Level())
		p, ok := a.Parent()
		if !ok {
			break
		}
		a = p
	}
	// Output:
	// 000.05.18.G12 3
	// 000.00.18.G12 2
	// 000.00.00.G12 1
}

func ExampleAgencyCode_IsAncestorOf() {
	province, _ := vnid.ParseAgencyCode("000.00.00.H41")
	dept, _ := vnid.ParseAgencyCode("000.00.07.H41")
	fmt.Println(province.IsAncestorOf(dept), dept.IsAncestorOf(province), dept.IsAncestorOf(dept))
	// Output: true false false
}

func ExampleParsePhone() {
	for _, s := range []string{"0912 345 678", "+84 91.234.5678", "(+84) (0) 912-345-678"} {
		p, err := vnid.ParsePhone(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p, p.National())
	}
	_, err := vnid.ParsePhone("0241234567")
	fmt.Println(err)
	// Output:
	// +84912345678 0912345678
	// +84912345678 0912345678
	// +84912345678 0912345678
	// vnid: invalid phone: 024 is not a mobile carrier prefix
}

func ExampleFoldName() {
	fmt.Println(vnid.FoldName("  Nguyễn   Văn Đức "))
	// Output: nguyen van duc
}

func ExampleNameContains() {
	fmt.Println(vnid.NameContains("Nguyễn Văn A", "Nguyen Van A"))
	fmt.Println(vnid.NameContains("Đặng Thị Đào", "dang dao"))
	fmt.Println(vnid.NameContains("Nguyễn Văn A", "van nguyen"))
	// Output:
	// true
	// true
	// false
}
