package ui

import "github.com/rpkit-vn/rpkit/rbac"

// WithDetail is msg, the Vietnamese sentence a person reads, followed by
// rbac's public detail of err (rbac.PublicMessage, in English) for the
// support desk, if err has one.
func WithDetail(msg string, err error) string {
	if detail, ok := rbac.PublicMessage(err); ok && detail != "" {
		return msg + " (Chi tiết: " + detail + ")"
	}
	return msg
}
