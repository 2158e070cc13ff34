package migrate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

// TestComparesInConstantTime checks the hashers' source: every Compare
// decides through crypto/subtle or bcrypt's own comparison, and none
// compares secrets with bytes.Equal, hmac.Equal, == on strings, or
// anything else that returns at the first difference.
func TestComparesInConstantTime(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "hasher.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "Compare" || fn.Recv == nil {
			continue
		}
		n++
		safe := false
		ast.Inspect(fn.Body, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok {
					switch id.Name + "." + x.Sel.Name {
					case "subtle.ConstantTimeCompare", "bcrypt.CompareHashAndPassword":
						safe = true
					case "bytes.Equal", "hmac.Equal", "bytes.Compare", "strings.EqualFold", "reflect.DeepEqual", "slices.Equal":
						t.Errorf("%s: %s.%s compares secrets early-exit", fset.Position(x.Pos()), id.Name, x.Sel.Name)
					}
				}
			case *ast.BinaryExpr:
				// Comparing a derived digest with == would leak where it
				// differs; only lengths and counts may be compared.
				if x.Op.String() == "==" || x.Op.String() == "!=" {
					for _, side := range []ast.Expr{x.X, x.Y} {
						if id, ok := side.(*ast.Ident); ok && (id.Name == "want" || id.Name == "got" || id.Name == "password") {
							t.Errorf("%s: %s compared with %s", fset.Position(x.Pos()), id.Name, x.Op)
						}
					}
				}
			}
			return true
		})
		if !safe {
			t.Errorf("%s: Compare does not use a constant-time comparison", fset.Position(fn.Pos()))
		}
	}
	if n < 3 {
		t.Fatalf("found %d Compare methods", n)
	}
}
