package rbac_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/rpkit-vn/rpkit/rbac"
	"github.com/rpkit-vn/rpkit/vnconnect"
	"github.com/rpkit-vn/rpkit/vnconnect/vnid"
)

func Example() {
	ctx := context.Background()
	code, _ := vnid.ParseAgencyCode("000.00.00.H41")
	cccd, _ := vnid.NewCCCD("040", vnid.Female, 1990, "123456")
	dir := vnconnect.NewStaticDirectory(
		&vnconnect.Identity{TechID: "agency-na", AccountType: vnconnect.AccountOrganisation, EnterpriseName: "UBND tỉnh Nghệ An", AgencyCode: &code},
		&vnconnect.Identity{TechID: "lan", AccountType: vnconnect.AccountCitizen, FullName: "Nguyễn Thị Lan", CCCD: &cccd},
	)
	svc, err := rbac.New(rbac.Config{Directory: dir, Operators: []string{"vpcp"}})
	if err != nil {
		panic(err)
	}
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(svc.RegisterSubsystem(ctx, rbac.PAKN()))
	_, err = svc.CreateUnit(ctx, "vpcp", rbac.Unit{ID: "na", Name: "Tỉnh Nghệ An", Kind: rbac.KindProvince, Code: "000.00.00.H41", CodeKind: rbac.CodeAgency}, "danh mục")
	must(err)

	// The province registers with its certificate; the operator approves.
	req, err := svc.RequestSuperAdmin(ctx, rbac.AgencyCredential{AgencyCode: "000.00.00.H41", Name: "UBND tỉnh Nghệ An"}, "na", "đăng ký quản trị cấp cao")
	must(err)
	_, err = svc.ApproveSuperAdmin(ctx, "vpcp", req.ID, "mã định danh khớp")
	must(err)

	// The super admin adds Lan from Vnconnect, activates her and makes her
	// a level-1 PAKN admin.
	_, err = svc.Add(ctx, req.Account, rbac.AddRequest{Subsystem: rbac.SubsystemPAKN, Unit: "na",
		Query: vnconnect.Query{CCCD: cccd.Number}, Reason: "thêm mới từ Vnconnect"})
	must(err)
	m, err := svc.Activate(ctx, req.Account, "lan", rbac.SubsystemPAKN, "kích hoạt")
	must(err)
	fmt.Println(m.State.Label())
	_, err = svc.Grant(ctx, req.Account, "lan", rbac.SubsystemPAKN, rbac.RoleUnitAdmin, 1, "gán quyền")
	must(err)

	// Lan cannot lift herself, nor act on the super admin.
	_, err = svc.Grant(ctx, "lan", "lan", rbac.SubsystemPAKN, rbac.RoleUnitAdmin, 1, "tự nâng quyền")
	var denied *rbac.DeniedError
	fmt.Println(errors.As(err, &denied), denied.Rule, rbac.ErrorCode(err))

	n, err := svc.VerifyChain(ctx)
	fmt.Println(n, err)
	// Output:
	// Đã kích hoạt
	// true self rbac.forbidden
	// 7 <nil>
}
