//go:build cgo

package token

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/miekg/pkcs11"
)

// A PKCS#11 module is process-wide state: the dynamic loader hands every
// dlopen of one path the same library, C_Initialize may run only once, and
// C_Finalize ends it for everyone. Two Modules opened on the same path
// therefore share one loaded library, counted here, and the last Close
// finalizes it. This is the one package-level variable, and it mirrors
// state that is global in C whether we like it or not.
var loaded = struct {
	sync.Mutex
	libs map[string]*library
}{libs: map[string]*library{}}

type library struct {
	path string
	ctx  *pkcs11.Ctx
	refs int
	// ownsInit is false when something else in the process (another
	// library using the same module) had already initialized it; then it is
	// not ours to finalize.
	ownsInit bool
}

func acquire(path string) (*library, error) {
	key := filepath.Clean(path)
	loaded.Lock()
	defer loaded.Unlock()
	if lib := loaded.libs[key]; lib != nil {
		lib.refs++
		return lib, nil
	}
	ctx := pkcs11.New(key)
	if ctx == nil {
		return nil, fmt.Errorf("token: cannot load PKCS#11 module %q (missing, wrong architecture or not a PKCS#11 library)", path)
	}
	lib := &library{path: key, ctx: ctx, refs: 1, ownsInit: true}
	if err := ctx.Initialize(); err != nil {
		var code pkcs11.Error
		if errors.As(err, &code) && code == pkcs11.CKR_CRYPTOKI_ALREADY_INITIALIZED {
			lib.ownsInit = false
		} else {
			ctx.Destroy()
			return nil, wrap("C_Initialize", err)
		}
	}
	loaded.libs[key] = lib
	return lib, nil
}

func (lib *library) release() error {
	loaded.Lock()
	defer loaded.Unlock()
	lib.refs--
	if lib.refs > 0 {
		return nil
	}
	delete(loaded.libs, lib.path)
	var err error
	if lib.ownsInit {
		err = wrap("C_Finalize", lib.ctx.Finalize())
	}
	lib.ctx.Destroy()
	return err
}
