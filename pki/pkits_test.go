package pki

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rpkit-vn/rpkit/internal/testenv"
)

// NIST PKITS 1.0.1 through the whole verifier: path building, RFC 5280
// validation, certificate policies and CRL revocation (offline CRLs).

type pkitsVector struct {
	Name                        string
	CertPath                    []string
	CRLPath                     []string
	ShouldValidate              bool
	InitialPolicySet            []string
	InitialPolicyMappingInhibit bool
	InitialExplicitPolicy       bool
	InitialAnyPolicyInhibit     bool
}

// pkitsTime: every PKITS certificate and CRL (but those testing validity)
// is valid between 2010 and 2030.
var pkitsTime = time.Date(2020, 6, 1, 0, 0, 0, 0, time.UTC)

// pkitsExpectedPass must not go down: every vector but the three DSA ones,
// which are refused with ErrUnsupportedAlgorithm.
const pkitsExpectedPass = 246

// pkitsKnownFailures are valid paths this verifier refuses, with why. The
// last three (4.14.4, 4.14.5, 4.14.29: CRLDistributionPoints with
// nameRelativeToCRLIssuer, which crypto/x509 cannot parse) pass since
// parseCertificate (certparse.go).
var pkitsKnownFailures = map[string]string{}

var pkitsPolicies = map[string]string{
	"anyPolicy":          "2.5.29.32.0",
	"NIST-test-policy-1": "2.16.840.1.101.3.2.1.48.1",
	"NIST-test-policy-2": "2.16.840.1.101.3.2.1.48.2",
	"NIST-test-policy-3": "2.16.840.1.101.3.2.1.48.3",
	"NIST-test-policy-6": "2.16.840.1.101.3.2.1.48.6",
}

func TestPKITS(t *testing.T) {
	dir := filepath.Join(testenv.SharedDir(t), "testdata", "pkits")
	raw, err := os.ReadFile(filepath.Join(dir, "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vectors []pkitsVector
	if err := json.Unmarshal(raw, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) != 249 {
		t.Fatalf("expected 249 vectors, got %d", len(vectors))
	}
	type tally struct{ pass, fail, unsupported int }
	sections := map[string]*tally{}
	var sectionOrder []string
	passed := 0
	var lines []string
	for _, vec := range vectors {
		sec := pkitsSection(vec.Name)
		if sections[sec] == nil {
			sections[sec] = &tally{}
			sectionOrder = append(sectionOrder, sec)
		}
		outcome, err := runPKITSVector(dir, vec)
		switch {
		case errors.Is(err, ErrUnsupportedAlgorithm) && strings.Contains(vec.Name, "DSA"):
			sections[sec].unsupported++
			lines = append(lines, fmt.Sprintf("UNSUPPORTED %s: %v", vec.Name, err))
			continue
		case outcome == vec.ShouldValidate:
			sections[sec].pass++
			passed++
			continue
		}
		sections[sec].fail++
		if !vec.ShouldValidate {
			t.Errorf("SECURITY: %s validated but must not", vec.Name)
			continue
		}
		why, known := pkitsKnownFailures[vec.Name]
		if !known {
			t.Errorf("%s: refused a valid path: %v", vec.Name, err)
			continue
		}
		lines = append(lines, fmt.Sprintf("KNOWN FAILURE %s: %s (%v)", vec.Name, why, err))
	}
	sort.SliceStable(sectionOrder, func(i, j int) bool { return sectionLess(sectionOrder[i], sectionOrder[j]) })
	var b strings.Builder
	fmt.Fprintf(&b, "%-8s %6s %6s %12s\n", "section", "passed", "failed", "unsupported")
	var tp, tf, tu int
	for _, s := range sectionOrder {
		x := sections[s]
		fmt.Fprintf(&b, "%-8s %6d %6d %12d\n", s, x.pass, x.fail, x.unsupported)
		tp, tf, tu = tp+x.pass, tf+x.fail, tu+x.unsupported
	}
	fmt.Fprintf(&b, "%-8s %6d %6d %12d\n", "total", tp, tf, tu)
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	t.Log("\n" + b.String())
	out := filepath.Join(t.TempDir(), "pkits-table.txt")
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("table written to %s", out)
	if passed < pkitsExpectedPass {
		t.Errorf("PKITS regression: %d passed, expected at least %d", passed, pkitsExpectedPass)
	}
}

func pkitsSection(name string) string {
	f := strings.Split(strings.Fields(name)[0], ".")
	return strings.Join(f[:2], ".")
}

func sectionLess(a, b string) bool {
	var a1, a2, b1, b2 int
	fmt.Sscanf(a, "%d.%d", &a1, &a2)
	fmt.Sscanf(b, "%d.%d", &b1, &b2)
	if a1 != b1 {
		return a1 < b1
	}
	return a2 < b2
}

// runPKITSVector reports whether the vector's path validates. A certificate
// LoadCertificates cannot parse counts as a refused path.
func runPKITSVector(dir string, vec pkitsVector) (bool, error) {
	var certs []*x509.Certificate
	for _, name := range vec.CertPath {
		der, err := os.ReadFile(filepath.Join(dir, "certs", name))
		if err != nil {
			return false, err
		}
		cs, err := LoadCertificates(der)
		if err != nil {
			if isDSACert(der) {
				return false, fmt.Errorf("%w: %w", ErrUnsupportedAlgorithm, err)
			}
			return false, err
		}
		certs = append(certs, cs[0])
	}
	var crls []*x509.RevocationList
	for _, name := range vec.CRLPath {
		der, err := os.ReadFile(filepath.Join(dir, "crls", name))
		if err != nil {
			return false, err
		}
		rl, err := x509.ParseRevocationList(der)
		if err != nil {
			return false, err
		}
		crls = append(crls, rl)
	}
	cfg := Config{
		Roots:                 certs[:1],
		Clock:                 func() time.Time { return pkitsTime },
		Revocation:            RevocationCRLOnly,
		RequireExplicitPolicy: vec.InitialExplicitPolicy,
		InhibitPolicyMapping:  vec.InitialPolicyMappingInhibit,
		InhibitAnyPolicy:      vec.InitialAnyPolicyInhibit,
		HTTPClient:            noNetworkClient(),
	}
	for _, p := range vec.InitialPolicySet {
		oid, err := x509.ParseOID(pkitsPolicies[p])
		if err != nil {
			return false, err
		}
		cfg.Policies = append(cfg.Policies, oid)
	}
	v, err := NewVerifier(cfg)
	if err != nil {
		return false, err
	}
	for _, rl := range crls {
		// A structurally unusable CRL is refused here; the path then lacks
		// that CRL and fails revocation, as PKITS expects.
		_ = v.AddCRL(rl)
	}
	leaf := certs[len(certs)-1]
	_, err = v.Verify(context.Background(), leaf, certs[1:len(certs)-1], Options{Use: UseAny})
	return err == nil, err
}

// isDSACert spots a DSA subject key or signature by OID, for certificates
// crypto/x509 cannot even parse (DSA parameter inheritance).
func isDSACert(der []byte) bool {
	dsa := []byte{0x2a, 0x86, 0x48, 0xce, 0x38, 0x04} // 1.2.840.10040.4
	return strings.Contains(string(der), string(dsa))
}
