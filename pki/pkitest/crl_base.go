package pkitest

import "time"

// A CA publishing delta CRLs works the way RFC 5280 §5.2.4 expects: a base
// CRL is issued at a point in time with a CRL number and every revocation
// known then, and is served unchanged (same number, same thisUpdate) until
// the next base is published; each delta CRL takes a new number from the
// same sequence, names the published base in its deltaCRLIndicator and
// lists the revocations recorded since that base. A base therefore never
// outnumbers a delta issued after it, and every delta applies to the base
// being served.

// publishedBase is the base CRL in force for a CA publishing deltas.
type publishedBase struct {
	number     int64
	count      int // revoked[:count] are on it
	thisUpdate time.Time
}

// publishBase issues a new base CRL carrying every revocation so far. The
// caller holds PKI.mu.
func (a *authority) publishBase(now time.Time) {
	a.crlNumber++
	a.base = publishedBase{number: a.crlNumber, count: len(a.revoked), thisUpdate: now}
}

// currentBase returns the base in force at now, publishing a new one when
// the last has expired (or lies in the future of a clock set back), as a
// CA publishes on schedule. The caller holds PKI.mu.
func (a *authority) currentBase(now time.Time, validity time.Duration) publishedBase {
	if now.Before(a.base.thisUpdate) || !now.Before(a.base.thisUpdate.Add(validity)) {
		a.publishBase(now)
	}
	return a.base
}
