package changeform

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac"
)

// Alias lists names by which a form may refer to a subsystem.
type Alias struct {
	Subsystem rbac.SubsystemID
	Names     []string
}

// AliasTable maps the form's free-text subsystem column to subsystem IDs.
// Names compare after folding (diacritics, case and punctuation ignored),
// so "Hệ thống tiếp nhận, xử lý, phản ánh kiến nghị" and "he thong tiep
// nhan xu ly phan anh kien nghi" are one name. A cell also matches a name
// it is a word-prefix of, with at least three words ("Hệ thống tiếp nhận,
// xử lý phản ánh kiến nghị…", cut short), and a name that is a word-prefix
// of it ("… của người dân, doanh nghiệp (pakn.dichvucong.gov.vn)"), but
// only when every such match points at one subsystem. The subsystem's ID
// always matches itself.
type AliasTable struct {
	exact map[string]rbac.SubsystemID
	names []aliasName // sorted by folded name, for stable results
}

type aliasName struct {
	folded string
	sub    rbac.SubsystemID
}

// NewAliasTable builds a table. A folded name claimed by two subsystems is
// an error: the form would be ambiguous.
func NewAliasTable(aliases ...Alias) (*AliasTable, error) {
	t := &AliasTable{exact: map[string]rbac.SubsystemID{}}
	add := func(name string, sub rbac.SubsystemID) error {
		f := fold(name)
		if f == "" {
			return nil
		}
		if old, ok := t.exact[f]; ok {
			if old != sub {
				return fmt.Errorf("%w: alias %q names both %s and %s", ErrConfig, name, old, sub)
			}
			return nil
		}
		t.exact[f] = sub
		t.names = append(t.names, aliasName{f, sub})
		return nil
	}
	for _, a := range aliases {
		if a.Subsystem == "" {
			return nil, fmt.Errorf("%w: alias without a subsystem", ErrConfig)
		}
		if err := add(string(a.Subsystem), a.Subsystem); err != nil {
			return nil, err
		}
		for _, n := range a.Names {
			if err := add(n, a.Subsystem); err != nil {
				return nil, err
			}
		}
	}
	sort.Slice(t.names, func(i, j int) bool { return t.names[i].folded < t.names[j].folded })
	return t, nil
}

// minPrefixWords is the fewest words a cut-short name must keep to match.
const minPrefixWords = 3

// Lookup returns the subsystem a cell names. ok is false when none does or
// the cell is ambiguous; ambiguous then says so.
func (t *AliasTable) Lookup(cell string) (sub rbac.SubsystemID, ok, ambiguous bool) {
	if t == nil {
		return "", false, false
	}
	f := fold(cell)
	if f == "" {
		return "", false, false
	}
	if s, ok := t.exact[f]; ok {
		return s, true, false
	}
	words := strings.Count(f, " ") + 1
	var found rbac.SubsystemID
	for _, n := range t.names {
		nWords := strings.Count(n.folded, " ") + 1
		match := (words >= minPrefixWords && strings.HasPrefix(n.folded, f+" ")) ||
			(nWords >= minPrefixWords && strings.HasPrefix(f, n.folded+" "))
		if !match {
			continue
		}
		if found != "" && found != n.sub {
			return "", false, true
		}
		found = n.sub
	}
	return found, found != "", false
}

// DefaultAliases are the names the government's letters use for the
// platform's preset subsystems (rbac.Quantri, rbac.PAKN, rbac.CSDL).
// Applications with other subsystems, or other wordings, extend the list.
func DefaultAliases() []Alias {
	return []Alias{
		{Subsystem: rbac.SubsystemPAKN, Names: []string{
			"Hệ thống tiếp nhận, xử lý phản ánh, kiến nghị của người dân, doanh nghiệp",
			"Hệ thống tiếp nhận, xử lý phản ánh, kiến nghị",
			"Hệ thống phản ánh kiến nghị",
			"Phản ánh kiến nghị", "Phản ánh, kiến nghị", "PAKN", "pkn.dichvucong.gov.vn", "pakn.dichvucong.gov.vn",
		}},
		{Subsystem: rbac.SubsystemCSDL, Names: []string{
			"Hệ thống Cơ sở dữ liệu quốc gia về thủ tục hành chính",
			"Cơ sở dữ liệu quốc gia về thủ tục hành chính",
			"CSDL quốc gia về TTHC", "CSDL TTHC", "CSDLQG TTHC", "csdl.dichvucong.gov.vn",
		}},
		{Subsystem: rbac.SubsystemQuantri, Names: []string{
			"Phân hệ quản trị tình hình kết nối của bộ, ngành, địa phương",
			"Quản trị tình hình kết nối", "Phân hệ quản trị", "Quản trị kết nối và dịch vụ công",
			"quantri.dichvucong.gov.vn",
			"Dịch vụ công Chứng thực bản sao điện tử từ bản chính",
			"Chứng thực bản sao điện tử từ bản chính",
		}},
	}
}
