package rbacgen_test

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/rpkit-vn/rpkit/rbac/rbacgen"
)

const (
	unitsHead  = "level,code,parent_code,type,name\n"
	mergesHead = "new_level,new_code,new_name,new_parent_code,old_code,old_name,kind\n"
)

// wantTyped fails unless err is nil or a *CSVError: a loader must never
// panic and must say which row is wrong.
func wantTyped(t *testing.T, err error) {
	t.Helper()
	var ce *rbacgen.CSVError
	if err != nil && !errors.As(err, &ce) {
		t.Fatalf("untyped error %T: %v", err, err)
	}
	if ce != nil && ce.Row < 1 {
		t.Fatalf("row %d in %v", ce.Row, err)
	}
}

func FuzzLoadUnitsCSV(f *testing.F) {
	f.Add([]byte("\ufeff" + unitsHead + "1,01,,Thành phố,Hà Nội\n2,001,01,Quận,Ba Đình\n3,00001,001,Phường,Phúc Xá\n"))
	f.Add([]byte(unitsHead + "4,01,,Tỉnh,X\n"))
	f.Add([]byte(unitsHead + "1,\"01\n"))
	f.Add([]byte("level,code\n1,01\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		units, err := rbacgen.ReadUnits(bytes.NewReader(data))
		wantTyped(t, err)
		for _, u := range units {
			if u.Level < 1 || u.Level > 3 || len(u.Name) > rbacgen.MaxCSVField {
				t.Fatalf("accepted %+v", u)
			}
		}
	})
}

func FuzzLoadMergesCSV(f *testing.F) {
	f.Add([]byte(mergesHead + "1,01,Hà Nội,,01,Hà Nội,full\n2,00004,Ba Đình,01,00001,Phúc Xá,partial\n"))
	f.Add([]byte(mergesHead + "2,00004,Ba Đình,01,00001,Phúc Xá,half\n"))
	f.Add([]byte(mergesHead + "3,x,y,z,w,v,full\n"))
	f.Add([]byte(mergesHead + "1,01,\"a\"\"b\",,01,x,full\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := rbacgen.ReadMerges(bytes.NewReader(data))
		wantTyped(t, err)
		for _, r := range rows {
			if r.NewLevel < 1 || r.NewLevel > 2 {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}

// endless repeats one line forever.
type endless struct {
	line []byte
	off  int
}

func (e *endless) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], e.line[e.off:])
		n += k
		e.off = (e.off + k) % len(e.line)
	}
	return n, nil
}

// TestCSVLimits: an endless file, a huge cell and too many rows are all
// refused with ErrTooLarge, not read into memory.
func TestCSVLimits(t *testing.T) {
	tests := []struct {
		name string
		r    io.Reader
	}{
		{"endless", io.MultiReader(strings.NewReader(unitsHead), &endless{line: []byte("3,00001,001,Phường,Phúc Xá một hai ba bốn năm\n")})},
		{"huge cell", strings.NewReader(unitsHead + "1,01,,Tỉnh," + strings.Repeat("x", rbacgen.MaxCSVField+1) + "\n")},
		{"too many rows", io.MultiReader(strings.NewReader(unitsHead), io.LimitReader(&endless{line: []byte("3,1,1,a,b\n")}, int64(rbacgen.MaxCSVRows+1)*10))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := rbacgen.ReadUnits(tc.r)
			wantTyped(t, err)
			if !errors.Is(err, rbacgen.ErrTooLarge) {
				t.Fatalf("got %v, want ErrTooLarge", err)
			}
		})
	}
}
