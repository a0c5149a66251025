package draft

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// Record is one verdict of a run: a draft kept or dropped by a rule, or a
// request refused or malformed. Records go to the drafts log beside the
// questions file (LogFile), one JSON line each, which "questions lint"
// summarises.
type Record struct {
	// Time is when the verdict was made (RFC 3339, UTC).
	Time string `json:"time"`
	// ID is the draft's ID, or the request's key for a request's failure.
	ID string `json:"id"`
	// Request is the drafting request's key.
	Request string `json:"request"`
	// Domain is the domain asked about.
	Domain int `json:"domain"`
	// Rule is RuleKept or the rule that dropped the draft.
	Rule string `json:"rule"`
	// Reason says why, for a dropped draft.
	Reason string `json:"reason,omitempty"`
	// Stem and Fact are the draft's, when there is a draft.
	Stem string `json:"stem,omitempty"`
	Fact string `json:"fact,omitempty"`
	// Doubt is set for a kept draft whose model doubted a memo line.
	Doubt bool `json:"doubt,omitempty"`
	// Backend and Model say who answered.
	Backend string `json:"backend,omitempty"`
	Model   string `json:"model,omitempty"`
}

// String is the record as a log line: "rule id: reason (stem)".
func (r Record) String() string {
	s := r.Rule + " " + r.ID
	if r.Reason != "" {
		s += ": " + r.Reason
	}
	if r.Stem != "" {
		s += " — " + short(oneLine(r.Stem))
	}
	return s
}

// LogFile is the drafts log beside a questions file:
// exam.questions.yaml → exam.drafts.log.jsonl.
func LogFile(questionsFile string) string {
	return strings.TrimSuffix(questionsFile, ".questions.yaml") + ".drafts.log.jsonl"
}

// AppendLog appends records to the drafts log at path.
func AppendLog(path string, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("drafts log: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("drafts log: %w", err)
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("drafts log: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("drafts log: %w", err)
	}
	return nil
}

// Summary counts a drafts log's verdicts, the latest per draft.
type Summary struct {
	// Drafts is the number of drafts (and failed requests) decided.
	Drafts int
	// Kept is the number kept; Doubt the kept ones with a doubt.
	Kept, Doubt int
	// Dropped counts the others by rule.
	Dropped map[string]int
}

// Rules returns the rule names of Dropped, most frequent first.
func (s Summary) Rules() []string {
	keys := make([]string, 0, len(s.Dropped))
	for k := range s.Dropped {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if s.Dropped[keys[i]] != s.Dropped[keys[j]] {
			return s.Dropped[keys[i]] > s.Dropped[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// Summarize reads a drafts log; a draft decided in several runs counts
// once, by its latest verdict.
func Summarize(r io.Reader) (Summary, error) {
	latest := map[string]Record{}
	var order []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil {
			return Summary{}, fmt.Errorf("drafts log line %d: %w", n, err)
		}
		if _, ok := latest[rec.ID]; !ok {
			order = append(order, rec.ID)
		}
		latest[rec.ID] = rec
	}
	if err := sc.Err(); err != nil {
		return Summary{}, fmt.Errorf("drafts log: %w", err)
	}
	s := Summary{Dropped: map[string]int{}}
	for _, id := range order {
		rec := latest[id]
		s.Drafts++
		if rec.Rule == RuleKept {
			s.Kept++
			if rec.Doubt {
				s.Doubt++
			}
			continue
		}
		s.Dropped[rec.Rule]++
	}
	return s, nil
}

// SummarizeFile reads the drafts log at path; a missing log is an empty
// summary and ok false.
func SummarizeFile(path string) (s Summary, ok bool, err error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return Summary{}, false, nil
	}
	if err != nil {
		return Summary{}, false, fmt.Errorf("drafts log: %w", err)
	}
	defer f.Close()
	s, err = Summarize(f)
	return s, err == nil, err
}
