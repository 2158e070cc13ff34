package platform

import (
	"crypto"
	"crypto/x509"

	"github.com/rpkit-vn/rpkit/pki/pkitest"
	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnconnecttest"
)

// Persona is one seeded (fake) person the demo's walk-through and its
// tests refer to by role. TechID is their Vnconnect account.
type Persona struct {
	TechID string
	Name   string
	Unit   rbac.UnitID // where they work; "" for a citizen
	Role   string      // what the banner says they are, in Vietnamese
	// CCCD and Phone (national form, "09…") are what an admin types in
	// "Tìm kiếm trên Vnconnect" to find them.
	CCCD  string
	Phone string
}

// Agency is a ministry or province (or a department) with a VGCA-shaped
// certificate from the demo PKI on a (simulated) USB token.
type Agency struct {
	Code   string // mã định danh cơ quan (QCVN 102)
	MST    string // tax code
	Name   string
	Unit   rbac.UnitID // its unit in rbac's tree
	TechID string      // its organisation account on Vnconnect
	Cert   *x509.Certificate
	Chain  []*x509.Certificate // Cert, sub-CA, root
	Key    crypto.Signer
	// Registered: its super admin is already approved in the seed. The
	// walk-through registers one agency that is not.
	Registered bool
}

// LegacyUser is a username/password account of the PAKN-like app, with
// feedback cases it owns, waiting to be converted to Vnconnect.
type LegacyUser struct {
	Username, Password string // demo only: printed in the banner
	Name               string
	Unit               rbac.UnitID
	Group              rbac.GroupID
	// Heir is the Vnconnect account it is meant to become (same person,
	// same unit and group).
	Heir Persona
}

// Population is everything the demo seeds: the dev Vnconnect's accounts,
// rbac's unit tree and memberships, the agencies' certificates, the PAKN
// app's legacy accounts and feedback cases. It is deterministic except for
// keys, and holds only generated (fake) people.
type Population struct {
	Accounts []vnconnecttest.Account // what the dev Vnconnect serves
	Units    []rbac.Unit             // parents before children

	Operator      Persona // VPCP: approves super-admin requests
	Agencies      []Agency
	MinistryAdmin Persona   // quantri "Admin của Bộ" of a seeded ministry
	ProvinceAdmin Persona   // quantri "Admin của Tỉnh/thành phố" of a province
	DeptAdmin     Persona   // level-2 admin of a department of that province (quantri, pakn, csdl)
	CommuneAdmin  Persona   // level-3 admin of a commune: the lower admin refused outside its subtree
	NewStaff      []Persona // on Vnconnect, not yet on any subsystem: for "Thêm mới"
	Citizens      []Persona // submit feedback on PAKN
	Legacy        []LegacyUser
	// Outgoing hands a PAKN account (cases and rights) to Incoming when
	// staff change: same unit and group, both active on PAKN.
	Outgoing, Incoming Persona

	// Staff are the other seeded members (processors, viewers) that fill
	// the user lists; Memberships is every rbac membership the seed
	// writes (the admins', the heirs', Outgoing's, Incoming's, Staff's).
	Staff       []Persona
	Memberships []rbac.Membership

	// Root is the unit tree's root (the whole country); the Ministry,
	// Province, Department, District and Commune… fields name the units
	// the walk-through happens in.
	Root, Ministry, Province, Department, OtherDepartment rbac.UnitID
	District, Commune, OtherCommune, OtherProvince        rbac.UnitID

	// PKI is the demo's VGCA-shaped test PKI (its CRL and OCSP servers run
	// on loopback until Close). NOT FOR PRODUCTION.
	PKI *pkitest.PKI
}

// Close stops the demo PKI's servers.
func (p *Population) Close() {
	if p != nil && p.PKI != nil {
		p.PKI.Close()
	}
}

// Unit returns the seeded unit id, or false.
func (p *Population) Unit(id rbac.UnitID) (rbac.Unit, bool) {
	for _, u := range p.Units {
		if u.ID == id {
			return u, true
		}
	}
	return rbac.Unit{}, false
}

// Agency returns the seeded agency of unit id, or false.
func (p *Population) Agency(unit rbac.UnitID) (Agency, bool) {
	for _, a := range p.Agencies {
		if a.Unit == unit {
			return a, true
		}
	}
	return Agency{}, false
}

// Unregistered is the one agency whose super admin is not yet approved:
// the registration walk-through's.
func (p *Population) Unregistered() Agency {
	for _, a := range p.Agencies {
		if !a.Registered {
			return a
		}
	}
	return Agency{}
}
