package vnconnect

// validLoASpelling accepts exactly "LoA1".."LoA4", the spelling Vnconnect
// expects in acr_values. The verifier tolerates other letter cases in the
// tokens it receives; the client is strict in what it sends, so a typo in a
// configuration fails at start-up instead of silently requesting nothing.
func validLoASpelling(s string) bool {
	return len(s) == 4 && s[:3] == "LoA" && s[3] >= '1' && s[3] <= '4'
}
