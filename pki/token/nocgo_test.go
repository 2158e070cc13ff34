//go:build !cgo

package token

import (
	"errors"
	"testing"

	"github.com/rpkit-vn/rpkit/internal/testenv"
)

func TestOpenWithoutCgo(t *testing.T) {
	if _, err := Open("/usr/lib/softhsm/libsofthsm2.so", Options{}); !errors.Is(err, ErrNoCgo) {
		t.Fatalf("Open without cgo: err = %v, want ErrNoCgo", err)
	}
	// The SoftHSM2 tests need cgo: a required integration run must not
	// pass by leaving them out.
	testenv.Unavailable(t, "cgo", "the SoftHSM2 tests need CGO_ENABLED=1 and a C compiler")
}
