package vnconnect

import (
	"context"
	"fmt"
	"strings"

	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// StaticDirectory is an in-memory Directory over a fixed list of accounts,
// for tests and development. It applies the same query validation as
// HTTPDirectory, so code tested against it sends only what the platform
// would accept. It is immutable and safe for concurrent use.
type StaticDirectory struct {
	accounts []*Identity
}

var _ Directory = (*StaticDirectory)(nil)

// NewStaticDirectory serves accounts in the given order. Nil entries are
// skipped. The Identities are shared, not copied: do not modify them later.
func NewStaticDirectory(accounts ...*Identity) *StaticDirectory {
	d := &StaticDirectory{accounts: make([]*Identity, 0, len(accounts))}
	for _, a := range accounts {
		if a != nil {
			d.accounts = append(d.accounts, a)
		}
	}
	return d
}

// Search implements Directory. Names match diacritic- and case-
// insensitively (vnid.NameContains) against HoVaTen or TenDoanhNghiep;
// e-mail addresses match case-insensitively; identifiers match exactly after
// normalisation. Each result is a shallow copy.
func (d *StaticDirectory) Search(ctx context.Context, q Query) ([]*Identity, error) {
	q, err := q.Normalize()
	if err != nil {
		return nil, err
	}
	var out []*Identity
	for _, a := range d.accounts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !staticMatch(a, q) {
			continue
		}
		c := *a
		out = append(out, &c)
		if len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

func staticMatch(a *Identity, q Query) bool {
	switch {
	case q.Type != AccountUnknown && a.AccountType != q.Type,
		q.CCCD != "" && (a.CCCD == nil || a.CCCD.Number != q.CCCD),
		q.CMND != "" && string(a.CMND) != q.CMND,
		q.Phone != "" && string(a.Phone) != q.Phone,
		q.Email != "" && !strings.EqualFold(a.Email, q.Email),
		q.AgencyCode != "" && (a.AgencyCode == nil || a.AgencyCode.String() != q.AgencyCode),
		q.TaxCode != "" && (a.TaxCode == nil || a.TaxCode.String() != q.TaxCode),
		q.Name != "" && !vnid.NameContains(a.FullName, q.Name) && !vnid.NameContains(a.EnterpriseName, q.Name):
		return false
	}
	return true
}

// LookupTechID implements Directory: the first account holding the
// identifier, or ErrNotFound.
func (d *StaticDirectory) LookupTechID(ctx context.Context, q TechIDQuery) (string, error) {
	key, value, err := q.normalize()
	if err != nil {
		return "", err
	}
	for _, a := range d.accounts {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		var match bool
		switch key {
		case ClaimTaxCode:
			match = a.TaxCode != nil && a.TaxCode.String() == value
		case ClaimCCCD:
			match = a.CCCD != nil && a.CCCD.Number == value
		case ClaimCMND:
			match = string(a.CMND) == value
		}
		if match && a.TechID != "" {
			return a.TechID, nil
		}
	}
	return "", fmt.Errorf("vnconnect: static directory: %w", ErrNotFound)
}
