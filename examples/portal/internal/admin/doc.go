// Package admin is the demo apps' user administration for one subsystem,
// server-rendered and in Vietnamese, as the platform's guidance walks it:
// the list of managed users ("Quản lý người dùng"), "Thêm mới" → "Tìm kiếm
// trên Vnconnect" → "Lưu vào hệ thống" (Chưa kích hoạt), then on the
// user's page "Kích hoạt", "Khóa" / "Mở khóa", "Thay đổi đơn vị", "Gán
// quyền", "Thu hồi quyền", and the user's history ("Lịch sử thay đổi").
//
// The same screens serve the three apps of the demo with their own labels
// (Labels) and add flow: the quantri-like console saves the person pending
// activation; the PAKN-like app's "Thêm mới vnconnect" also picks the user
// group ("Nhóm admin đơn vị") and the status ("Mở"), as its screen does.
//
// The package decides nothing about rights. It offers the choices rbac
// would accept (the units the actor manages, the roles and levels it may
// grant) but every change is a POST with a CSRF token that calls rbac,
// which checks again inside its transaction: an edited URL or hidden field
// is refused there, shown as a Vietnamese message with 403, and nothing
// changes. Each change carries a reason for rbac's audit log: what the
// person typed in the "Lý do" field, or a fixed one naming the screen.
package admin
