package testenv

import (
	"bufio"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	defaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	defaultRedisAddr   = "127.0.0.1:6379"
	dialTimeout        = 2 * time.Second
)

// PostgresDSN returns the DSN of the test PostgreSQL server once it answers
// on its TCP port, or ends the test through Unavailable.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	dsn := envOr("RPKIT_POSTGRES_DSN", defaultPostgresDSN)
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		t.Fatalf("RPKIT_POSTGRES_DSN is not a postgres:// URL: %v", err)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "5432")
	}
	conn, err := net.DialTimeout("tcp", host, dialTimeout)
	if err != nil {
		Unavailable(t, "PostgreSQL", err.Error())
	}
	conn.Close()
	return dsn
}

// RedisAddr returns the address of the test Redis server once it answers a
// PING, or ends the test through Unavailable.
func RedisAddr(t testing.TB) string {
	t.Helper()
	addr := envOr("RPKIT_REDIS_ADDR", defaultRedisAddr)
	if err := pingRedis(addr); err != nil {
		Unavailable(t, "Redis", err.Error())
	}
	return addr
}

// pingRedis speaks the one RESP command it needs: the tests that use Redis
// go through go-redis; this only tells whether a server is there.
func pingRedis(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, dialTimeout)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(dialTimeout))
	if _, err := conn.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, "+PONG") {
		return &net.OpError{Op: "ping", Net: "tcp", Err: errString("unexpected reply " + strings.TrimSpace(line))}
	}
	return nil
}

// SoftHSM2Module returns the path of the SoftHSM2 PKCS#11 module, or ends the
// test through Unavailable.
func SoftHSM2Module(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("RPKIT_SOFTHSM2_LIB"); p != "" {
		return mustExist(t, "SoftHSM2", p)
	}
	for _, p := range []string{
		"/usr/lib/softhsm/libsofthsm2.so",
		"/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
		"/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
		"/usr/local/lib/softhsm/libsofthsm2.so",
	} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	Unavailable(t, "SoftHSM2", "libsofthsm2.so not found (Debian package softhsm2)")
	return ""
}

// Chromium returns the path of a headless-capable Chromium, or ends the test
// through Unavailable.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("RPKIT_CHROMIUM"); p != "" {
		return mustExist(t, "Chromium", p)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Unavailable(t, "Chromium", "no chromium on PATH (Debian package chromium)")
	return ""
}

// SharedDir returns the shared/ folder that CI places beside the checkout
// (its testdata holds NIST PKITS and the VGCA root), or ends the test through
// Unavailable.
func SharedDir(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("RPKIT_SHARED_DIR"); p != "" {
		return mustExist(t, "shared test data", p)
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	// Walk up to the module root, then look beside it.
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			Unavailable(t, "shared test data", "module root not found from the working directory")
		}
		dir = parent
	}
	shared := filepath.Join(filepath.Dir(dir), "shared")
	return mustExist(t, "shared test data", shared)
}

func mustExist(t testing.TB, what, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Unavailable(t, what, err.Error())
	}
	return path
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

type errString string

func (e errString) Error() string { return string(e) }
