package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// These tests are the check that `make test` made the machine ready: with
// RPKIT_REQUIRE_INTEGRATION=1 each fails when its component is missing.

func TestPostgresAnswers(t *testing.T) {
	if dsn := PostgresDSN(t); dsn == "" {
		t.Fatal("empty DSN")
	}
}

func TestRedisAnswersPing(t *testing.T) {
	if addr := RedisAddr(t); addr == "" {
		t.Fatal("empty address")
	}
}

func TestSoftHSM2ModulePresent(t *testing.T) {
	p := SoftHSM2Module(t)
	if filepath.Base(p) != "libsofthsm2.so" {
		t.Fatalf("module path %q is not libsofthsm2.so", p)
	}
}

func TestChromiumPresent(t *testing.T) {
	p := Chromium(t)
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		t.Fatalf("chromium %q is not a file: %v", p, err)
	}
}

func TestSharedTestDataPresent(t *testing.T) {
	dir := SharedDir(t)
	for _, rel := range []string{"testdata/vgca/vgca-root-ca.cer", "testdata/pkits/vectors.json"} {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Errorf("shared test data incomplete: %v", err)
		}
	}
}

func TestRedisPingRefusesNonRedis(t *testing.T) {
	// Port 1 on loopback has no listener: the probe must report an error, not hang.
	if err := pingRedis("127.0.0.1:1"); err == nil {
		t.Fatal("pingRedis succeeded against a closed port")
	}
}
