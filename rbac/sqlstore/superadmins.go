package sqlstore

import (
	"database/sql"
	"fmt"

	"github.com/rpkit-vn/rpkit/rbac"
)

const superCols = `account, unit, cred_agency_code, cred_mst, cred_name, cred_serial, cred_issuer,
	decision, request_id, granted_by, granted_at, review`

func scanSuper(r scanner) (rbac.SuperAdmin, error) {
	var s rbac.SuperAdmin
	var granted sql.NullInt64
	c := &s.Credential
	err := r.Scan(&s.Account, (*string)(&s.Unit), &c.AgencyCode, &c.MST, &c.Name, &c.CertSerial, &c.CertIssuer,
		&s.Decision, &s.RequestID, &s.GrantedBy, &granted, &s.Review)
	s.GrantedAt = tsVal(granted)
	return s, err
}

func (t *tx) SuperAdmins(unit rbac.UnitID) ([]rbac.SuperAdmin, error) {
	ss, err := queryAll(t.c, scanSuper, `SELECT `+superCols+` FROM super_admins WHERE unit = ? ORDER BY account`, string(unit))
	return ss, t.c.fail("super admins of "+string(unit), err)
}

func (t *tx) SuperAdminsOf(account string) ([]rbac.SuperAdmin, error) {
	ss, err := queryAll(t.c, scanSuper, `SELECT `+superCols+` FROM super_admins WHERE account = ? ORDER BY unit`, account)
	return ss, t.c.fail("super admin units of "+account, err)
}

func (t *tx) PutSuperAdmin(s rbac.SuperAdmin) error {
	if s.Account == "" || s.Unit == "" {
		return fmt.Errorf("%w: super admin without account or unit", rbac.ErrInvalid)
	}
	t.reads.dropHolding(s.Account)
	c := s.Credential
	_, err := t.c.exec(`INSERT INTO super_admins (`+superCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account, unit) DO UPDATE SET cred_agency_code = excluded.cred_agency_code,
			cred_mst = excluded.cred_mst, cred_name = excluded.cred_name, cred_serial = excluded.cred_serial,
			cred_issuer = excluded.cred_issuer, decision = excluded.decision, request_id = excluded.request_id,
			granted_by = excluded.granted_by, granted_at = excluded.granted_at, review = excluded.review`,
		s.Account, string(s.Unit), c.AgencyCode, c.MST, c.Name, c.CertSerial, c.CertIssuer,
		s.Decision, s.RequestID, s.GrantedBy, tsArg(s.GrantedAt), s.Review)
	return t.c.fail(fmt.Sprintf("put super admin %s of %s", s.Account, s.Unit), err)
}

func (t *tx) DeleteSuperAdmin(account string, unit rbac.UnitID) error {
	t.reads.dropHolding(account)
	res, err := t.c.exec(`DELETE FROM super_admins WHERE account = ? AND unit = ?`, account, string(unit))
	if err != nil {
		return t.c.fail("delete super admin", err)
	}
	return t.mustAffect(res, fmt.Sprintf("super admin %s of %s", account, unit))
}

const requestCols = `id, account, unit, cred_agency_code, cred_mst, cred_name, cred_serial, cred_issuer,
	decision, reason, state, created_at, decided_by, decided_at, note`

func scanRequest(r scanner) (rbac.SuperAdminRequest, error) {
	var q rbac.SuperAdminRequest
	var created, decided sql.NullInt64
	c := &q.Credential
	err := r.Scan(&q.ID, &q.Account, (*string)(&q.Unit), &c.AgencyCode, &c.MST, &c.Name, &c.CertSerial, &c.CertIssuer,
		&q.Decision, &q.Reason, (*string)(&q.State), &created, &q.DecidedBy, &decided, &q.Note)
	q.CreatedAt, q.DecidedAt = tsVal(created), tsVal(decided)
	return q, err
}

func (t *tx) SuperAdminRequest(id string) (rbac.SuperAdminRequest, error) {
	q, err := scanRequest(t.c.queryRow(`SELECT `+requestCols+` FROM super_admin_requests WHERE id = ?`, id))
	return q, t.c.fail("super admin request "+id, err)
}

func (t *tx) SuperAdminRequests(state rbac.RequestState) ([]rbac.SuperAdminRequest, error) {
	// NULL (zero) times first, as the zero time sorts first in Go.
	const order = ` ORDER BY COALESCE(created_at, -9223372036854775808), id`
	var (
		qs  []rbac.SuperAdminRequest
		err error
	)
	if state == "" {
		qs, err = queryAll(t.c, scanRequest, `SELECT `+requestCols+` FROM super_admin_requests`+order)
	} else {
		qs, err = queryAll(t.c, scanRequest, `SELECT `+requestCols+` FROM super_admin_requests WHERE state = ?`+order, string(state))
	}
	return qs, t.c.fail("super admin requests", err)
}

func (t *tx) PutSuperAdminRequest(q rbac.SuperAdminRequest) error {
	if q.ID == "" {
		return fmt.Errorf("%w: request without ID", rbac.ErrInvalid)
	}
	c := q.Credential
	_, err := t.c.exec(`INSERT INTO super_admin_requests (`+requestCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET account = excluded.account, unit = excluded.unit,
			cred_agency_code = excluded.cred_agency_code, cred_mst = excluded.cred_mst, cred_name = excluded.cred_name,
			cred_serial = excluded.cred_serial, cred_issuer = excluded.cred_issuer, decision = excluded.decision,
			reason = excluded.reason, state = excluded.state, created_at = excluded.created_at,
			decided_by = excluded.decided_by, decided_at = excluded.decided_at, note = excluded.note`,
		q.ID, q.Account, string(q.Unit), c.AgencyCode, c.MST, c.Name, c.CertSerial, c.CertIssuer,
		q.Decision, q.Reason, string(q.State), tsArg(q.CreatedAt), q.DecidedBy, tsArg(q.DecidedAt), q.Note)
	return t.c.fail("put super admin request "+q.ID, err)
}
