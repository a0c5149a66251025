package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/studybot/studybot/questions"
)

// memoFlags are the flags every memo-reading subcommand takes.
type memoFlags struct {
	memo    string
	weights string
	review  string

	noReview bool // leave the review file out (questions review shows every question)
}

func (m *memoFlags) register(fs *flag.FlagSet, getenv env) {
	fs.StringVar(&m.memo, "memo", getenv("STUDYBOT_MEMO"), "memo `file` (default: the bundled DOP-C02 memo)")
	fs.StringVar(&m.weights, "weights", getenv("STUDYBOT_WEIGHTS"), "domain weights `\"1=22,2=17,…\" or file`")
	fs.StringVar(&m.review, "review", getenv("STUDYBOT_REVIEW"), "review `file` (default: <memo>.review.yaml beside the memo; none for the bundled memo)")
}

// loadBank reads the memo (bundled or from a file) with its config and
// builds the question bank.
func loadBank(f memoFlags) (*questions.Bank, error) {
	src, cfg := questions.DefaultMemo(), questions.DefaultConfig()
	if f.memo != "" {
		b, err := readMemo(f.memo)
		if err != nil {
			return nil, fmt.Errorf("read memo: %w", err)
		}
		src, cfg = b, questions.Config{}
		// A config next to the memo: exam.md → exam.yaml.
		side := strings.TrimSuffix(f.memo, filepath.Ext(f.memo)) + ".yaml"
		if b, err := readFileLimit(side, maxConfigBytes); err == nil {
			c, err := questions.ParseConfig(b)
			if err != nil {
				return nil, fmt.Errorf("memo config %s: %w", side, err)
			}
			cfg = c
		} else if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("memo config: %w", err)
		}
	}
	if f.weights != "" {
		w, err := parseWeightsFlag(f.weights)
		if err != nil {
			return nil, err
		}
		cfg = cfg.Merge(questions.Config{Weights: w})
	}
	bank, err := questions.Build(src, questions.ParseOptions{Config: cfg})
	if bank != nil && (err == nil || errors.Is(err, questions.ErrNoQuestions)) {
		// a team's own questions join the bank, even a bank the memo
		// alone could not fill
		if aerr := addAuthored(bank, f.memo); aerr != nil {
			return nil, aerr
		}
		if rerr := applyReview(bank, f.reviewPath()); rerr != nil {
			return nil, rerr
		}
		if len(bank.Questions) > 0 {
			err = nil
		} else if err == nil {
			err = fmt.Errorf("build bank: %w", questions.ErrNoQuestions)
		}
	}
	if err != nil {
		return bank, fmt.Errorf("memo %s: %w", memoName(f.memo), err)
	}
	return bank, nil
}

// reviewPath is the review file to read: --review, else the one beside
// the memo ("" for the bundled memo).
func (m memoFlags) reviewPath() string {
	if m.noReview {
		return ""
	}
	if m.review != "" {
		return m.review
	}
	return reviewFileFor(m.memo)
}

func memoName(path string) string {
	if path == "" {
		return "(bundled DOP-C02)"
	}
	return path
}

// parseWeightsFlag reads "1=22,…" or, when it names a file, that config.
func parseWeightsFlag(s string) (map[int]float64, error) {
	if strings.Contains(s, "=") {
		return questions.ParseWeights(s)
	}
	b, err := readFileLimit(s, maxWeightsBytes)
	if err != nil {
		return nil, fmt.Errorf("weights: %w", err)
	}
	c, err := questions.ParseConfig(b)
	if err != nil {
		return nil, fmt.Errorf("weights %s: %w", s, err)
	}
	return c.Weights, nil
}
