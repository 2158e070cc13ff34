package pki

import "github.com/rpkit-vn/rpkit/vnconnect/vnid"

// First returns the first UID of kind, valid or not. Asking for one of the
// five base kinds (CCCD, CMND, HC, MST, MNS) also finds its aliases, so
// First(UIDMST) finds "TIN:" too; asking for an alias finds only that alias.
func (s *Subject) First(kind UIDKind) (UID, bool) {
	for _, u := range s.UIDs {
		if u.Kind == kind || (u.Family() == kind && kind != UIDUnknown) {
			return u, true
		}
	}
	return UID{}, false
}

// firstValid is First restricted to valid UIDs.
func (s *Subject) firstValid(kind UIDKind) (UID, bool) {
	for _, u := range s.UIDs {
		if u.Err == nil && (u.Kind == kind || u.Family() == kind) && kind != UIDUnknown {
			return u, true
		}
	}
	return UID{}, false
}

// AgencyCode returns the agency code of the first valid MDV: UID.
func (s *Subject) AgencyCode() (vnid.AgencyCode, bool) {
	u, ok := s.firstValid(UIDMDV)
	if !ok {
		return vnid.AgencyCode{}, false
	}
	a, err := vnid.ParseAgencyCode(u.Value)
	return a, err == nil
}

// MST returns the organisation's tax code (see Subject.TaxCode) as a
// vnid.MST. It is false when there is none, and when the tax code is an
// individual's 12-digit personal number, which is not an MST: read TaxCode
// or PersonalID for that.
func (s *Subject) MST() (vnid.MST, bool) {
	if s.TaxCode == "" {
		return vnid.MST{}, false
	}
	m, err := vnid.ParseMST(s.TaxCode)
	return m, err == nil
}

// PersonalID returns the holder's personal identifier: the first valid
// CCCD-family UID (CCCD, CZN, 12-digit PID), else CMND (or 9-digit PID),
// else passport (HC, PPT). Agency certificates normally have none.
func (s *Subject) PersonalID() (UID, bool) {
	for _, k := range []UIDKind{UIDCCCD, UIDCMND, UIDHC} {
		if u, ok := s.firstValid(k); ok {
			return u, true
		}
	}
	return UID{}, false
}
