package migrate_test

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/rpkit-vn/rpkit/migrate"
)

func FuzzParseCSV(f *testing.F) {
	for _, s := range []string{
		"STT;Tài khoản;CCCD/CMND;Phân hệ\n1;nguyenvana;040080100001;pakn\n",
		"username,id,subsystem\nu1,abc-123,pakn\nu2,123456789,\n",
		"\ufeffa,b\n\"x\"\"y\",1\n",
		"u,,\n,,\n\n",
		"a;b;c;d;e\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := migrate.ParseCSV(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, migrate.ErrList) {
				t.Fatalf("error not wrapping ErrList: %v", err)
			}
			return
		}
		checkRows(t, rows)
	})
}

// checkRows holds for every list a parser accepts: lines ascend, and a
// row without Err is fully valid.
func checkRows(t *testing.T, rows []migrate.BulkRow) {
	t.Helper()
	last := 0
	for _, r := range rows {
		if r.Line <= last {
			t.Fatalf("lines out of order: %d after %d", r.Line, last)
		}
		last = r.Line
		if r.Err != "" {
			continue
		}
		// A row without Err is fully valid.
		if r.Username == "" || r.Ident == "" || r.Kind == "" || !utf8.ValidString(r.Username) {
			t.Fatalf("accepted row %+v", r)
		}
		switch r.Kind {
		case migrate.IdentCCCD:
			if len(r.Ident) != 12 {
				t.Fatalf("CCCD %q", r.Ident)
			}
		case migrate.IdentCMND:
			if len(r.Ident) != 9 {
				t.Fatalf("CMND %q", r.Ident)
			}
		}
	}
}

// TestSQLMoverRejectsIdentifiers: table and column names are validated.
func TestSQLMoverRejectsIdentifiers(t *testing.T) {
	for _, tb := range []migrate.Table{
		{Name: "documents; DROP TABLE x", Owner: "owner"},
		{Name: "documents", Owner: `owner" = owner --`},
		{Name: "a.b.c", Owner: "owner"},
		{Name: "documents", Owner: "owner", Subsystem: "sub system"},
		{Name: "documents", Owner: "owner", Key: ""},
	} {
		_, err := migrate.NewSQLMover("m", migrate.SQLite, tb)
		if tb.Key == "" && tb.Name == "documents" && tb.Owner == "owner" && tb.Subsystem == "" {
			if err != nil {
				t.Errorf("%+v: %v", tb, err)
			}
			continue
		}
		if !errors.Is(err, migrate.ErrIdentifier) {
			t.Errorf("%+v accepted: %v", tb, err)
		}
	}
}
