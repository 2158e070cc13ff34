// Package ui is the demo apps' shared page frame: one layout (header with
// the app's name, its menu and the other apps, a main landmark, status and
// alert messages), the per-request Page every screen fills in, and Render,
// which executes a page into a buffer first so a template error never sends
// half a page.
//
// Each screen package parses its own templates on top of the layout with
// Templates, so packages never share template names beyond "head" and
// "foot". Pages are plain server-rendered HTML in Vietnamese: every control
// has a label, tables have header cells, messages use role="status" or
// role="alert", and nothing needs JavaScript.
package ui
