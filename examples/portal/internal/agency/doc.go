// Package agency is the quantri-like console's super-admin registration by
// certificate ("Đăng ký tài khoản quản trị cấp cao"), as the Government
// Office's guidance (7443/VPCP-KSTT, 2020) runs it:
//
//  1. the agency's representative, logged in with Vnconnect as the
//     agency's organisation account, opens the registration page and asks
//     to sign with the agency's USB token: the portal issues a challenge
//     (pki.Challenger, purpose "dang-ky-quan-tri");
//  2. the signing plugin signs the challenge's signing input as a detached
//     CMS (PKCS#7) and posts it back to the portal;
//  3. the portal verifies the answer (chain to the VGCA root, revocation per
//     the verifier's policy, single use, expiry), shows the agency read
//     from the certificate (name, mã định danh, MST, serial, issuer), and
//     the representative confirms the unit: rbac.Service.RequestSuperAdmin
//     records the request, "Chờ phê duyệt";
//  4. the platform operator (Văn phòng Chính phủ) opens "Phê duyệt đăng ký
//     quản trị" and approves ("Phê duyệt") or rejects ("Từ chối") with a
//     reason; once approved the agency account is super admin of its unit.
//
// The real signing plugin is a local service of the VGCA token software,
// called by the page's script. This demo has no token: Plugin (under
// /dev/plugin-ky-so/) SIMULATES it, holds the demo agencies' keys from the
// test PKI, and exists only in the demo. It shows "Chọn chứng thư số",
// asks for a (demo) PIN, signs, and renders a plain form whose "Gửi kết
// quả ký" button posts the answer back — no JavaScript needed.
//
// Screens take narrow services (*rbac.Service, *pki.Challenger), not the
// demo's platform, so they are unit-tested with rbac's memory store, an
// in-memory Vnconnect directory and a pkitest PKI.
package agency
