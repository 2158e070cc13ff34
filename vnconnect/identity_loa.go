package vnconnect

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// mapLoAs reads loAs, which deployments send as one string ("LoA2"), a
// list in one string ("LoA1,LoA2"), an array of strings, or a bare level
// number. Each value must name LoA1..LoA4 (any letter case); other values
// are reported and dropped.
func (id *Identity) mapLoAs() {
	raw, present := id.Raw[ClaimLoAs]
	if !present {
		return
	}
	var items []claimScalar
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		var arr []json.RawMessage
		if err := json.Unmarshal(t, &arr); err != nil {
			id.problem(ClaimLoAs, invalidClaim(claimValueTypeMessage))
			return
		}
		for _, el := range arr {
			v, ok, err := scalarClaim(el)
			if err != nil {
				id.problem(ClaimLoAs, err)
				return
			}
			if ok {
				items = append(items, v)
			}
		}
	} else {
		v, ok := id.value(ClaimLoAs)
		if !ok {
			return
		}
		items = append(items, v)
	}

	var out []string
	bad := false
	for _, v := range items {
		for _, f := range strings.FieldsFunc(v.text, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
			if l, ok := canonicalLoA(f); ok {
				out = append(out, l)
			} else {
				bad = true
			}
		}
	}
	if bad {
		id.problem(ClaimLoAs, invalidClaim("value other than LoA1..LoA4"))
	}
	// "LoA1" < … < "LoA4" sorts correctly as strings.
	slices.Sort(out)
	id.LoAs = slices.Compact(out)
}

// canonicalLoA turns "loa2", "LOA2" or "2" into "LoA2".
func canonicalLoA(s string) (string, bool) {
	if len(s) == 4 && strings.EqualFold(s[:3], "loa") {
		s = s[3:]
	}
	if len(s) == 1 && s[0] >= '1' && s[0] <= '4' {
		return "LoA" + s, true
	}
	return "", false
}
