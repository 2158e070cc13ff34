package pki

import "strings"

// resolveTaxCode fills TaxCode from the first valid MST:/TIN: UID, else
// from organizationIdentifier. The UID wins because it is what the VGCA
// profile itself defines; 2.5.4.97 is what some other CAs use instead.
func (s *Subject) resolveTaxCode() {
	var firstErr error
	for _, u := range s.UIDs {
		if u.Family() != UIDMST {
			continue
		}
		if u.Err == nil {
			s.TaxCode = u.Value
			return
		}
		if firstErr == nil {
			firstErr = u.Err
		}
	}
	if s.OrganizationIdentifier != "" {
		v, err := validateUID(UIDMST, orgIDTaxCode(s.OrganizationIdentifier))
		if err == nil {
			s.TaxCode = v
			return
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	s.TaxCodeErr = firstErr
}

// orgIDTaxCode extracts the tax code from an organizationIdentifier value.
// Accepted forms:
//
//   - plain: "0400260612", "0400260612-001";
//   - the VGCA UID style: "MST:0400260612", "TIN:0400260612";
//   - ETSI EN 319 412-1 §5.1.4: three letters for the registration scheme,
//     the country "VN", a hyphen, the identifier. "VATVN-", "TINVN-" and
//     "NTRVN-" are taken as the tax code, since a Vietnamese enterprise's
//     registration number is its tax code (Law on Enterprises 2020, art. 29).
//
// Anything else is returned unchanged and fails validation as a tax code.
func orgIDTaxCode(v string) string {
	v = strings.TrimSpace(v)
	if p, rest, ok := strings.Cut(v, ":"); ok {
		if k := lookupPrefix(p); k == UIDMST || k == UIDTIN {
			return strings.TrimSpace(rest)
		}
		return v
	}
	if len(v) > 6 && v[5] == '-' {
		switch asciiUpper(v[:5]) {
		case "VATVN", "TINVN", "NTRVN":
			return v[6:]
		}
	}
	return v
}
