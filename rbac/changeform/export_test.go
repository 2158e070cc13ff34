package changeform

// ParseIDForTest exposes parseID.
func ParseIDForTest(s string) (kind, number string, repaired bool, err error) {
	id, err := parseID(s)
	return id.kind, id.number, id.repaired, err
}
