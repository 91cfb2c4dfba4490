// Command promcheck reads what Sundial's tests need to check with Prometheus's own code: a
// /metrics scrape (parsed by the text-format parser Prometheus scrapes with) and the PromQL of
// Grafana dashboards (parsed by Prometheus's PromQL parser). It prints JSON on stdout.
//
//	promcheck scrape FILE        families, their type and samples
//	promcheck exprs DASHBOARD... every PromQL expression: parse error or the metric names it reads
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

type sample struct {
	Labels  map[string]string  `json:"labels"`
	Value   *float64           `json:"value,omitempty"`
	Count   *uint64            `json:"count,omitempty"`
	Sum     *float64           `json:"sum,omitempty"`
	Buckets map[string]uint64  `json:"buckets,omitempty"`
}

type family struct {
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Samples []sample `json:"samples"`
}

type expression struct {
	Panel   string   `json:"panel"`
	Expr    string   `json:"expr"`
	Error   string   `json:"error,omitempty"`
	Metrics []string `json:"metrics"`
}

func main() {
	if len(os.Args) < 3 {
		fail(fmt.Errorf("usage: promcheck scrape FILE | promcheck exprs DASHBOARD..."))
	}
	var out any
	var err error
	switch os.Args[1] {
	case "scrape":
		out, err = scrape(os.Args[2])
	case "exprs":
		out, err = exprs(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fail(err)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "promcheck:", err)
	os.Exit(1)
}

func scrape(path string) ([]family, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	parser := expfmt.NewTextParser(model.LegacyValidation)
	parsed, err := parser.TextToMetricFamilies(f)
	if err != nil {
		return nil, err
	}
	var families []family
	for name, mf := range parsed {
		fam := family{Name: name, Type: mf.GetType().String()}
		for _, m := range mf.GetMetric() {
			s := sample{Labels: map[string]string{}}
			for _, l := range m.GetLabel() {
				s.Labels[l.GetName()] = l.GetValue()
			}
			switch mf.GetType() {
			case dto.MetricType_COUNTER:
				v := m.GetCounter().GetValue()
				s.Value = &v
			case dto.MetricType_GAUGE:
				v := m.GetGauge().GetValue()
				s.Value = &v
			case dto.MetricType_UNTYPED:
				v := m.GetUntyped().GetValue()
				s.Value = &v
			case dto.MetricType_HISTOGRAM:
				h := m.GetHistogram()
				c, sum := h.GetSampleCount(), h.GetSampleSum()
				s.Count, s.Sum = &c, &sum
				s.Buckets = map[string]uint64{}
				for _, b := range h.GetBucket() {
					s.Buckets[fmt.Sprint(b.GetUpperBound())] = b.GetCumulativeCount()
				}
			case dto.MetricType_SUMMARY:
				c, sum := m.GetSummary().GetSampleCount(), m.GetSummary().GetSampleSum()
				s.Count, s.Sum = &c, &sum
			}
			fam.Samples = append(fam.Samples, s)
		}
		families = append(families, fam)
	}
	sort.Slice(families, func(i, j int) bool { return families[i].Name < families[j].Name })
	return families, nil
}

type panel struct {
	Title   string  `json:"title"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
	Panels []panel `json:"panels"`
}

func exprs(paths []string) ([]expression, error) {
	var all []expression
	for _, path := range paths {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var dashboard struct {
			Panels []panel `json:"panels"`
		}
		if err := json.Unmarshal(raw, &dashboard); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		var walk func([]panel)
		walk = func(ps []panel) {
			for _, p := range ps {
				for _, t := range p.Targets {
					if t.Expr != "" {
						all = append(all, check(p.Title, t.Expr))
					}
				}
				walk(p.Panels)
			}
		}
		walk(dashboard.Panels)
	}
	return all, nil
}

// check parses one expression and lists the metric names its selectors read.
func check(title, expr string) expression {
	e := expression{Panel: title, Expr: expr, Metrics: []string{}}
	node, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		e.Error = err.Error()
		return e
	}
	seen := map[string]bool{}
	parser.Inspect(node, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			for _, m := range vs.LabelMatchers {
				if m.Name == labels.MetricName && m.Type == labels.MatchEqual && !seen[m.Value] {
					seen[m.Value] = true
					e.Metrics = append(e.Metrics, m.Value)
				}
			}
		}
		return nil
	})
	return e
}
