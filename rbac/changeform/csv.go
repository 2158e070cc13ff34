package changeform

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// ParseCSV reads the form from CSV. It accepts what people actually send:
// UTF-8 with or without a byte-order mark, UTF-16 with one (Excel's
// "Unicode text"), and comma, semicolon or tab separators (a table pasted
// from the letter's Word file is tab-separated). The separator is the
// first of those with which a header row is found.
func ParseCSV(ctx context.Context, r io.Reader, lim Limits) (*Form, error) {
	lim = lim.withDefaults()
	data, err := readAll(r, lim.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	text, err := decodeText(data, lim.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	var first error
	for _, sep := range []rune{',', ';', '\t'} {
		f, err := parseCSVWith(ctx, text, sep, lim)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, ErrNoHeader) && !errors.Is(err, ErrFormat) {
			return nil, err // a limit hit with the right separator
		}
		if first == nil || errors.Is(first, ErrFormat) {
			first = err
		}
	}
	return nil, first
}

// decodeText returns UTF-8 text without a byte-order mark.
func decodeText(data []byte, max int64) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
		out, err := dec.Bytes(data)
		if err != nil {
			return nil, parseErr(0, "", ErrEncoding, "malformed UTF-16")
		}
		// UTF-16 → UTF-8 grows Vietnamese text by at most half again;
		// still bound it by the file limit's order.
		if int64(len(out)) > 2*max {
			return nil, parseErr(0, "", ErrTooLarge, "the decoded text is too large")
		}
		data = out
	}
	if !utf8.Valid(data) {
		return nil, parseErr(0, "", ErrEncoding, "save the file as CSV UTF-8")
	}
	return data, nil
}

func parseCSVWith(ctx context.Context, text []byte, sep rune, lim Limits) (*Form, error) {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.Comma = sep
	cr.FieldsPerRecord = -1 // footnotes and blank lines have fewer cells
	cr.LazyQuotes = true    // stray quotes in names pasted from Word
	cr.ReuseRecord = true
	t := newTable("csv", lim)
	for n := 0; ; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, parseErr(line, "", ErrFormat, "malformed CSV")
		}
		line, _ := cr.FieldPos(0)
		if err := t.add(line, rec); err != nil {
			return nil, err
		}
	}
	return t.finish()
}
