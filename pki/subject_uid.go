package pki

import (
	"strings"
)

// UIDKind is the kind of identifier a UID attribute holds, named by the
// prefix VGCA-profile certificates write before it ("MST:0400260612").
type UIDKind string

// The prefixes of the VGCA profile. The last five are the newer aliases some
// CAs use; UID.Family maps them to the kind they stand for.
const (
	UIDUnknown UIDKind = ""     // no prefix, or one the profile does not know
	UIDCMND    UIDKind = "CMND" // 9-digit identity card number (chứng minh nhân dân)
	UIDCCCD    UIDKind = "CCCD" // 12-digit citizen identity / personal ID number
	UIDHC      UIDKind = "HC"   // passport (hộ chiếu)
	UIDMST     UIDKind = "MST"  // tax code (mã số thuế)
	UIDMNS     UIDKind = "MNS"  // budget-unit code (mã đơn vị quan hệ ngân sách)
	UIDBHXH    UIDKind = "BHXH" // social-insurance number
	UIDQD      UIDKind = "QĐ"   // establishment decision (quyết định), free text
	UIDMDV     UIDKind = "MDV"  // agency code (mã định danh đơn vị), NNN.NN.NN.Lnn
	UIDPID     UIDKind = "PID"  // personal ID: a CCCD, or a CMND by its length
	UIDPPT     UIDKind = "PPT"  // passport, alias of HC
	UIDCZN     UIDKind = "CZN"  // citizen number, alias of CCCD
	UIDTIN     UIDKind = "TIN"  // tax identification number, alias of MST
	UIDBDG     UIDKind = "BDG"  // budget code, alias of MNS
)

// UID is one UID attribute of a subject.
type UID struct {
	// Kind is the prefix in its normal spelling (upper case, "QD" and the
	// other spellings of "QĐ" written "QĐ"); UIDUnknown when there is no
	// prefix the profile knows.
	Kind UIDKind
	// Value is the identifier after the prefix: in the normal form of its
	// vnid type when valid (e.g. a passport's letter upper-cased), else
	// trimmed of white space. For UIDUnknown it is the whole trimmed value.
	Value string
	// Raw is the attribute value exactly as in the certificate.
	Raw string
	// Err is a *UIDError when Value is not a valid identifier of its kind;
	// nil for a valid one and for UIDUnknown, which is not checked.
	Err error
}

// Valid reports whether the UID has a known kind and a valid value.
func (u UID) Valid() bool { return u.Kind != UIDUnknown && u.Err == nil }

// Family returns the kind the UID's prefix stands for: the alias prefixes map
// to CCCD, CMND, HC, MST or MNS; the others return Kind. PID is a CCCD unless
// its value has the 9 digits of a CMND.
func (u UID) Family() UIDKind {
	switch u.Kind {
	case UIDPPT:
		return UIDHC
	case UIDCZN:
		return UIDCCCD
	case UIDTIN:
		return UIDMST
	case UIDBDG:
		return UIDMNS
	case UIDPID:
		if len(u.Value) == 9 {
			return UIDCMND
		}
		return UIDCCCD
	}
	return u.Kind
}

// ParseUID reads one UID attribute value: "PREFIX:identifier". The prefix is
// matched without regard to ASCII case or surrounding spaces; "QĐ" is also
// recognised when written "QD", with the Icelandic eth (Ð, which legacy
// TCVN3/VNI converters produce for Đ), or as D followed by a combining stroke
// (U+0335/U+0336: Đ has no canonical decomposition, so this is how
// decomposing input methods spell it). The value is then validated for its
// kind; see UID.Err.
func ParseUID(raw string) UID {
	u := UID{Raw: raw}
	prefix, value, found := strings.Cut(raw, ":")
	if found {
		u.Kind = lookupPrefix(prefix)
	}
	if u.Kind == UIDUnknown {
		u.Value = strings.TrimSpace(raw)
		return u
	}
	u.Value = strings.TrimSpace(value)
	u.Value, u.Err = validateUID(u.Kind, u.Value)
	return u
}

// maxPrefixLen bounds the text inspected as a prefix; the longest spelling
// ("QD" + a combining mark, with spaces) is far below it.
const maxPrefixLen = 16

// dStroke rewrites the other spellings of Đ (see ParseUID). Immutable and
// safe for concurrent use.
var dStroke = strings.NewReplacer(
	"D\u0335", "Đ", "d\u0335", "Đ", "D\u0336", "Đ", "d\u0336", "Đ",
	"đ", "Đ", "Ð", "Đ", "ð", "Đ",
)

func lookupPrefix(p string) UIDKind {
	if len(p) > maxPrefixLen {
		return UIDUnknown
	}
	p = strings.TrimSpace(p)
	p = dStroke.Replace(p)
	p = asciiUpper(p)
	switch k := UIDKind(p); k {
	case UIDCMND, UIDCCCD, UIDHC, UIDMST, UIDMNS, UIDBHXH, UIDQD, UIDMDV,
		UIDPID, UIDPPT, UIDCZN, UIDTIN, UIDBDG:
		return k
	case "QD":
		return UIDQD
	}
	return UIDUnknown
}

// asciiUpper folds ASCII letters only: Unicode case mapping would let
// look-alikes (the dotless ı upper-cases to I) pass for a prefix.
func asciiUpper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - ('a' - 'A')
		}
	}
	return string(b)
}
