package rbac

import (
	"context"
	"encoding/hex"
	"errors"
	"io"
	"strings"

	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// Super admin (Quản trị cấp cao), as the Government Office's guidance runs
// it: the ministry or province registers an agency account on the portal
// with its VGCA certificate, tells the Office, and the Office (the
// operator) grants it — once the agency code in the certificate matches the
// registry. A ministry or province may authorise a subordinate body (its
// Office, the provincial Public Administration Service Centre…) to hold it
// by a written decision naming that body and its code.

func superTarget(account string, unit UnitID) string {
	return "super-admin:" + account + "@" + string(unit)
}

// RequestSuperAdmin records the agency's request to be super admin of unit.
// The credential's agency code must be the unit's own; the agency's
// Vnconnect account is found through the directory by agency code (or tax
// code). The operator approves or rejects it.
func (s *Service) RequestSuperAdmin(ctx context.Context, cred AgencyCredential, unit UnitID, reason string) (SuperAdminRequest, error) {
	return s.request(ctx, cred, unit, "", reason)
}

// RequestDelegatedSuperAdmin is RequestSuperAdmin for a subordinate body
// authorised by the unit's written decision (its reference is recorded):
// the credential's agency code must lie below the unit's.
func (s *Service) RequestDelegatedSuperAdmin(ctx context.Context, cred AgencyCredential, unit UnitID, decision, reason string) (SuperAdminRequest, error) {
	if strings.TrimSpace(decision) == "" {
		return SuperAdminRequest{}, invalid("the authorising decision's reference is required")
	}
	return s.request(ctx, cred, unit, strings.TrimSpace(decision), reason)
}

func (s *Service) request(ctx context.Context, cred AgencyCredential, unit UnitID, decision, reason string) (SuperAdminRequest, error) {
	code, err := vnid.ParseAgencyCode(cred.AgencyCode)
	if err != nil {
		return SuperAdminRequest{}, invalid("credential: %v", err)
	}
	cred.AgencyCode = code.String()
	if reason == "" {
		return SuperAdminRequest{}, invalid("a reason is required")
	}
	// Check the codes before asking Vnconnect anything.
	if err := s.store.View(ctx, func(tx ReadTx) error { return matchCredential(tx, cred, unit, decision) }); err != nil {
		return SuperAdminRequest{}, err
	}
	account, err := s.agencyAccount(ctx, cred)
	if err != nil {
		return SuperAdminRequest{}, err
	}
	id, err := s.newID("sar-")
	if err != nil {
		return SuperAdminRequest{}, err
	}
	var out SuperAdminRequest
	err = s.update(ctx, reason, func(tx Tx) error {
		if err := matchCredential(tx, cred, unit, decision); err != nil {
			return err
		}
		now := s.now()
		out = SuperAdminRequest{ID: id, Account: account, Unit: unit, Credential: cred, Decision: decision,
			Reason: reason, State: RequestPending, CreatedAt: now}
		if err := tx.PutSuperAdminRequest(out); err != nil {
			return err
		}
		return s.audit(tx, now, account, ActRequestSuperAdmin, "request:"+id, reason, map[string]string{
			"unit": string(unit), "agency_code": cred.AgencyCode, "cert_serial": cred.CertSerial,
			"cert_issuer": cred.CertIssuer, "decision": decision})
	})
	return out, err
}

// matchCredential: the unit must carry an agency code, and the
// certificate's must equal it — or, with a decision, lie below it.
func matchCredential(tx ReadTx, cred AgencyCredential, unit UnitID, decision string) error {
	u, err := liveUnit(tx, unit)
	if err != nil {
		return err
	}
	if u.CodeKind != CodeAgency {
		return deny(cred.AgencyCode, ActRequestSuperAdmin, Target{Unit: unit}, RuleCodeMismatch,
			"the unit has no agency code to match the certificate against")
	}
	want, err := vnid.ParseAgencyCode(u.Code)
	if err != nil {
		return invalid("unit %s: %v", unit, err)
	}
	got, _ := vnid.ParseAgencyCode(cred.AgencyCode)
	switch {
	case decision == "" && got == want:
		return nil
	case decision != "" && want.IsAncestorOf(got):
		return nil
	case decision == "":
		return deny(cred.AgencyCode, ActRequestSuperAdmin, Target{Unit: unit}, RuleCodeMismatch,
			"the certificate's agency code "+got.String()+" is not the unit's "+want.String())
	}
	return deny(cred.AgencyCode, ActRequestSuperAdmin, Target{Unit: unit}, RuleCodeMismatch,
		"the authorised body "+got.String()+" is not below the unit "+want.String())
}

// agencyAccount finds the agency's Vnconnect account.
func (s *Service) agencyAccount(ctx context.Context, cred AgencyCredential) (string, error) {
	if s.dir == nil {
		return "", invalid("no Vnconnect directory configured")
	}
	found, err := s.dir.Search(ctx, vnconnect.Query{AgencyCode: cred.AgencyCode, Type: vnconnect.AccountOrganisation})
	if err != nil && !errors.Is(err, vnconnect.ErrNotFound) {
		return "", err
	}
	if len(found) == 1 && found[0].TechID != "" {
		return found[0].TechID, nil
	}
	if len(found) > 1 {
		return "", conflict("%d Vnconnect accounts carry agency code %s", len(found), cred.AgencyCode)
	}
	if cred.MST != "" {
		id, err := s.dir.LookupTechID(ctx, vnconnect.TechIDQuery{TaxCode: cred.MST})
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, vnconnect.ErrNotFound) {
			return "", err
		}
	}
	return "", notFound("agency %s has no Vnconnect account: register it with the certificate first", cred.AgencyCode)
}

// ApproveSuperAdmin grants a pending request (operator only). The codes are
// checked again: the unit may have changed since the request.
func (s *Service) ApproveSuperAdmin(ctx context.Context, operator, requestID, reason string) (SuperAdmin, error) {
	var out SuperAdmin
	err := s.update(ctx, reason, func(tx Tx) error {
		if err := s.can(tx, operator, ActApproveSuperAdmin, Target{}); err != nil {
			return err
		}
		r, err := pendingRequest(tx, requestID)
		if err != nil {
			return err
		}
		if err := matchCredential(tx, r.Credential, r.Unit, r.Decision); err != nil {
			return err
		}
		if _, err := findSuper(tx, r.Account, r.Unit); err == nil {
			return conflict("%s is already super admin of %s", r.Account, r.Unit)
		}
		now := s.now()
		r.State, r.DecidedBy, r.DecidedAt, r.Note = RequestApproved, operator, now, reason
		if err := tx.PutSuperAdminRequest(r); err != nil {
			return err
		}
		out = SuperAdmin{Account: r.Account, Unit: r.Unit, Credential: r.Credential, Decision: r.Decision,
			RequestID: r.ID, GrantedBy: operator, GrantedAt: now}
		if err := tx.PutSuperAdmin(out); err != nil {
			return err
		}
		return s.audit(tx, now, operator, ActApproveSuperAdmin, superTarget(r.Account, r.Unit), reason,
			map[string]string{"request": r.ID, "decision": r.Decision, "agency_code": r.Credential.AgencyCode})
	})
	return out, err
}

// RejectSuperAdmin refuses a pending request (operator only).
func (s *Service) RejectSuperAdmin(ctx context.Context, operator, requestID, reason string) (SuperAdminRequest, error) {
	var out SuperAdminRequest
	err := s.update(ctx, reason, func(tx Tx) error {
		if err := s.can(tx, operator, ActRejectSuperAdmin, Target{}); err != nil {
			return err
		}
		r, err := pendingRequest(tx, requestID)
		if err != nil {
			return err
		}
		now := s.now()
		r.State, r.DecidedBy, r.DecidedAt, r.Note = RequestRejected, operator, now, reason
		if err := tx.PutSuperAdminRequest(r); err != nil {
			return err
		}
		out = r
		return s.audit(tx, now, operator, ActRejectSuperAdmin, "request:"+r.ID, reason, nil)
	})
	return out, err
}

// SuperAdminRequests lists the super-admin requests in state ("" = all),
// oldest first, for the platform operator (ActListSuperAdminRequests):
// they carry the agencies' certificate details.
func (s *Service) SuperAdminRequests(ctx context.Context, actor string, state RequestState) ([]SuperAdminRequest, error) {
	switch state {
	case "", RequestPending, RequestApproved, RequestRejected:
	default:
		return nil, invalid("unknown request state %q", state)
	}
	// Operator-only actions read nothing, so no transaction is needed.
	if err := s.can(nil, actor, ActListSuperAdminRequests, Target{}); err != nil {
		return nil, err
	}
	var out []SuperAdminRequest
	err := s.store.View(ctx, func(tx ReadTx) error {
		var err error
		out, err = tx.SuperAdminRequests(state)
		return err
	})
	return out, err
}

func pendingRequest(tx ReadTx, id string) (SuperAdminRequest, error) {
	r, err := tx.SuperAdminRequest(id)
	if err != nil {
		return r, notFoundErr(err, "request "+id)
	}
	if r.State != RequestPending {
		return r, conflict("request %s is %s", id, r.State)
	}
	return r, nil
}

// AppointSuperAdmin is the operator's direct appointment, without a
// certificate request: for units without an agency code (GSO-coded
// administrative units) and for carrying over appointments made before
// this system. The decision reference is required and recorded.
func (s *Service) AppointSuperAdmin(ctx context.Context, operator, account string, unit UnitID, decision, reason string) (SuperAdmin, error) {
	if strings.TrimSpace(decision) == "" {
		return SuperAdmin{}, invalid("the appointing decision's reference is required")
	}
	var out SuperAdmin
	err := s.update(ctx, reason, func(tx Tx) error {
		if !s.IsOperator(operator) {
			return deny(operator, ActApproveSuperAdmin, Target{Account: account, Unit: unit}, RuleOperatorOnly,
				"only the platform operator appoints super admins")
		}
		if account == "" {
			return invalid("no account")
		}
		if s.IsOperator(account) {
			return invalid("an operator is not appointed super admin")
		}
		if _, err := liveUnit(tx, unit); err != nil {
			return err
		}
		if _, err := findSuper(tx, account, unit); err == nil {
			return conflict("%s is already super admin of %s", account, unit)
		}
		now := s.now()
		out = SuperAdmin{Account: account, Unit: unit, Decision: strings.TrimSpace(decision), GrantedBy: operator, GrantedAt: now}
		if err := tx.PutSuperAdmin(out); err != nil {
			return err
		}
		return s.audit(tx, now, operator, ActApproveSuperAdmin, superTarget(account, unit), reason,
			map[string]string{"decision": out.Decision, "direct": "true"})
	})
	return out, err
}

// RemoveSuperAdmin ends an appointment. The operator may remove anyone; a
// super admin may resign, but not as its unit's last.
func (s *Service) RemoveSuperAdmin(ctx context.Context, actor, account string, unit UnitID, reason string) error {
	return s.update(ctx, reason, func(tx Tx) error {
		if err := s.can(tx, actor, ActRemoveSuperAdmin, Target{Account: account, Unit: unit}); err != nil {
			return err
		}
		if err := tx.DeleteSuperAdmin(account, unit); err != nil {
			return notFoundErr(err, superTarget(account, unit))
		}
		left, _ := tx.SuperAdmins(unit)
		return s.audit(tx, s.now(), actor, ActRemoveSuperAdmin, superTarget(account, unit), reason,
			map[string]string{"remaining": itoa(len(left))})
	})
}

// newID returns prefix + 16 random hex digits.
func (s *Service) newID(prefix string) (string, error) {
	var b [8]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return "", err
	}
	return prefix + hex.EncodeToString(b[:]), nil
}
