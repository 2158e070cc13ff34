package pki

import (
	"crypto/x509"
	"encoding/asn1"
	"time"
)

// validateChain applies RFC 5280 §6.1 to a built path (leaf first, anchor
// last) whose signatures the builder has already checked. The anchor
// contributes its name and key only (§6.1.1); its validity period is checked
// as well because crypto/x509 does and an expired root should not anchor.
func (v *Verifier) validateChain(chain []*x509.Certificate, at time.Time, use Use, checkPolicy bool) error {
	n := len(chain) - 1
	if err := checkValidity(chain[n], at, n); err != nil {
		return err
	}
	maxPath := n
	var permitted, excluded []subtrees
	needPolicy := checkPolicy && !v.policyTrivial
	for i := n - 1; i >= 0; i-- {
		c := chain[i]
		if err := checkValidity(c, at, i); err != nil {
			return err
		}
		cc, ncUnsupported, err := parseNameConstraints(c)
		if err != nil {
			return verr(i, ErrNameConstraints, "malformed name constraints", err)
		}
		for _, oid := range c.UnhandledCriticalExtensions {
			// crypto/x509 flags name constraints it cannot parse (the
			// directoryName form); those are parsed and applied here.
			if oid.Equal(oidNameConstraints) && !ncUnsupported {
				continue
			}
			return verr(i, ErrUnhandledCriticalExtension, oid.String(), nil)
		}
		isSelf := i > 0 && selfIssued(c)
		if (len(permitted) > 0 || len(excluded) > 0) && !isSelf {
			names, err := namesOf(c)
			if err != nil {
				return verr(i, ErrNameConstraints, "malformed names", err)
			}
			if !names.check(permitted, excluded) {
				return verr(i, ErrNameConstraints, "name outside the permitted subtrees or inside an excluded one", nil)
			}
		}
		if checkPolicy && (c.RequireExplicitPolicy > 0 || c.RequireExplicitPolicyZero) {
			needPolicy = true
		}
		if i == 0 {
			break
		}
		// §6.1.4: preparation for the next certificate; c is a CA.
		for _, m := range c.PolicyMappings {
			if m.IssuerDomainPolicy.String() == anyPolicy || m.SubjectDomainPolicy.String() == anyPolicy {
				return verr(i, ErrPolicy, "mapping to or from anyPolicy", nil)
			}
		}
		if !c.BasicConstraintsValid || !c.IsCA {
			return verr(i, ErrBasicConstraints, "issuer is not a CA", nil)
		}
		if !isSelf {
			if maxPath <= 0 {
				return verr(i, ErrBasicConstraints, "path length constraint exceeded", nil)
			}
			maxPath--
		}
		if (c.MaxPathLen > 0 || c.MaxPathLen == 0 && c.MaxPathLenZero) && c.MaxPathLen < maxPath {
			maxPath = c.MaxPathLen
		}
		if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0 {
			return verr(i, ErrKeyUsage, "issuer lacks keyCertSign", nil)
		}
		if cc != nil {
			permitted = append(permitted, cc.permitted)
			excluded = append(excluded, cc.excluded)
		}
	}
	if needPolicy && !policiesOK(chain, v.policy) {
		return verr(-1, ErrPolicy, "no acceptable certificate policy", nil)
	}
	return v.checkLeafUse(chain[0], use)
}

func checkValidity(c *x509.Certificate, at time.Time, depth int) error {
	if at.Before(c.NotBefore) {
		return verr(depth, ErrNotYetValid, "", nil)
	}
	if at.After(c.NotAfter) {
		return verr(depth, ErrExpired, "", nil)
	}
	return nil
}

var oidExtKeyUsage = asn1.ObjectIdentifier{2, 5, 29, 37}

func hasExtension(c *x509.Certificate, oid asn1.ObjectIdentifier) bool {
	for _, e := range c.Extensions {
		if e.Id.Equal(oid) {
			return true
		}
	}
	return false
}

// checkLeafUse applies the use's key usage and the EKU policy to the leaf.
func (v *Verifier) checkLeafUse(leaf *x509.Certificate, use Use) error {
	switch use {
	case UseSigning:
		if leaf.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
			return verr(0, ErrKeyUsage, "signing needs digitalSignature or nonRepudiation", nil)
		}
	case UseClientAuth:
		if leaf.KeyUsage != 0 && leaf.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
			return verr(0, ErrKeyUsage, "client authentication needs digitalSignature", nil)
		}
	}
	if !hasExtension(leaf, oidExtKeyUsage) {
		return nil // no EKU extension: not restricted (RFC 5280 §4.2.1.12)
	}
	has := func(want x509.ExtKeyUsage) bool {
		for _, e := range leaf.ExtKeyUsage {
			if e == want || e == x509.ExtKeyUsageAny {
				return true
			}
		}
		return false
	}
	if use == UseClientAuth && !has(x509.ExtKeyUsageClientAuth) {
		return verr(0, ErrExtKeyUsage, "clientAuth not permitted", nil)
	}
	if v.cfg.EKUs == nil {
		return nil
	}
	for _, want := range v.cfg.EKUs {
		if has(want) {
			return nil
		}
	}
	return verr(0, ErrExtKeyUsage, "no configured extended key usage", nil)
}
