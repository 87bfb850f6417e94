package console

import (
	"context"
	"net/http"
	"time"

	"github.com/pipewright/pipewright/engine/service"
)

// overviewData is the overview page: every flow, every connection and the
// running configuration.
type overviewData struct {
	Flows       []service.FlowStatus
	Connections []service.ConnectionState
	Config      service.ConfigState
	// Owners are who polls each flow's source, by pipeline; Instance is
	// this engine.
	Owners    map[string][]service.SourceOwner
	Instance  string
	Lease     string
	OpenTotal uint64
	Failing   int // flows with open dead letters
	Down      int // connections not up
	Error     string
}

func (overviewData) title() (string, string) { return "Overview", "overview" }

func (c *Console) overview(w http.ResponseWriter, r *http.Request, info reqInfo) {
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	defer cancel()
	d := overviewData{Connections: c.e.ConnectionStates(), Config: c.e.ConfigState()}
	flows, err := c.e.Flows(ctx)
	if err != nil {
		d.Error = "cannot read the flows' state: " + err.Error()
	}
	for i := range flows {
		f := &flows[i]
		f.LastError = c.maskText(f.Name, f.LastError)
		d.OpenTotal += f.Open
		if f.Open > 0 {
			d.Failing++
		}
	}
	for _, cs := range d.Connections {
		if cs.State != service.ConnectionUp {
			d.Down++
		}
	}
	d.Flows = flows
	d.Instance = c.e.Instance()
	if owners, err := c.e.SourceOwners(ctx); err != nil {
		d.Error = "cannot read who polls the sources: " + err.Error()
	} else {
		d.Lease, d.Owners = owners.Lease, map[string][]service.SourceOwner{}
		for _, so := range owners.Sources {
			d.Owners[so.Pipeline] = append(d.Owners[so.Pipeline], so)
		}
	}
	c.render(w, r, http.StatusOK, "overview", info, d)
}

// maskText masks the quoted values of an error text where the pipeline
// masks personal data, as the API masks a dead letter's error.
func (c *Console) maskText(pipeline, text string) string {
	if text == "" {
		return ""
	}
	return c.e.Admin().Present(&service.DeadLetter{Pipeline: pipeline, Error: text}, true, false).Error
}
