package questions

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"strconv"
	"strings"
)

// Config is the small per-memo configuration: the exam's name and the
// weight of each domain in percent of scored content.
type Config struct {
	// Exam names the exam.
	Exam string
	// Weights maps a domain number to its weight in percent.
	Weights map[int]float64
	// Rejected maps the IDs of questions the team rejected (a wrong fact
	// in the memo, an ambiguity no rule sees) to the reason; they are
	// never shipped.
	Rejected map[string]string
}

// Merge returns c with every field that o sets taken from o.
func (c Config) Merge(o Config) Config {
	if o.Exam != "" {
		c.Exam = o.Exam
	}
	c.Weights = mergeMaps(c.Weights, o.Weights)
	c.Rejected = mergeMaps(c.Rejected, o.Rejected)
	return c
}

// mergeMaps returns a new map of base's entries overridden by over's, or
// base itself when over is empty (the caller's maps are never written).
func mergeMaps[K comparable, V any](base, over map[K]V) map[K]V {
	if len(over) == 0 {
		return base
	}
	out := maps.Clone(base)
	if out == nil {
		out = make(map[K]V, len(over))
	}
	maps.Copy(out, over)
	return out
}

// ParseConfig reads the config format used next to a memo and in its front
// matter, a small YAML subset:
//
//	exam: AWS Certified DevOps Engineer – Professional (DOP-C02)
//	weights:
//	  1: 22
//	  2: 17
//	rejected:
//	  bd10acfb3b: the memo says an instance class change adjusts storage
//
// Unknown keys are ignored so that front matter may carry other fields.
func ParseConfig(b []byte) (Config, error) {
	var c Config
	sc := bufio.NewScanner(bytes.NewReader(b))
	section := ""
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		indented := line[0] == ' ' || line[0] == '\t'
		key, val, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			return c, fmt.Errorf("%w: line %d: want \"key: value\", got %q", ErrBadConfig, n, line)
		}
		key, val = strings.TrimSpace(key), strings.Trim(strings.TrimSpace(val), `"'`)
		switch {
		case indented && section == "rejected":
			if c.Rejected == nil {
				c.Rejected = map[string]string{}
			}
			c.Rejected[key] = val
		case indented && section == "weights":
			d, err := strconv.Atoi(key)
			w, err2 := strconv.ParseFloat(strings.TrimSuffix(val, "%"), 64)
			if err != nil || err2 != nil || d < 1 || w < 0 {
				return c, fmt.Errorf("%w: line %d: weight wants \"N: percent\", got %q", ErrBadConfig, n, strings.TrimSpace(line))
			}
			if c.Weights == nil {
				c.Weights = map[int]float64{}
			}
			c.Weights[d] = w
		case indented:
			// nested value of a key we do not read
		default:
			section = key
			if key == "exam" {
				c.Exam = val
			}
		}
	}
	return c, sc.Err()
}

// ParseWeights reads weights given on the command line as "1=22,2=17,…".
func ParseWeights(s string) (map[int]float64, error) {
	out := map[int]float64{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		d, err := strconv.Atoi(strings.TrimSpace(k))
		w, err2 := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), "%"), 64)
		if !ok || err != nil || err2 != nil || d < 1 || w < 0 {
			return nil, fmt.Errorf("%w: weights want \"1=22,2=17,…\", got %q", ErrBadConfig, part)
		}
		out[d] = w
	}
	return out, nil
}
