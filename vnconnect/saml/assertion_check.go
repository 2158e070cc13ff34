package saml

import (
	"time"

	"github.com/beevik/etree"
)

// checkAssertion validates a verified Assertion element and extracts the
// subject and attributes.
func (sp *ServiceProvider) checkAssertion(d *idp, a *etree.Element, now time.Time) (*checkedResponse, error) {
	if err := checkVersion(a); err != nil {
		return nil, err
	}
	if err := checkIssuer(a, d.entityID, true); err != nil {
		return nil, err
	}
	t, err := timeAttr(a, "IssueInstant", true)
	if err != nil {
		return nil, err
	}
	if t.After(now.Add(sp.skew)) {
		return nil, errf(ErrNotYetValid, "assertion IssueInstant in the future")
	}
	out := &checkedResponse{assertionID: attr(a, "ID")}

	subj, err := oneChild(a, nsAssertion, "Subject")
	if err != nil {
		return nil, err
	}
	scdUntil, err := sp.checkSubject(subj, out, now)
	if err != nil {
		return nil, err
	}
	condUntil, err := sp.checkConditions(a, now)
	if err != nil {
		return nil, err
	}
	if err := sp.readAuthnStatement(a, out, now); err != nil {
		return nil, err
	}
	if out.attrs, err = readAttributes(a); err != nil {
		return nil, err
	}
	// The assertion is acceptable until the later of the two limits plus
	// skew; remember its ID at least that long.
	out.replayUntil = later(scdUntil, condUntil).Add(sp.skew)
	out.subject.notOnOrAfter = condUntil
	return out, nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// checkSubject reads the NameID and checks the single bearer
// SubjectConfirmation: Recipient, NotOnOrAfter, InResponseTo. It returns
// the confirmation's NotOnOrAfter.
func (sp *ServiceProvider) checkSubject(subj *etree.Element, out *checkedResponse, now time.Time) (time.Time, error) {
	if len(children(subj, nsAssertion, "EncryptedID")) > 0 || len(children(subj, nsAssertion, "BaseID")) > 0 {
		return time.Time{}, errf(ErrUnsupported, "only a plain NameID is supported")
	}
	nid, err := optionalChild(subj, nsAssertion, "NameID")
	if err != nil {
		return time.Time{}, err
	}
	if nid != nil {
		// The exact text, not trimmed: it is the subject identifier.
		if out.subject.nameID, err = text(nid); err != nil {
			return time.Time{}, err
		}
		out.subject.nameIDFormat = attr(nid, "Format")
	}
	scs := children(subj, nsAssertion, "SubjectConfirmation")
	if len(scs) != 1 {
		return time.Time{}, errf(ErrMalformed, "want exactly one SubjectConfirmation")
	}
	sc := scs[0]
	if attr(sc, "Method") != cmBearer {
		return time.Time{}, errf(ErrMalformed, "SubjectConfirmation is not bearer")
	}
	scd, err := oneChild(sc, nsAssertion, "SubjectConfirmationData")
	if err != nil {
		return time.Time{}, err
	}
	if attr(scd, "Recipient") != sp.acsURL {
		return time.Time{}, errf(ErrRecipient, "Recipient is not the ACS URL")
	}
	notBefore, err := timeAttr(scd, "NotBefore", false)
	if err != nil {
		return time.Time{}, err
	}
	if !notBefore.IsZero() && now.Add(sp.skew).Before(notBefore) {
		return time.Time{}, errf(ErrNotYetValid, "SubjectConfirmationData NotBefore")
	}
	until, err := timeAttr(scd, "NotOnOrAfter", true)
	if err != nil {
		return time.Time{}, err
	}
	if !now.Before(until.Add(sp.skew)) {
		return time.Time{}, errf(ErrExpired, "SubjectConfirmationData NotOnOrAfter")
	}
	out.inResponseTo = attr(scd, "InResponseTo")
	return until, nil
}

// checkConditions checks the time window and the audience, and refuses
// conditions it does not understand (SAML core §2.5.1.2: an unknown
// condition makes the assertion indeterminate, which must not be valid).
// It returns NotOnOrAfter, which is required here so that every accepted
// assertion has a finite replay window.
func (sp *ServiceProvider) checkConditions(a *etree.Element, now time.Time) (time.Time, error) {
	c, err := oneChild(a, nsAssertion, "Conditions")
	if err != nil {
		return time.Time{}, err
	}
	notBefore, err := timeAttr(c, "NotBefore", false)
	if err != nil {
		return time.Time{}, err
	}
	if !notBefore.IsZero() && now.Add(sp.skew).Before(notBefore) {
		return time.Time{}, errf(ErrNotYetValid, "Conditions NotBefore")
	}
	until, err := timeAttr(c, "NotOnOrAfter", true)
	if err != nil {
		return time.Time{}, err
	}
	if !now.Before(until.Add(sp.skew)) {
		return time.Time{}, errf(ErrExpired, "Conditions NotOnOrAfter")
	}
	restrictions := 0
	for _, el := range c.ChildElements() {
		switch {
		case is(el, nsAssertion, "AudienceRestriction"):
			restrictions++
			if !hasAudience(el, sp.entityID) {
				return time.Time{}, errf(ErrAudience, "audience is not this SP")
			}
		case is(el, nsAssertion, "OneTimeUse"), is(el, nsAssertion, "ProxyRestriction"):
			// OneTimeUse is what the replay cache enforces anyway; a
			// ProxyRestriction limits what we may do, and we do not proxy.
		default:
			return time.Time{}, errf(ErrMalformed, "unknown condition")
		}
	}
	if restrictions == 0 {
		return time.Time{}, errf(ErrAudience, "no AudienceRestriction")
	}
	return until, nil
}

func hasAudience(ar *etree.Element, want string) bool {
	for _, au := range children(ar, nsAssertion, "Audience") {
		if v, err := trimmedText(au); err == nil && v == want {
			return true
		}
	}
	return false
}

// readAuthnStatement requires one AuthnStatement and keeps its session
// index (needed for single logout) and authentication context.
func (sp *ServiceProvider) readAuthnStatement(a *etree.Element, out *checkedResponse, now time.Time) error {
	as, err := oneChild(a, nsAssertion, "AuthnStatement")
	if err != nil {
		return err
	}
	out.subject.sessionIndex = attr(as, "SessionIndex")
	if out.subject.authnInstant, err = timeAttr(as, "AuthnInstant", true); err != nil {
		return err
	}
	if out.subject.sessionNotOnOrAfter, err = timeAttr(as, "SessionNotOnOrAfter", false); err != nil {
		return err
	}
	if s := out.subject.sessionNotOnOrAfter; !s.IsZero() && !now.Before(s.Add(sp.skew)) {
		return errf(ErrExpired, "SessionNotOnOrAfter")
	}
	if ac, _ := optionalChild(as, nsAssertion, "AuthnContext"); ac != nil {
		if ref, _ := optionalChild(ac, nsAssertion, "AuthnContextClassRef"); ref != nil {
			out.subject.authnContext, _ = trimmedText(ref)
		}
	}
	return nil
}

// maxAttributes bounds the attribute statement; Vnconnect sends a few
// dozen.
const maxAttributes = 512

func readAttributes(a *etree.Element) ([]attribute, error) {
	var out []attribute
	for _, st := range children(a, nsAssertion, "AttributeStatement") {
		if len(children(st, nsAssertion, "EncryptedAttribute")) > 0 {
			return nil, errf(ErrUnsupported, "encrypted attributes are not supported")
		}
		for _, at := range children(st, nsAssertion, "Attribute") {
			name := attr(at, "Name")
			if name == "" {
				return nil, errf(ErrMalformed, "Attribute without Name")
			}
			var vals []string
			for _, v := range children(at, nsAssertion, "AttributeValue") {
				s, err := text(v)
				if err != nil {
					return nil, err
				}
				vals = append(vals, s)
			}
			out = append(out, attribute{name: name, values: vals})
			if len(out) > maxAttributes {
				return nil, errf(ErrTooLarge, "too many attributes")
			}
		}
	}
	return out, nil
}
