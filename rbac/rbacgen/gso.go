package rbacgen

import (
	"encoding/csv"
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

// LoadUnits reads the units file.
func LoadUnits(path string) ([]GSOUnit, error) {
	rows, err := readCSV(path, []string{"level", "code", "parent_code", "type", "name"})
	if err != nil {
		return nil, err
	}
	out := make([]GSOUnit, 0, len(rows))
	for i, r := range rows {
		lvl, err := strconv.Atoi(r[0])
		if err != nil || lvl < 1 || lvl > 3 {
			return nil, fmt.Errorf("%s: row %d: bad level %q", path, i+2, r[0])
		}
		out = append(out, GSOUnit{Level: lvl, Code: r[1], Parent: r[2], Type: r[3], Name: r[4]})
	}
	return out, nil
}

// LoadMerges reads the merges file.
func LoadMerges(path string) ([]MergeRow, error) {
	rows, err := readCSV(path, []string{"new_level", "new_code", "new_name", "new_parent_code", "old_code", "old_name", "kind"})
	if err != nil {
		return nil, err
	}
	out := make([]MergeRow, 0, len(rows))
	for i, r := range rows {
		lvl, err := strconv.Atoi(r[0])
		if err != nil || lvl < 1 || lvl > 2 {
			return nil, fmt.Errorf("%s: row %d: bad level %q", path, i+2, r[0])
		}
		if r[6] != "full" && r[6] != "partial" {
			return nil, fmt.Errorf("%s: row %d: kind %q", path, i+2, r[6])
		}
		out = append(out, MergeRow{NewLevel: lvl, NewCode: r[1], NewName: r[2], NewParent: r[3], OldCode: r[4], OldName: r[5], Partial: r[6] == "partial"})
	}
	return out, nil
}

func readCSV(path string, header []string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	head[0] = strings.TrimPrefix(head[0], "\ufeff")
	for i := range header {
		if head[i] != header[i] {
			return nil, fmt.Errorf("%s: column %d is %q, want %q", path, i+1, head[i], header[i])
		}
	}
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for i := range rec {
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
