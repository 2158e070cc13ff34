// Package sysadmin is the "Quản trị hệ thống" page of the PAKN-like and
// CSDL-like apps: the menu entry the platform's guidance starts from
// ("Quản trị hệ thống" → "Quản trị người dùng", "Quản trị hệ thống" →
// "Chuyển đổi tài khoản", "Quản trị hệ thống" → "Người dùng"), leading to a
// short page that lists the app's administration screens.
//
// The page is for the people who administer something on the app's
// subsystem (an admin of a unit there, a super admin, the platform
// operator); anyone else is told plainly, with 403, that the menu is not
// theirs. The screens it lists keep their own checks: this page only
// decides what it shows.
package sysadmin
