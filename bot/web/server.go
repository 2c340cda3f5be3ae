package web

import "net/http"

// Mux serves the playground and the dashboard on one address: the
// dashboard under /dashboard, the playground everywhere else. Either may
// be nil (the playground is off when real platforms run; the dashboard is
// off without a public URL); what is off is not found.
func Mux(pg *Playground, d *Dashboard) http.Handler {
	mux := http.NewServeMux()
	if d != nil {
		h := d.Handler()
		mux.Handle("/dashboard", h)
		mux.Handle("/dashboard/", h)
	}
	if pg != nil {
		mux.Handle("/", pg.Handler())
	}
	return mux
}
