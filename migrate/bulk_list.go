package migrate

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

// IdentKind says what a bulk row's Ident is.
type IdentKind string

const (
	IdentCCCD   IdentKind = "cccd"   // 12-digit personal ID
	IdentCMND   IdentKind = "cmnd"   // 9-digit legacy ID
	IdentTechID IdentKind = "techid" // the Vnconnect TechID itself
)

// BulkRow is one line of a conversion list: the legacy username, the
// person's ID number (or TechID), and the subsystem ("" = all).
type BulkRow struct {
	Line      int
	Username  string
	Ident     string
	Kind      IdentKind
	Subsystem rbac.SubsystemID
	// Err is set when the row itself is malformed; such rows are reported,
	// never converted.
	Err string
}

// Limits of a list.
const (
	MaxBulkRows = 100_000
	maxFieldLen = 200
)

var (
	// ErrList: the list as a whole cannot be read (not CSV, too long…).
	ErrList = errors.New("migrate: unreadable conversion list")
	// ErrListTooLarge: the list is over a size limit; such errors wrap
	// ErrList too.
	ErrListTooLarge = errors.New("migrate: conversion list too large")

	usernameRE = regexp.MustCompile(`^[\p{L}\p{N}._@-]{1,100}$`)
	techIDRE   = regexp.MustCompile(`^[A-Za-z0-9-]{1,64}$`)
	subRE      = regexp.MustCompile(`^[a-z0-9_-]{1,40}$`)
)

// header words recognised in a first row, by column meaning.
var headerWords = map[string]int{
	"username": 0, "tai khoan": 0, "tài khoản": 0, "ten dang nhap": 0, "tên đăng nhập": 0,
	"id": 1, "cccd": 1, "cmnd": 1, "techid": 1, "so dinh danh": 1, "số định danh": 1, "cccd/cmnd": 1,
	"subsystem": 2, "phan he": 2, "phân hệ": 2,
}

// ParseCSV reads a conversion list: rows of username, ID number (CCCD,
// CMND or TechID), subsystem (optional), with an optional header row and
// an optional leading STT column. Comma or semicolon separated (Excel in
// a Vietnamese locale writes semicolons). Malformed rows come back with Err
// set; only an unreadable file is an error.
func ParseCSV(r io.Reader) ([]BulkRow, error) {
	br := &peekReader{r: r}
	sep := ','
	if first, _ := br.peekLine(); strings.Count(first, ";") > strings.Count(first, ",") {
		sep = ';'
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var records [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrList, err)
		}
		if len(records) >= MaxBulkRows+1 {
			return nil, fmt.Errorf("%w: more than %d rows", ErrList, MaxBulkRows)
		}
		records = append(records, append([]string(nil), rec...))
	}
	return parseRecords(records)
}

// parseRecords turns table cells (from CSV or XLSX) into rows.
func parseRecords(records [][]string) ([]BulkRow, error) {
	var out []BulkRow
	start, stt := 0, false
	if len(records) > 0 {
		hdr := records[0]
		known := 0
		for i, c := range hdr {
			w := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(c, "\ufeff")))
			if _, ok := headerWords[w]; ok {
				known++
			}
			if i == 0 && (w == "stt" || w == "#") {
				stt = true
			}
		}
		if known > 0 {
			start = 1
		}
	}
	for i := start; i < len(records); i++ {
		cells := records[i]
		if stt && len(cells) > 0 {
			cells = cells[1:]
		}
		if blank(cells) {
			continue
		}
		out = append(out, parseRow(i+1, cells))
	}
	return out, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func parseRow(line int, cells []string) BulkRow {
	row := BulkRow{Line: line}
	get := func(i int) string {
		if i < len(cells) {
			return strings.TrimSpace(strings.TrimPrefix(cells[i], "\ufeff"))
		}
		return ""
	}
	for _, c := range cells {
		if len(c) > maxFieldLen || !utf8.ValidString(c) {
			row.Err = "a field is too long or not UTF-8"
			return row
		}
	}
	row.Username, row.Ident, row.Subsystem = get(0), get(1), rbac.SubsystemID(strings.ToLower(get(2)))
	switch {
	case len(cells) > 3 && !blank(cells[3:]):
		row.Err = "too many columns"
	case !usernameRE.MatchString(row.Username):
		row.Err = "invalid username"
	case row.Subsystem != "" && !subRE.MatchString(string(row.Subsystem)):
		row.Err = "invalid subsystem"
	default:
		row.Kind, row.Ident, row.Err = classifyIdent(row.Ident)
	}
	return row
}

// classifyIdent tells a CCCD (12 digits, checked), a CMND (9 digits) and a
// TechID apart.
func classifyIdent(s string) (IdentKind, string, string) {
	digits := strings.Trim(s, "0123456789") == "" && s != ""
	switch {
	case digits && len(s) == 12:
		c, err := vnid.ParseCCCD(s)
		if err != nil {
			return "", s, "invalid CCCD: " + err.Error()
		}
		return IdentCCCD, c.Number, ""
	case digits && len(s) == 9:
		c, err := vnid.ParseCMND(s)
		if err != nil {
			return "", s, "invalid CMND: " + err.Error()
		}
		return IdentCMND, string(c), ""
	case digits:
		return "", s, "an ID number has 12 (CCCD) or 9 (CMND) digits"
	case techIDRE.MatchString(s):
		return IdentTechID, strings.ToLower(s), ""
	}
	return "", s, "missing or invalid ID number / TechID"
}

// peekReader lets ParseCSV look at the first line to pick the separator.
type peekReader struct {
	r   io.Reader
	buf []byte
}

func (p *peekReader) peekLine() (string, error) {
	tmp := make([]byte, 4096)
	n, err := io.ReadFull(p.r, tmp)
	p.buf = append(p.buf, tmp[:n]...)
	s := string(p.buf)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return s, err
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}
