package pki

import (
	"crypto/x509"
	"encoding/asn1"
	"net"
	"net/url"
	"strings"
)

// Name constraints (RFC 5280 §4.2.1.10, §6.1.3 b–c, §6.1.4 g). crypto/x509
// parses the DNS, e-mail, URI and IP forms but not directoryName, the form
// VGCA and PKITS use; the verifier parses that one itself and applies all
// forms with the same intersection/union rules.

var (
	oidNameConstraints = asn1.ObjectIdentifier{2, 5, 29, 30}
	oidSubjectAltName  = asn1.ObjectIdentifier{2, 5, 29, 17}
	oidEmailAddress    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}
)

// subtrees is one side (permitted or excluded) of one certificate's constraints.
type subtrees struct {
	dns, email, uri []string
	ip              []*net.IPNet
	dn              [][]string
}

// certConstraints is a CA's name constraints.
type certConstraints struct {
	permitted, excluded subtrees
}

// parseNameConstraints reads the certificate's name constraints, nil when it
// has none. unsupported reports a constraint on a name form not implemented
// here (otherName, x400, ediParty, registeredID).
func parseNameConstraints(c *x509.Certificate) (cc *certConstraints, unsupported bool, err error) {
	var ext []byte
	for _, e := range c.Extensions {
		if e.Id.Equal(oidNameConstraints) {
			ext = e.Value
		}
	}
	if ext == nil {
		return nil, false, nil
	}
	cc = &certConstraints{
		permitted: subtrees{dns: c.PermittedDNSDomains, email: c.PermittedEmailAddresses, uri: c.PermittedURIDomains, ip: c.PermittedIPRanges},
		excluded:  subtrees{dns: c.ExcludedDNSDomains, email: c.ExcludedEmailAddresses, uri: c.ExcludedURIDomains, ip: c.ExcludedIPRanges},
	}
	var outer asn1.RawValue
	if _, err := asn1.Unmarshal(ext, &outer); err != nil {
		return nil, false, err
	}
	body := outer.Bytes
	for len(body) > 0 {
		var side asn1.RawValue
		body, err = asn1.Unmarshal(body, &side)
		if err != nil {
			return nil, false, err
		}
		target := &cc.permitted
		if side.Tag == 1 {
			target = &cc.excluded
		}
		trees := side.Bytes
		for len(trees) > 0 {
			var st asn1.RawValue
			trees, err = asn1.Unmarshal(trees, &st)
			if err != nil {
				return nil, false, err
			}
			var base asn1.RawValue
			if _, err := asn1.Unmarshal(st.Bytes, &base); err != nil {
				return nil, false, err
			}
			switch base.Tag {
			case gnDirectory:
				rdns, err := nameRDNs(base.Bytes)
				if err != nil {
					return nil, false, err
				}
				target.dn = append(target.dn, rdns)
			case gnRFC822, gnDNS, gnURI, gnIP:
				// parsed by crypto/x509 into the fields copied above
			default:
				unsupported = true
			}
		}
	}
	return cc, unsupported, nil
}

// certNames are the names of a certificate that constraints apply to.
type certNames struct {
	subject []string   // RDNs of a non-empty subject
	dirs    [][]string // SAN directoryNames
	emails  []string   // SAN rfc822Names and subject emailAddress
	dns     []string
	uris    []*url.URL
	ips     []net.IP
}

func namesOf(c *x509.Certificate) (*certNames, error) {
	n := &certNames{dns: c.DNSNames, uris: c.URIs, ips: c.IPAddresses}
	n.emails = append(n.emails, c.EmailAddresses...)
	for _, a := range c.Subject.Names {
		if a.Type.Equal(oidEmailAddress) {
			if s, ok := a.Value.(string); ok {
				n.emails = append(n.emails, s)
			}
		}
	}
	if len(c.Subject.Names) > 0 {
		rdns, err := nameRDNs(c.RawSubject)
		if err != nil {
			return nil, err
		}
		n.subject = rdns
	}
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidSubjectAltName) {
			continue
		}
		gns, err := parseGeneralNames(e.Value)
		if err != nil {
			return nil, err
		}
		for _, g := range gns {
			if g.tag == gnDirectory {
				rdns, err := nameRDNs(g.value)
				if err != nil {
					return nil, err
				}
				n.dirs = append(n.dirs, rdns)
			}
		}
	}
	return n, nil
}

// check applies every constraint collected so far to the names.
func (n *certNames) check(permitted, excluded []subtrees) bool {
	dnsOK := func(s []string, name string) bool { return anyMatch(s, name, matchDNS) }
	emailOK := func(s []string, name string) bool { return anyMatch(s, name, matchEmail) }
	for _, p := range permitted {
		for _, d := range append(append([][]string(nil), n.dirs...), subjectIf(n.subject)...) {
			if len(p.dn) > 0 && !anyDN(p.dn, d) {
				return false
			}
		}
		for _, e := range n.emails {
			if len(p.email) > 0 && !emailOK(p.email, e) {
				return false
			}
		}
		for _, d := range n.dns {
			if len(p.dns) > 0 && !dnsOK(p.dns, d) {
				return false
			}
		}
		for _, u := range n.uris {
			if len(p.uri) > 0 && !anyMatch(p.uri, u.Hostname(), matchDNSHost) {
				return false
			}
		}
		for _, ip := range n.ips {
			if len(p.ip) > 0 && !anyIP(p.ip, ip) {
				return false
			}
		}
	}
	for _, x := range excluded {
		for _, d := range append(append([][]string(nil), n.dirs...), subjectIf(n.subject)...) {
			if anyDN(x.dn, d) {
				return false
			}
		}
		for _, e := range n.emails {
			if emailOK(x.email, e) {
				return false
			}
		}
		for _, d := range n.dns {
			if dnsOK(x.dns, d) {
				return false
			}
		}
		for _, u := range n.uris {
			if anyMatch(x.uri, u.Hostname(), matchDNSHost) {
				return false
			}
		}
		for _, ip := range n.ips {
			if anyIP(x.ip, ip) {
				return false
			}
		}
	}
	return true
}

func subjectIf(s []string) [][]string {
	if s == nil {
		return nil
	}
	return [][]string{s}
}

func anyDN(bases [][]string, name []string) bool {
	for _, b := range bases {
		if hasPrefixRDNs(name, b) {
			return true
		}
	}
	return false
}

func anyIP(nets []*net.IPNet, ip net.IP) bool {
	for _, n := range nets {
		if len(n.IP) == len(ip) && n.Contains(ip) || len(n.IP) != len(ip) && ip.To4() != nil && len(n.IP) == 4 && n.Contains(ip.To4()) {
			return true
		}
	}
	return false
}

func anyMatch(cs []string, name string, f func(c, n string) bool) bool {
	for _, c := range cs {
		if f(c, name) {
			return true
		}
	}
	return false
}

// matchDNS: "example.com" covers it and its subdomains; ".example.com" only
// subdomains; "" everything.
func matchDNS(c, n string) bool {
	c, n = strings.ToLower(c), strings.ToLower(strings.TrimSuffix(n, "."))
	if c == "" {
		return true
	}
	if strings.HasPrefix(c, ".") {
		return strings.HasSuffix(n, c)
	}
	return n == c || strings.HasSuffix(n, "."+c)
}

// matchDNSHost is the URI form: "host.example.com" is exactly that host,
// ".example.com" any host below it.
func matchDNSHost(c, n string) bool {
	c, n = strings.ToLower(c), strings.ToLower(n)
	if n == "" {
		return false
	}
	if strings.HasPrefix(c, ".") {
		return strings.HasSuffix(n, c)
	}
	return n == c
}

// matchEmail: "user@host" is one mailbox, "host" every mailbox at that host,
// ".host" every mailbox at hosts below it.
func matchEmail(c, n string) bool {
	at := strings.LastIndexByte(n, '@')
	if at < 0 {
		return false
	}
	local, host := n[:at], strings.ToLower(n[at+1:])
	if i := strings.LastIndexByte(c, '@'); i >= 0 {
		return c[:i] == local && strings.EqualFold(c[i+1:], host)
	}
	c = strings.ToLower(c)
	if strings.HasPrefix(c, ".") {
		return strings.HasSuffix(host, c)
	}
	return host == c
}
