package console

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pipewright/pipewright/engine/service"
)

// filterKeys are the dead-letter filters a bulk action takes.
var filterKeys = []string{"pipeline", "group", "step", "key", "error", "since", "until"}

// bulkPreview is how many of the selected records the bulk page lists.
const bulkPreview = 50

// bulkData is the bulk page: what the filter selects and the actions.
type bulkData struct {
	// Filter is the selection as query values (kept in the forms).
	Filter  map[string]string
	Records []*service.DeadLetter
	Count   int
	Group   *service.DeadLetterGroup
	Error   string
}

func (bulkData) title() (string, string) { return "Bulk actions", "bulk" }

// bulkFilter reads the filter fields of a query or form.
func bulkFilter(get func(string) string) map[string]string {
	f := map[string]string{}
	for _, k := range filterKeys {
		if v := strings.TrimSpace(get(k)); v != "" {
			f[k] = v
		}
	}
	return f
}

func (c *Console) bulkForm(w http.ResponseWriter, r *http.Request, info reqInfo) {
	d := bulkData{Filter: bulkFilter(r.URL.Query().Get)}
	c.preview(r.Context(), &d)
	c.render(w, r, http.StatusOK, "bulk", info, d)
}

// preview fills the records the filter selects.
func (c *Console) preview(ctx context.Context, d *bulkData) {
	if len(d.Filter) == 0 {
		return
	}
	q := url.Values{}
	for k, v := range d.Filter {
		q.Set(k, v)
	}
	f, err := service.FilterFromQuery(q)
	if err != nil {
		d.Error = err.Error()
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	a := c.e.Admin()
	recs, err := a.List(ctx, f)
	if err != nil {
		d.Error = err.Error()
		return
	}
	d.Count = len(recs)
	for _, rec := range recs[:min(len(recs), bulkPreview)] {
		d.Records = append(d.Records, a.Present(rec, false, false))
	}
	if groups, err := a.Groups(ctx, f, 0); err == nil && len(groups) == 1 && d.Filter["group"] != "" {
		d.Group = groups[0]
	}
}

// bulkStart starts a bulk replay or resolve of the selection and shows its
// progress.
func (c *Console) bulkStart(w http.ResponseWriter, r *http.Request, info reqInfo) {
	d := bulkData{Filter: bulkFilter(r.PostFormValue)}
	body := service.BulkBody{Filter: d.Filter, Note: strings.TrimSpace(r.PostFormValue("note"))}
	if v := r.PostFormValue("rate"); v != "" {
		rate, err := strconv.ParseFloat(v, 64)
		if err != nil || rate <= 0 {
			d.Error = "Rate: want a positive number of replays per second."
		}
		body.Rate = rate
	}
	action := r.PostFormValue("action")
	if len(d.Filter) == 0 && d.Error == "" {
		d.Error = "Choose what to act on first (a flow, a reason group, a step, an error text or a time range)."
	}
	var job service.Job
	if d.Error == "" {
		req, err := body.Request(action)
		if err == nil {
			job, err = c.e.Admin().StartBulk(req)
		}
		if err != nil {
			d.Error = err.Error()
		}
	}
	if d.Error != "" {
		c.preview(r.Context(), &d)
		c.render(w, r, http.StatusBadRequest, "bulk", info, d)
		return
	}
	http.Redirect(w, r, Prefix+"jobs/"+url.PathEscape(job.ID), http.StatusSeeOther)
}

// jobData is a bulk job's page.
type jobData struct{ Job service.Job }

func (jobData) title() (string, string) { return "Bulk job", "bulk" }

func (c *Console) job(w http.ResponseWriter, r *http.Request, info reqInfo) {
	job, ok := c.e.Admin().JobStatus(r.PathValue("id"))
	if !ok {
		c.fail(w, r, http.StatusNotFound, "No such job: jobs end with the engine that ran them.")
		return
	}
	c.render(w, r, http.StatusOK, "job", info, jobData{Job: job})
}

// jobProgress is the job's progress as JSON, polled by the job page.
func (c *Console) jobProgress(w http.ResponseWriter, r *http.Request, _ reqInfo) {
	job, ok := c.e.Admin().JobStatus(r.PathValue("id"))
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such job"})
		return
	}
	job.Results = nil
	writeJSON(w, http.StatusOK, job)
}
