package console

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// review decides on a message a guard held: "approve" lets it continue
// past the guard (the page then shows the outcome), "reject" drops it.
// Both need the reviewer's name, recorded with the decision.
func (c *Console) review(w http.ResponseWriter, r *http.Request, info reqInfo) {
	ctx := r.Context()
	d, ok := c.loadDeadLetter(ctx, w, r)
	if !ok {
		return
	}
	by, note := strings.TrimSpace(r.PostFormValue("by")), strings.TrimSpace(r.PostFormValue("note"))
	if by == "" {
		c.refuse(w, r, info, d, http.StatusBadRequest, "Give your name: it is recorded with the decision.")
		return
	}
	page := Prefix + "dead-letters/" + strconv.FormatUint(d.Rec.Seq, 10)
	a := c.e.Admin()
	// The buttons name the decision in their formaction: the page disables
	// them on submit, and a disabled button's value is not sent.
	switch r.FormValue("decision") {
	case "approve":
		o, err := a.Approve(ctx, d.Rec.Seq, by, note, replayWait)
		if err != nil {
			c.refuse(w, r, info, d, errStatus(err), "Not approved: "+err.Error())
			return
		}
		http.Redirect(w, r, page+"?replay="+url.QueryEscape(o.ReplayID), http.StatusSeeOther)
	case "reject":
		if _, err := a.Reject(ctx, d.Rec.Seq, by, note); err != nil {
			c.refuse(w, r, info, d, errStatus(err), "Not rejected: "+err.Error())
			return
		}
		http.Redirect(w, r, page, http.StatusSeeOther)
	default:
		c.refuse(w, r, info, d, http.StatusBadRequest, "Choose approve or reject.")
	}
}
