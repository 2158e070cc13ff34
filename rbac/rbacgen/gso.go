package rbacgen

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// GSOUnit is one row of units-YYYY-MM-DD.csv.
type GSOUnit struct {
	Level  int // 1 province, 2 district, 3 commune
	Code   string
	Parent string
	Type   string // "Tỉnh", "Quận", "Phường", …
	Name   string
}

// MergeRow is one row of merges-2025-07-01.csv: old unit OldCode went (in
// full or in part) into new unit NewCode.
type MergeRow struct {
	NewLevel  int // 1 province, 2 commune
	NewCode   string
	NewName   string
	NewParent string
	OldCode   string
	OldName   string
	Partial   bool
}

// Limits on a GSO file. The real units file is about 1 MB and 10,806 rows;
// the limits leave room for growth and stop a wrong or hostile file from
// eating memory.
const (
	MaxCSVBytes = 32 << 20
	MaxCSVRows  = 500_000
	MaxCSVField = 1024 // bytes in one cell
)

// ErrTooLarge is wrapped by a CSVError when a file passes a limit.
var ErrTooLarge = errors.New("rbacgen: file too large")

// CSVError is a malformed GSO file: the row (1 is the header) and why.
type CSVError struct {
	Row int
	Msg string
	Err error // the cause (a *csv.ParseError, ErrTooLarge…), if any
}

func (e *CSVError) Error() string {
	msg := "rbacgen: row " + strconv.Itoa(e.Row) + ": " + e.Msg
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *CSVError) Unwrap() error { return e.Err }

// LoadUnits reads the units file.
func LoadUnits(path string) ([]GSOUnit, error) { return load(path, ReadUnits) }

// LoadMerges reads the merges file.
func LoadMerges(path string) ([]MergeRow, error) { return load(path, ReadMerges) }

func load[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	out, err := read(f)
	if err != nil {
		return out, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// ReadUnits reads a units file (level, code, parent_code, type, name).
// Errors are *CSVError.
func ReadUnits(r io.Reader) ([]GSOUnit, error) {
	rows, err := readCSV(r, []string{"level", "code", "parent_code", "type", "name"})
	if err != nil {
		return nil, err
	}
	out := make([]GSOUnit, 0, len(rows))
	for i, r := range rows {
		lvl, err := strconv.Atoi(r[0])
		if err != nil || lvl < 1 || lvl > 3 {
			return nil, &CSVError{Row: i + 2, Msg: fmt.Sprintf("bad level %q", r[0])}
		}
		out = append(out, GSOUnit{Level: lvl, Code: r[1], Parent: r[2], Type: r[3], Name: r[4]})
	}
	return out, nil
}

// ReadMerges reads a merges file (new_level, new_code, new_name,
// new_parent_code, old_code, old_name, kind). Errors are *CSVError.
func ReadMerges(r io.Reader) ([]MergeRow, error) {
	rows, err := readCSV(r, []string{"new_level", "new_code", "new_name", "new_parent_code", "old_code", "old_name", "kind"})
	if err != nil {
		return nil, err
	}
	out := make([]MergeRow, 0, len(rows))
	for i, r := range rows {
		lvl, err := strconv.Atoi(r[0])
		if err != nil || lvl < 1 || lvl > 2 {
			return nil, &CSVError{Row: i + 2, Msg: fmt.Sprintf("bad level %q", r[0])}
		}
		if r[6] != "full" && r[6] != "partial" {
			return nil, &CSVError{Row: i + 2, Msg: fmt.Sprintf("kind %q", r[6])}
		}
		out = append(out, MergeRow{NewLevel: lvl, NewCode: r[1], NewName: r[2], NewParent: r[3], OldCode: r[4], OldName: r[5], Partial: r[6] == "partial"})
	}
	return out, nil
}

// capped reads at most n bytes and then fails with ErrTooLarge, rather than
// stopping quietly as io.LimitReader would.
type capped struct {
	r io.Reader
	n int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	k, err := c.r.Read(p)
	c.n -= int64(k)
	return k, err
}

func readCSV(in io.Reader, header []string) ([][]string, error) {
	r := csv.NewReader(&capped{in, MaxCSVBytes})
	r.FieldsPerRecord = len(header)
	head, err := r.Read()
	if err != nil {
		return nil, &CSVError{Row: 1, Msg: "header", Err: err}
	}
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	for i := range header {
		if head[i] != header[i] {
			return nil, &CSVError{Row: 1, Msg: fmt.Sprintf("column %d is %q, want %q", i+1, head[i], header[i])}
		}
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		row := len(rows) + 2
		if err != nil {
			return nil, &CSVError{Row: row, Msg: "malformed", Err: err}
		}
		if len(rows) == MaxCSVRows {
			return nil, &CSVError{Row: row, Msg: "more than " + strconv.Itoa(MaxCSVRows) + " rows", Err: ErrTooLarge}
		}
		for i := range rec {
			if len(rec[i]) > MaxCSVField {
				return nil, &CSVError{Row: row, Msg: fmt.Sprintf("column %d longer than %d bytes", i+1, MaxCSVField), Err: ErrTooLarge}
			}
			rec[i] = strings.TrimSpace(rec[i])
		}
		rows = append(rows, rec)
	}
}

// IDs of the GSO units in an rbac tree: the national root, then a prefix by
// level, so that a province, district and commune never share an ID.
const RootID = "vn"

// ProvinceID, DistrictID, CommuneID and NewCommuneID name units by code.
func ProvinceID(code string) string   { return "p" + code }
func DistrictID(code string) string   { return "d" + code }
func CommuneID(code string) string    { return "c" + code }
func NewCommuneID(code string) string { return "n" + code }

// UnitID returns the rbac ID of a GSO unit of the units file.
func (u GSOUnit) UnitID() string {
	switch u.Level {
	case 1:
		return ProvinceID(u.Code)
	case 2:
		return DistrictID(u.Code)
	}
	return CommuneID(u.Code)
}

// ParentID returns the rbac ID of the unit's parent.
func (u GSOUnit) ParentID() string {
	switch u.Level {
	case 1:
		return RootID
	case 2:
		return ProvinceID(u.Parent)
	}
	return DistrictID(u.Parent)
}
