package metrics

import (
	"math"
	"strconv"
	"strings"
	"testing"

	"oauthtime/internal/servicetest"
)

// The strict reader of the exposition format that the tests of this
// package hold every page to: the package writes every service's page.

// parseStrict reads a page in the Prometheus text exposition format,
// version 0.0.4, and fails the test on anything the format does not
// allow, or that this system promises not to do: a family without HELP
// and TYPE, or with them twice or after its samples; a family's samples
// not together; a bad metric or label name; a label value badly escaped;
// a sample twice; a value that is not a number; a counter below zero;
// histogram buckets out of order, not cumulative, or without le="+Inf"
// equal to _count.
func parseStrict(t testing.TB, page string) servicetest.Metrics {
	t.Helper()
	m := servicetest.Metrics{}
	type family struct {
		typ         string
		help, sampl bool
	}
	families := map[string]*family{}
	var current string // the family whose lines are being read
	done := map[string]bool{}
	type hist struct {
		les    []float64
		counts []float64
	}
	hists := map[string]*hist{} // by series without le
	if !strings.HasSuffix(page, "\n") {
		t.Fatalf("metrics: the page does not end with a newline")
	}
	for n, line := range strings.Split(strings.TrimSuffix(page, "\n"), "\n") {
		fail := func(why string) { t.Helper(); t.Fatalf("metrics line %d %q: %s", n+1, line, why) }
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			f := strings.SplitN(line, " ", 4)
			if len(f) < 3 || f[0] != "#" || (f[1] != "HELP" && f[1] != "TYPE") {
				continue // a comment
			}
			name := f[2]
			if !validName(name, true) {
				fail("bad metric name")
			}
			if name != current {
				if done[name] {
					fail("the family's lines are not together")
				}
				if current != "" {
					done[current] = true
				}
				current = name
			}
			fam := families[name]
			if fam == nil {
				fam = &family{}
				families[name] = fam
			}
			if fam.sampl {
				fail(f[1] + " after the family's samples")
			}
			switch f[1] {
			case "HELP":
				if fam.help {
					fail("HELP twice")
				}
				fam.help = true
				if len(f) == 4 && !validEscapes(f[3], false) {
					fail("bad escape in HELP")
				}
			case "TYPE":
				if fam.typ != "" {
					fail("TYPE twice")
				}
				if len(f) != 4 || !strings.Contains(" counter gauge histogram summary untyped ", " "+f[3]+" ") {
					fail("bad TYPE")
				}
				fam.typ = f[3]
			}
			continue
		}

		name, labels, value, ok := parseSample(line)
		if !ok {
			fail("not a sample")
		}
		famName, suffix := name, ""
		for _, s := range []string{"_bucket", "_sum", "_count"} {
			if base := strings.TrimSuffix(name, s); base != name && families[base] != nil && families[base].typ == "histogram" {
				famName, suffix = base, s
			}
		}
		fam := families[famName]
		if fam == nil || !fam.help || fam.typ == "" {
			fail("a sample of a family without HELP and TYPE before it")
		}
		if famName != current {
			fail("the family's lines are not together")
		}
		fam.sampl = true
		v, err := strconv.ParseFloat(value, 64)
		if err != nil {
			fail("value is not a number")
		}
		if fam.typ == "counter" && (v < 0 || math.IsNaN(v)) {
			fail("counter below zero")
		}
		key := servicetest.Series(name, labels...)
		if _, dup := m[key]; dup {
			fail("the same series twice")
		}
		m[key] = v
		if fam.typ != "histogram" {
			continue
		}
		var le string
		var rest []string
		for i := 0; i < len(labels); i += 2 {
			if labels[i] == "le" {
				le = labels[i+1]
			} else {
				rest = append(rest, labels[i], labels[i+1])
			}
		}
		id := servicetest.Series(famName, rest...)
		switch suffix {
		case "_bucket":
			bound, err := strconv.ParseFloat(le, 64)
			if le == "" || err != nil {
				fail("bucket without a numeric le")
			}
			h := hists[id]
			if h == nil {
				h = &hist{}
				hists[id] = h
			}
			if k := len(h.les); k > 0 && (bound <= h.les[k-1] || v < h.counts[k-1]) {
				fail("buckets out of order or not cumulative")
			}
			h.les, h.counts = append(h.les, bound), append(h.counts, v)
		case "_count":
			h := hists[id]
			if h == nil || len(h.les) == 0 || !math.IsInf(h.les[len(h.les)-1], 1) || h.counts[len(h.counts)-1] != v {
				fail(`_count is not the le="+Inf" bucket`)
			}
		case "":
			fail("a histogram sample without _bucket, _sum or _count")
		}
	}
	for name, fam := range families {
		if !fam.help || fam.typ == "" {
			t.Fatalf("metrics: family %s lacks HELP or TYPE", name)
		}
	}
	return m
}

// parseSample reads name{label="value",...} value.
func parseSample(line string) (name string, labels []string, value string, ok bool) {
	i := strings.IndexAny(line, "{ ")
	if i <= 0 {
		return "", nil, "", false
	}
	name, rest := line[:i], line[i:]
	if !validName(name, true) {
		return "", nil, "", false
	}
	if rest[0] == '{' {
		rest = rest[1:]
		for {
			if strings.HasPrefix(rest, "}") {
				rest = rest[1:]
				break
			}
			eq := strings.Index(rest, `="`)
			if eq <= 0 || !validName(rest[:eq], false) {
				return "", nil, "", false
			}
			label := rest[:eq]
			rest = rest[eq+2:]
			var b strings.Builder
			closed := false
			for j := 0; j < len(rest); j++ {
				c := rest[j]
				if c == '"' {
					rest, closed = rest[j+1:], true
					break
				}
				if c == '\\' {
					if j+1 == len(rest) || !strings.ContainsRune(`\"n`, rune(rest[j+1])) {
						return "", nil, "", false
					}
					j++
					b.WriteByte(map[byte]byte{'\\': '\\', '"': '"', 'n': '\n'}[rest[j]])
					continue
				}
				b.WriteByte(c)
			}
			if !closed {
				return "", nil, "", false
			}
			labels = append(labels, label, b.String())
			if strings.HasPrefix(rest, ",") {
				rest = rest[1:]
			} else if !strings.HasPrefix(rest, "}") {
				return "", nil, "", false
			}
		}
	}
	if !strings.HasPrefix(rest, " ") {
		return "", nil, "", false
	}
	f := strings.Fields(rest)
	if len(f) < 1 || len(f) > 2 {
		return "", nil, "", false
	}
	return name, labels, f[0], true
}

// validName reports whether s is a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*),
// or a label name (no colons).
func validName(s string, metric bool) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == ':' && metric || i > 0 && '0' <= c && c <= '9'
		if !ok {
			return false
		}
	}
	return true
}

// validEscapes reports whether every backslash in s starts \\ or \n (or
// \" in a label value).
func validEscapes(s string, quote bool) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			continue
		}
		if i+1 == len(s) || !(s[i+1] == '\\' || s[i+1] == 'n' || quote && s[i+1] == '"') {
			return false
		}
		i++
	}
	return true
}
