package vnid

// Gender as encoded in a CCCD's century/gender digit. Vnconnect's GioiTinh
// claim is mapped to it by package vnconnect.
type Gender int

const (
	GenderUnknown Gender = 0
	Male          Gender = 1
	Female        Gender = 2
)

// String returns "male", "female" or "unknown", for logs and tests.
func (g Gender) String() string {
	switch g {
	case Male:
		return "male"
	case Female:
		return "female"
	default:
		return "unknown"
	}
}

// Vietnamese returns the label used on Vietnamese forms: "Nam", "Nữ", or ""
// when unknown.
func (g Gender) Vietnamese() string {
	switch g {
	case Male:
		return "Nam"
	case Female:
		return "Nữ"
	default:
		return ""
	}
}
