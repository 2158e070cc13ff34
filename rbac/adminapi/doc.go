// Package adminapi is a mountable JSON HTTP API for user administration on
// top of package rbac: what a PAKN-, CSDL TTHC- or quantri-like app embeds
// so that its admins run the platform's screens — "Thêm mới từ Vnconnect",
// Kích hoạt, Khóa/Mở, Thay đổi đơn vị, Gán quyền — import the provinces'
// change form (package rbac/changeform) and convert accounts (Chuyển đổi
// tài khoản, package migrate).
//
//	api, err := adminapi.New(adminapi.Config{Service: svc, Web: webHandler, Directory: dir})
//	mux.Handle("/admin/api/", http.StripPrefix("/admin/api", api))
//
// # Authentication and CSRF
//
// The actor is the logged-in person's Vnconnect TechID. By default
// (WebAuthenticator) it comes from the vnconnect/web session:
// RequireLogin guards every route (an anonymous API call gets web's 401
// JSON answer), IdentityFrom gives the TechID, and every POST, PUT, PATCH
// and DELETE must carry the session's CSRF token in X-CSRF-Token
// (web.VerifyCSRF) — checked before the body is read — or it is refused
// with 403 auth.csrf. GET /me returns the token for scripts. Another
// Authenticator can be supplied.
//
// # Routes
//
//	GET    /me                                   actor, operator?, scopes, csrf_token
//	GET    /subsystems                           subsystems with roles and groups
//	GET    /vnconnect/search?cccd=|cmnd=|phone=|name=|email=|agency_code=|mst=[&type=&limit=]
//	GET    /users?subsystem=&unit=&state=&locked=&role=&group=&review=&name=&after=&limit=
//	POST   /users                                save from Vnconnect → pending (Chưa kích hoạt);
//	                                             optionally activate, group, lock in the same transaction
//	GET    /users/{account}                      the account's memberships in scope
//	GET    /users/{account}/{subsystem}          one membership (404 if out of scope)
//	DELETE /users/{account}/{subsystem}          remove
//	POST   /users/{account}/{subsystem}/activate Kích hoạt
//	POST   /users/{account}/{subsystem}/lock     Khóa
//	POST   /users/{account}/{subsystem}/open     Mở
//	POST   /users/{account}/{subsystem}/unit     Thay đổi đơn vị
//	POST   /users/{account}/{subsystem}/group    set the user group
//	POST   /users/{account}/{subsystem}/roles    Gán quyền (role, level)
//	DELETE /users/{account}/{subsystem}/roles/{role}
//	GET    /units[?subsystem=]                   units the actor manages
//	GET    /units/{unit}/admins                  who has power over a unit
//	GET    /audit[?after=]                       audit log as JSON lines (operator)
//	GET    /super-admin/requests[?state=]        (operator)
//	POST   /super-admin/requests                 an agency asks (needs Config.Credentials)
//	POST   /super-admin/requests/{id}/approve    (operator)
//	POST   /super-admin/requests/{id}/reject     (operator)
//	POST   /change-form[?dry_run=1]              multipart: file, unit, reason[, plan]
//	GET    /conversions/legacy?username=         Tra cứu tài khoản username/password
//	GET    /conversions/vnconnect?cccd=|cmnd=|techid=  Tra cứu tài khoản Vnconnect
//	POST   /conversions/plan                     Chuyển đổi: the dry run (rows per table, rights)
//	POST   /conversions                          Đồng ý: run it → 201 and the conversion
//	GET    /conversions/{id}                     one conversion (404 unless the actor may see it)
//	POST   /conversions/{id}/verify              the new holder checks the data is complete
//	POST   /conversions/{id}/revert              undo, within migrate's revert window
//
// Every state-changing body is JSON with a "reason", which rbac records in
// its audit log. Bodies are decoded strictly: application/json only,
// unknown fields and trailing data refused, at most Config.MaxBodyBytes.
// Query strings are strict too: an unknown or repeated parameter is a 400,
// so a misspelt filter never silently widens a listing. Listings page
// with an opaque cursor (next → after).
//
// The change form is applied in two steps: a dry run returns the per-row
// plan and a "plan" value binding the file, the unit and the actor;
// applying requires that value, so what is applied is what was reviewed.
//
// The conversion routes need Config.Converter (without one they answer
// 501 server.not_configured). POST /conversions/plan and POST /conversions
// take {"kind": "legacy"|"vnconnect", "from", "to", "subsystems", "reason"};
// the plan is advice, not a lock: the preconditions are checked again when
// the conversion runs. Revert takes {"reason"}.
//
// # Errors
//
// Every error is application/problem+json (RFC 9457) with a stable "type"
// (urn:rpkit:problem:…) and "code": rbac's errors keep rbac's codes —
// rbac.forbidden 403 (detail: the DeniedError's reason, "rule": its rule),
// rbac.not_found 404, rbac.conflict 409, rbac.invalid 422 — and this
// package adds request.bad_json 400, request.bad_parameter 400,
// request.too_large 413, request.unsupported_media_type 415,
// request.method_not_allowed 405, request.no_route 404,
// auth.unauthenticated 401, auth.csrf 403, vnconnect.unavailable 502,
// server.not_configured 501, changeform.bad_file 422,
// changeform.plan_mismatch 409 and server.internal 500.
//
// A refused conversion answers "migrate." and its migrate precondition
// code with "_" for "-" (ConversionCode), the detail being the
// precondition's message: migrate.same_account, migrate.source_not_found,
// migrate.target_not_found and migrate.target_not_vnconnect 422;
// migrate.already_converted, migrate.target_inactive,
// migrate.unit_mismatch, migrate.group_mismatch, migrate.in_flight,
// migrate.revert_window and migrate.legacy_disabled 409;
// migrate.forbidden 403 (with the "rule" of rbac's refusal). A failed
// verification is migrate.verify_failed 409, its differences in "errors".
// migrate's ErrNotFound, ErrConflict and ErrInvalid answer rbac.not_found,
// rbac.conflict and rbac.invalid.
//
// A detail is the
// error's message only when every error in its chain is one this codebase
// wrote; a driver's or the network's error yields a generic detail and
// goes to the Logger.
//
// The super-admin request takes the agency's credential from a
// CredentialSource (the pki certificate login), never from the body: the
// credential decides which unit an agency may hold.
package adminapi
