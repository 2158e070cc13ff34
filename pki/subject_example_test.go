package pki_test

import (
	"fmt"

	"github.com/rpkit-vn/rpkit/pki"
	"github.com/rpkit-vn/rpkit/pki/pkitest"
)

func ExampleParseSubject() {
	// In production the name comes from a verified certificate:
	// pki.SubjectOf(result.Chain[0]) or Result.Subject.
	name := pkitest.AgencySubject("SỞ Y TẾ", "", "0400260612")
	name.Organization = []string{"ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG"}
	name.ExtraNames = append(name.ExtraNames, pkitest.UIDAttr("MNS:1047665"), pkitest.UIDAttr("MDV:000.00.00.H4"))

	s, err := pki.ParseSubject(name)
	if err != nil {
		fmt.Println("unreadable subject:", err)
		return
	}
	fmt.Println(s.CommonName, "/", s.Organization)
	for _, u := range s.UIDs {
		fmt.Printf("%s %s valid=%v\n", u.Kind, u.Value, u.Valid())
	}
	if m, ok := s.MST(); ok {
		fmt.Println("tax code:", m)
	}
	if _, ok := s.AgencyCode(); !ok {
		fmt.Println("no valid agency code")
	}
	// Output:
	// SỞ Y TẾ / ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG
	// MST 0400260612 valid=true
	// MNS 1047665 valid=true
	// MDV 000.00.00.H4 valid=false
	// tax code: 0400260612
	// no valid agency code
}
