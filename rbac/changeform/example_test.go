package changeform_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/rpkit-vn/rpkit/rbac/changeform"
)

// Parse a form pasted from the letter's Word table (tab-separated).
func ExampleParse() {
	const pasted = "DANH SÁCH BỔ SUNG TÀI KHOẢN\n" +
		"STT\tPhân hệ cần bổ sung CCVC xử lý\tHọ và tên CCVC\tSố CMND\tGhi chú\n" +
		"1\tHệ thống tiếp nhận, xử lý phản ánh kiến nghị…\tNguyễn Văn A\t040 085 000 001\t\n" +
		"....\n"
	form, err := changeform.Parse(context.Background(), strings.NewReader(pasted), changeform.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	aliases, err := changeform.NewAliasTable(changeform.DefaultAliases()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range form.Rows {
		sub, _, _ := aliases.Lookup(r.Subsystem)
		fmt.Printf("line %d: %s → %s, %s\n", r.Line, r.FullName, sub, r.ID)
	}
	// Output:
	// line 3: Nguyễn Văn A → pakn, 040 085 000 001
}
