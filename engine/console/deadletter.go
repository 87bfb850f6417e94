package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/service"
)

// replayWait is how long a replay from the console waits for its outcome
// before the page shows it as pending.
const replayWait = 15 * time.Second

// Markers of personal data the console never sends back as data.
var privacyMarkers = []string{`"[masked]"`, `"[removed]"`}

// deadLetterData is a dead letter's page.
type deadLetterData struct {
	Rec *service.DeadLetter
	// Masked: personal data is masked in what is shown (the pipeline's
	// setting or the operator's choice), so the body cannot be edited.
	Masked bool
	// MaskChosen: the operator asked to hide personal data.
	MaskChosen bool
	// Removed: the retention removed personal data from the record.
	Removed bool
	Outcome *service.ReplayOutcome
	// Edit is the body in the editor: the step input, or what the operator
	// sent back when it was refused.
	Edit   string
	Error  string
	Status int
}

func (d deadLetterData) title() (string, string) {
	return "Dead letter " + strconv.FormatUint(d.Rec.Seq, 10), "flow"
}

func (c *Console) loadDeadLetter(ctx context.Context, w http.ResponseWriter, r *http.Request) (*deadLetterData, bool) {
	seq, err := strconv.ParseUint(r.PathValue("seq"), 10, 64)
	if err != nil {
		c.fail(w, r, http.StatusBadRequest, "A dead letter is named by its number.")
		return nil, false
	}
	a := c.e.Admin()
	rec, err := a.Get(ctx, seq)
	if errors.Is(err, service.ErrNoDeadLetter) {
		c.fail(w, r, http.StatusNotFound, "There is no dead letter "+strconv.FormatUint(seq, 10)+" (dropped, or removed after its retention).")
		return nil, false
	}
	if err != nil {
		c.fail(w, r, http.StatusInternalServerError, err.Error())
		return nil, false
	}
	d := &deadLetterData{MaskChosen: r.URL.Query().Get("mask") == "1", Removed: rec.PersonalDataRemovedAt != nil}
	d.Rec = a.Present(rec, true, d.MaskChosen)
	d.Masked = !bytes.Equal(d.Rec.Input, rec.Input) || !bytes.Equal(d.Rec.Original, rec.Original) || d.Rec.Error != rec.Error
	d.Edit = pretty(d.Rec.Input)
	return d, true
}

func (c *Console) deadLetter(w http.ResponseWriter, r *http.Request, info reqInfo) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	d, ok := c.loadDeadLetter(ctx, w, r)
	if !ok {
		return
	}
	if id := r.URL.Query().Get("replay"); id != "" {
		if o, err := c.e.Admin().Outcome(ctx, id); err == nil && o.Seq == d.Rec.Seq {
			d.Outcome = o
		}
	}
	c.render(w, r, http.StatusOK, "deadletter", info, d)
}

// replay retries a dead letter: "rerun" (every step again, the default),
// "resume" (at the failed step with the recorded input) or "edit" (at the
// failed step with the edited input, which must be JSON and hold no
// masked or removed personal data).
func (c *Console) replay(w http.ResponseWriter, r *http.Request, info reqInfo) {
	ctx := r.Context()
	d, ok := c.loadDeadLetter(ctx, w, r)
	if !ok {
		return
	}
	var req service.ReplayRequest
	switch r.PostFormValue("mode") {
	case "resume":
		req.Resume = true
	case "edit":
		body := strings.TrimSpace(r.PostFormValue("body"))
		d.Edit = body
		switch {
		case !json.Valid([]byte(body)):
			c.refuse(w, r, info, d, http.StatusBadRequest, "The edited input is not valid JSON; nothing was sent.")
			return
		case containsAny(body, privacyMarkers):
			c.refuse(w, r, info, d, http.StatusBadRequest, "The edited input holds masked or removed personal data; nothing was sent. Put the real values in, or retry without editing.")
			return
		}
		req.Body = json.RawMessage(body)
	}
	o, err := c.e.Admin().ReplayAndWait(ctx, d.Rec.Seq, req, replayWait)
	if err != nil {
		c.refuse(w, r, info, d, errStatus(err), "Not retried: "+err.Error())
		return
	}
	http.Redirect(w, r, Prefix+"dead-letters/"+strconv.FormatUint(d.Rec.Seq, 10)+"?replay="+url.QueryEscape(o.ReplayID), http.StatusSeeOther)
}

func (c *Console) resolve(w http.ResponseWriter, r *http.Request, info reqInfo) {
	ctx := r.Context()
	d, ok := c.loadDeadLetter(ctx, w, r)
	if !ok {
		return
	}
	note := strings.TrimSpace(r.PostFormValue("note"))
	if note == "" {
		c.refuse(w, r, info, d, http.StatusBadRequest, "Say what was done in the note: it stays with the record.")
		return
	}
	if _, err := c.e.Admin().Resolve(ctx, d.Rec.Seq, note); err != nil {
		c.refuse(w, r, info, d, errStatus(err), "Not resolved: "+err.Error())
		return
	}
	http.Redirect(w, r, Prefix+"dead-letters/"+strconv.FormatUint(d.Rec.Seq, 10), http.StatusSeeOther)
}

// refuse shows the dead letter again with why the action was not done.
func (c *Console) refuse(w http.ResponseWriter, r *http.Request, info reqInfo, d *deadLetterData, status int, msg string) {
	d.Error = msg
	c.render(w, r, status, "deadletter", info, d)
}

// errStatus is the HTTP status of an Admin error: 409 when the record's
// state does not allow the action.
func errStatus(err error) int {
	var se *service.StateError
	switch {
	case errors.As(err, &se):
		return http.StatusConflict
	case errors.Is(err, service.ErrNoDeadLetter):
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
