package servicetest

import (
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Metrics are the samples of a /metrics page, by series: the sample's
// name, then its labels sorted by name, as name{a="1",b="2"}.
type Metrics map[string]float64

// Series returns the key of the sample name with labels (name, value
// pairs), as Metrics holds it.
func Series(name string, labels ...string) string {
	var pairs []string
	for i := 0; i+1 < len(labels); i += 2 {
		pairs = append(pairs, labels[i]+`="`+labels[i+1]+`"`)
	}
	return seriesKey(name, pairs)
}

// seriesKey is name with its label pairs (as name="value") sorted.
func seriesKey(name string, pairs []string) string {
	sort.Strings(pairs)
	if len(pairs) == 0 {
		return name
	}
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// ReadMetrics reads the samples of a /metrics page by series. It checks
// only what it reads: the metrics package writes every page, and its tests
// hold the format to a strict reader. Label values here never hold a
// comma, a quote or a backslash.
func ReadMetrics(t testing.TB, page string) Metrics {
	t.Helper()
	m := Metrics{}
	for _, line := range strings.Split(strings.TrimSuffix(page, "\n"), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		name, labels, _ := strings.Cut(line[:max(i, 0)], "{")
		var pairs []string
		if labels = strings.TrimSuffix(labels, "}"); labels != "" {
			pairs = strings.Split(labels, ",")
		}
		key := seriesKey(name, pairs)
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if _, dup := m[key]; i < 0 || err != nil || dup || strings.ContainsRune(line, '\\') {
			t.Fatalf("metrics: cannot read %q", line)
		}
		m[key] = v
	}
	return m
}
