package ui

import "net/http"

// Link is one entry of a menu.
type Link struct {
	Title, URL string
	Current    bool // the page being shown is under URL (aria-current)
}

// Person is the signed-in person as the header shows them.
type Person struct {
	Name   string
	TechID string
}

// Page is what the layout needs for one request, plus the screen's own
// data in Data.
type Page struct {
	App    string // the app's name, in the header and <title>
	Title  string // the page's own heading; "" shows only App
	Peers  []Link // the other apps of the demo
	Nav    []Link // the app's own menu
	Person *Person
	CSRF   string // the session's CSRF token, for forms that POST

	Flash string // a success message (role="status")
	Error string // a refusal or failure (role="alert")

	Data any
}

// Frame returns the Page of a request with the app-wide fields filled in
// (App, Peers, Nav, Person, CSRF). Each app supplies one to its screens.
type Frame func(r *http.Request) Page

// WithCurrent marks the menu entries whose URL prefixes path.
func (p Page) WithCurrent(path string) Page {
	nav := make([]Link, len(p.Nav))
	for i, l := range p.Nav {
		l.Current = l.URL != "/" && len(path) >= len(l.URL) && path[:len(l.URL)] == l.URL
		nav[i] = l
	}
	p.Nav = nav
	return p
}
