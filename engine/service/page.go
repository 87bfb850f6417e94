package service

import (
	"context"
	"html/template"
	"net/http"
	"time"
)

// pageTmpl is the status page: what each pipeline did, what waits, what
// failed, and which connections are down.
var pageTmpl = template.Must(template.New("status").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>pipewright: {{.Project}}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:4px 12px;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}.bad{color:#b00}.ok{color:#070}</style>
</head><body>
<h1>pipewright: {{.Project}}</h1>
<p>{{if .Ready.Ready}}<span class="ok">ready</span>{{else}}<span class="bad">not ready</span>{{range $k, $v := .Ready.Reasons}}<br>{{$k}}: {{$v}}{{end}}{{end}} &middot; {{.Now}}</p>
<h2>Pipelines</h2>
<table><tr><th>pipeline</th><th>in</th><th>duplicates</th><th>out</th><th>dropped</th><th>retried</th><th>dead-lettered</th><th>backlog</th><th>DLQ</th></tr>
{{range .Pipelines}}<tr><td>{{.Name}}</td><td>{{.In}}</td><td>{{.Duplicates}}</td><td>{{.Out}}</td><td>{{.Dropped}}</td><td>{{.Retried}}</td><td>{{.DeadLettered}}</td><td>{{.Backlog}}</td><td>{{if .DLQ}}<span class="bad">{{.DLQ}}</span>{{else}}0{{end}}</td></tr>
{{end}}</table>
<h2>Connections</h2>
<table><tr><th>connection</th><th>state</th><th>last success</th><th>last error</th></tr>
{{range .Connections}}<tr><td>{{.Name}}</td><td>{{if eq .State "up"}}<span class="ok">up</span>{{else}}<span class="bad">{{.State}}{{if .DegradedSince}} since {{.DegradedSince.Format "15:04:05"}}{{end}}</span>{{end}}</td><td>{{if .LastSuccess}}{{.LastSuccess.Format "15:04:05"}}{{end}}</td><td>{{.LastError}}</td></tr>
{{end}}</table>
<h2>Engine</h2>
<p>version {{.Version}} &middot; data directory {{if .DataDir.Ready}}<span class="ok">ok</span>{{else}}<span class="bad">{{.DataDir.Error}}</span>{{end}}{{with .DataFree}} ({{.}} free){{end}}</p>
{{with .Reload.Last}}{{if eq .Status "refused"}}<p class="bad">reload refused at {{.At.Format "2006-01-02 15:04:05"}} (directory version {{.Attempted}}); version {{.Version}} keeps running:{{range .Problems}}<br>{{.Text}}{{end}}{{if .Error}}<br>{{.Error}}{{end}}</p>{{end}}{{end}}
<p>Dead letters: <code>pipewright dlq list</code> or <a href="/api/dlq">/api/dlq</a> &middot; metrics: <a href="/metrics">/metrics</a></p>
</body></html>`))

type pipelineRow struct {
	Name                                                     string
	In, Duplicates, Out, Dropped, Retried, DeadLettered, DLQ float64
	Backlog                                                  uint64
}

func (s *httpServer) statusPage(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	sums := s.e.metrics.sumsByPipeline()
	depth, _ := s.e.dlq.Depth(ctx)
	var rows []pipelineRow
	g := s.e.gen()
	for _, pl := range g.project.Pipelines {
		row := pipelineRow{Name: pl.Name, DLQ: float64(depth[pl.Name])}
		m := sums[pl.Name]
		row.In, row.Out, row.Dropped = m["pipewright_messages_in_total"], m["pipewright_messages_out_total"], m["pipewright_messages_dropped_total"]
		row.Duplicates = m["pipewright_messages_duplicate_total"]
		row.Retried, row.DeadLettered = m["pipewright_messages_retried_total"], m["pipewright_messages_dead_lettered_total"]
		row.Backlog, _ = s.e.backlog(ctx, pl.Name)
		rows = append(rows, row)
	}
	data, free := s.e.dataDirHealth(), ""
	if data.FreeBytes != nil {
		free = mib(*data.FreeBytes)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = pageTmpl.Execute(w, map[string]any{
		"Project": g.project.Name, "Version": g.version, "Ready": s.e.readiness(), "Now": s.e.clock.Now().UTC().Format(time.RFC3339),
		"Pipelines": rows, "Connections": s.e.connectionHealth(), "DataDir": data, "DataFree": free, "Reload": s.e.reloadHealth(),
	})
}

// sumsByPipeline adds up the engine's counters per pipeline.
func (m *metrics) sumsByPipeline() map[string]map[string]float64 {
	out := map[string]map[string]float64{}
	families, err := m.reg.Gather()
	if err != nil {
		return out
	}
	for _, f := range families {
		for _, metric := range f.GetMetric() {
			if metric.GetCounter() == nil {
				continue
			}
			for _, l := range metric.GetLabel() {
				if l.GetName() == "pipeline" {
					if out[l.GetValue()] == nil {
						out[l.GetValue()] = map[string]float64{}
					}
					out[l.GetValue()][f.GetName()] += metric.GetCounter().GetValue()
				}
			}
		}
	}
	return out
}
