package pki

import (
	"bytes"
	"crypto/x509"
)

// Certificate policy processing, RFC 5280 §6.1 as amended by RFC 9618: the
// valid-policy tree becomes a graph, so policy mappings cannot blow the work
// up exponentially. Only whether the path is acceptable is computed, not the
// user-constrained policy set itself.

const anyPolicy = "2.5.29.32.0"

type policyNode struct {
	policy   string
	expected []string
	parents  []*policyNode
	children int
}

type policyGraph struct {
	levels []map[string]*policyNode
}

func newPolicyGraph() *policyGraph {
	root := &policyNode{policy: anyPolicy, expected: []string{anyPolicy}}
	return &policyGraph{levels: []map[string]*policyNode{{anyPolicy: root}}}
}

func (g *policyGraph) leaves() map[string]*policyNode { return g.levels[len(g.levels)-1] }

func (g *policyGraph) add(level map[string]*policyNode, policy string, expected []string, parents ...*policyNode) {
	n := level[policy]
	if n == nil {
		n = &policyNode{policy: policy, expected: expected}
		level[policy] = n
	}
	for _, p := range parents {
		n.parents = append(n.parents, p)
		p.children++
	}
}

// prune drops childless nodes above the leaves, bottom up.
func (g *policyGraph) prune() {
	for i := len(g.levels) - 2; i >= 1; i-- {
		for k, n := range g.levels[i] {
			if n.children == 0 {
				for _, p := range n.parents {
					p.children--
				}
				delete(g.levels[i], k)
			}
		}
	}
}

func (g *policyGraph) deleteLeaf(policy string) {
	l := g.leaves()
	if n := l[policy]; n != nil {
		for _, p := range n.parents {
			p.children--
		}
		delete(l, policy)
	}
}

// policyInput is the initial state of §6.1.1.
type policyInput struct {
	initial                                 map[string]bool // empty = {anyPolicy}
	requireExplicit, inhibitMap, inhibitAny bool
}

func oidStrings(oids []x509.OID) []string {
	out := make([]string, len(oids))
	for i, o := range oids {
		out[i] = o.String()
	}
	return out
}

// selfIssued compares the names byte for byte. Missing a self-issued
// certificate whose two names differ only in encoding is the strict side:
// it then counts against path length and policy counters and stays subject
// to name constraints, never the reverse. It also keeps name parsing off the
// hot path.
func selfIssued(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject)
}

// policiesOK runs the policy part of path validation. chain is leaf first,
// anchor last; the anchor takes no part.
func policiesOK(chain []*x509.Certificate, in policyInput) bool {
	n := len(chain) - 1
	if n <= 0 {
		return true
	}
	explicit, mapping, inhAny := n+1, n+1, n+1
	if in.requireExplicit {
		explicit = 0
	}
	if in.inhibitMap {
		mapping = 0
	}
	if in.inhibitAny {
		inhAny = 0
	}
	g := newPolicyGraph()
	for k := 1; k <= n; k++ { // k = 1 is the certificate below the anchor
		c := chain[n-k]
		isSelf := selfIssued(c)
		policies := oidStrings(c.Policies)
		// (d)
		if g != nil && len(policies) > 0 {
			prev := g.leaves()
			level := map[string]*policyNode{}
			hasAny := false
			for _, p := range policies {
				if p == anyPolicy {
					hasAny = true
					continue
				}
				var parents []*policyNode
				for _, q := range prev {
					for _, e := range q.expected {
						if e == p {
							parents = append(parents, q)
							break
						}
					}
				}
				if len(parents) == 0 {
					if a := prev[anyPolicy]; a != nil {
						parents = []*policyNode{a}
					}
				}
				if len(parents) > 0 {
					g.add(level, p, []string{p}, parents...)
				}
			}
			if hasAny && (inhAny > 0 || (k < n && isSelf)) {
				// Every policy a parent expects and no explicit policy of
				// this certificate matched comes in through anyPolicy.
				missing := map[string][]*policyNode{}
				var order []string
				for _, q := range prev {
					for _, e := range q.expected {
						if level[e] == nil {
							if _, seen := missing[e]; !seen {
								order = append(order, e)
							}
							missing[e] = append(missing[e], q)
						}
					}
				}
				for _, e := range order {
					g.add(level, e, []string{e}, missing[e]...)
				}
			}
			g.levels = append(g.levels, level)
			g.prune()
		}
		// (e)
		if len(policies) == 0 {
			g = nil
		}
		// (f)
		if explicit == 0 && g == nil {
			return false
		}
		if k == n {
			break
		}
		// §6.1.4 (a), (b)
		if len(c.PolicyMappings) > 0 {
			maps := map[string][]string{}
			var order []string
			for _, m := range c.PolicyMappings {
				from, to := m.IssuerDomainPolicy.String(), m.SubjectDomainPolicy.String()
				if from == anyPolicy || to == anyPolicy {
					return false
				}
				if _, ok := maps[from]; !ok {
					order = append(order, from)
				}
				maps[from] = append(maps[from], to)
			}
			if g != nil {
				if mapping > 0 {
					l := g.leaves()
					for _, from := range order {
						if m := l[from]; m != nil {
							m.expected = maps[from]
						} else if a := l[anyPolicy]; a != nil {
							g.add(l, from, maps[from], a)
						}
					}
				} else {
					for _, from := range order {
						g.deleteLeaf(from)
					}
					g.prune()
				}
			}
		}
		// (h)
		if !isSelf {
			if explicit > 0 {
				explicit--
			}
			if mapping > 0 {
				mapping--
			}
			if inhAny > 0 {
				inhAny--
			}
		}
		// (i), (j)
		if (c.RequireExplicitPolicy > 0 || c.RequireExplicitPolicyZero) && c.RequireExplicitPolicy < explicit {
			explicit = c.RequireExplicitPolicy
		}
		if (c.InhibitPolicyMapping > 0 || c.InhibitPolicyMappingZero) && c.InhibitPolicyMapping < mapping {
			mapping = c.InhibitPolicyMapping
		}
		if (c.InhibitAnyPolicy > 0 || c.InhibitAnyPolicyZero) && c.InhibitAnyPolicy < inhAny {
			inhAny = c.InhibitAnyPolicy
		}
	}
	// §6.1.5 (a), (b)
	if explicit > 0 {
		explicit--
	}
	if chain[0].RequireExplicitPolicyZero {
		explicit = 0
	}
	if explicit > 0 {
		return true
	}
	// (g): explicit policy is required, so the user-constrained set must be
	// non-empty.
	if g == nil {
		return false
	}
	authority := map[string]bool{}
	for i := len(g.levels) - 1; i >= 1; i-- {
		for p, nd := range g.levels[i] {
			if p != anyPolicy && len(nd.parents) == 1 && nd.parents[0].policy == anyPolicy {
				authority[p] = true
			}
		}
	}
	if g.leaves()[anyPolicy] != nil && len(g.levels) > 1 {
		authority[anyPolicy] = true
	}
	if len(in.initial) == 0 || in.initial[anyPolicy] {
		return len(authority) > 0
	}
	if authority[anyPolicy] {
		return true
	}
	for p := range authority {
		if in.initial[p] {
			return true
		}
	}
	return false
}
