// Package changeform imports the provinces' change form: the table that
// the Kiên Giang letter (6112/VP-KGVX, 2020) attaches for units to report
// civil servants to add to the National Public Service Portal's
// subsystems — STT, Phân hệ (subsystem), Họ và tên, Số CMND/CCCD, Ghi chú.
//
// It lives in its own package, beside rbac/adminapi rather than inside it,
// because a form is also imported from a command line or a batch job, and
// because parsing untrusted spreadsheets deserves a package whose every
// limit can be fuzzed on its own. rbac/adminapi exposes it as
// POST /change-form.
//
// # Parsing
//
// Parse reads XLSX (github.com/xuri/excelize/v2) or CSV (encoding/csv),
// told apart by content. The header row is found among the first rows
// (the letter puts a title above its table) by the words of each heading,
// compared without diacritics or case, so "Số CMND", "SỐ CMND/CCCD" and
// "So dinh danh ca nhan" all name the ID column. Rows without subsystem,
// name and ID (blank lines, the letter's "...." placeholder, footnotes)
// are skipped. A blank subsystem cell repeats the row above's (a cell
// merged over several people, or "như trên"); the row says so. XLSX
// sheets are streamed, never loaded whole. Every dimension is capped by Limits — file size, rows, cell
// length, columns; for XLSX the part count and the uncompressed size (the
// zip-bomb guard, checked from the zip directory and passed to excelize as
// UnzipSizeLimit). A failure is a *ParseError naming the line and column.
//
// # Planning and applying
//
// An Importer maps each row's free-text subsystem to a subsystem ID with
// an AliasTable (diacritic-insensitive, tolerant of cut-short names, never
// guessing between two), parses the ID (restoring the leading zeros a
// spreadsheet strips from numbers), looks the person up on Vnconnect
// through a vnconnect.Directory, checks the form's name against the
// account's (vnid.FoldName: diacritics and case ignored), and asks rbac
// whether the actor may add them. Plan is the dry run; Apply plans again
// and adds each "add" row with rbac.Service.Add — to the subsystem, in
// the unit given by the request, pending activation (Chưa kích hoạt).
// Every row ends with an Outcome: add/added, already-present,
// not-registered, name-mismatch, invalid-id, unknown-subsystem, forbidden,
// missing-name, duplicate, ambiguous or failed. Running a form again adds
// nothing twice. A Progress callback follows long files row by row.
//
// The form carries no unit column: the people join the unit whose admin
// imports it (the request's Unit). Moving them further down is the
// ordinary Thay đổi đơn vị step.
package changeform
