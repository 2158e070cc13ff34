package pkitest

import (
	"crypto/x509/pkix"
	"encoding/asn1"
)

// OIDUID is the UID attribute (0.9.2342.19200300.100.1.1) in which VGCA-profile
// certificates carry identifiers; pkix.Name has no field for it.
var OIDUID = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}

// UIDAttr returns a UID attribute for pkix.Name.ExtraNames, value written
// as the profile does it: "MST:0400260612".
func UIDAttr(value string) pkix.AttributeTypeAndValue {
	return pkix.AttributeTypeAndValue{Type: OIDUID, Value: value}
}

// AgencySubject returns an agency certificate's subject: CN=name, C=VN and
// the UIDs MST:mst and MDV:agencyCode (an empty argument leaves its UID
// out). Set Organization, Locality, Province on the result as needed, and
// append further UIDs (MNS:, QĐ:) with UIDAttr. The values are written as
// given, valid or not, so tests can build bad subjects too.
func AgencySubject(name, agencyCode, mst string) pkix.Name {
	n := pkix.Name{CommonName: name, Country: []string{"VN"}}
	if mst != "" {
		n.ExtraNames = append(n.ExtraNames, UIDAttr("MST:"+mst))
	}
	if agencyCode != "" {
		n.ExtraNames = append(n.ExtraNames, UIDAttr("MDV:"+agencyCode))
	}
	return n
}

// PersonSubject returns a person's certificate subject: CN=name, C=VN,
// UID=CCCD:cccd. Use fake numbers only (vnid.NewCCCD makes valid fakes).
func PersonSubject(name, cccd string) pkix.Name {
	n := pkix.Name{CommonName: name, Country: []string{"VN"}}
	if cccd != "" {
		n.ExtraNames = append(n.ExtraNames, UIDAttr("CCCD:"+cccd))
	}
	return n
}
