package adminapi_test

import "github.com/rpkit-vn/rpkit/vnconnect/vnid"

func foldASCII(s string) string { return vnid.FoldName(s) }
