package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// usage is printed by "studybot help" and on unknown subcommands.
const usage = `studybot — a daily quiz from your study memo, on Slack, Discord or this terminal.

Usage:
  studybot [flags]                     run: the console when no chat tokens are set
  studybot questions lint [--memo F]   check the memo and the generated questions
  studybot questions export [--memo F] [--format json|yaml]
  studybot questions show ID           one question with its answer and source
  studybot questions review [--memo F] [--review F] [--only new|reported|flagged]
                                       approve, reject or edit one question at a time
  studybot questions review --export [--db F]
                                       decisions made in chat, kept in the database, as review file entries
  studybot questions diff OLD.md NEW.md
                                       questions added, removed and changed by a memo edit
  studybot questions stats [--db F] [--memo F]
                                       per question: posts, answers, share correct, discrimination, choices, flags
  studybot lookup [--memo F] QUERY...  search the memo
  studybot config check [--config F]   validate and print the effective config (secrets redacted)
  studybot backup FILE [--db F]        consistent copy of the database, compacted and checked
  studybot export [--db F]             every record as JSON lines
  studybot store check [--db F]        verify pages, records, references and counters
  studybot store compact [--db F]      rewrite a stopped database without its free space, checked; keeps the old file
                     [--accept-meta-loss]  with no backup: rescue a database with one damaged meta page
  studybot restore BACKUP [--db F]     replace a stopped database with a verified backup
  studybot healthcheck [ADDR]          exit 0 when a running studybot's /healthz answers
  studybot version                     version, commit and Go version
  studybot help                        this text

Exit codes: 0 done; 1 the configuration, an input file or the work failed
(the same code and message from "config check" and from a run); 2 the
command line is wrong.

Flags of a bare studybot:
  --config FILE    YAML config; STUDYBOT_* environment variables override it
  --db FILE        database (default: studybot.db under the user's data directory)
  --memo FILE      a memo other than the bundled DOP-C02 memo
  --weights W      domain weights, "1=22,2=17,…" or a config file
  --review FILE    review file (default: <memo>.review.yaml beside the memo)
  --http ADDR      health, metrics and webhook listener, e.g. :8080
  --clock TIME     console: simulated start time (RFC 3339), still until /tick
  --user NAME      console: who you are at start
`

// Exit codes, the same for the same error from every subcommand: a config
// or input file that "config check" refuses makes a run exit with the
// same code and message.
const (
	// exitOK: done.
	exitOK = 0
	// exitFailure: the configuration, an input file or the work failed.
	exitFailure = 1
	// exitUsage: the command line itself is wrong (unknown flag or
	// command, missing argument).
	exitUsage = 2
)

// usageError marks an error of the command line itself (exitUsage).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// exitCode is the exit code for err: exitUsage for a usageError,
// exitFailure for any other error.
func exitCode(err error) int {
	var u usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &u):
		return exitUsage
	}
	return exitFailure
}

// env reads environment variables; tests pass a map-backed one.
type env func(string) string

// run is the whole program; main only wires the process to it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	if len(args) == 0 {
		return runDefault(nil, stdin, stdout, stderr, getenv)
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "questions":
		return runQuestions(args[1:], stdin, stdout, stderr, getenv)
	case "lookup":
		return runLookup(args[1:], stdout, stderr, getenv)
	case "version":
		return runVersion(stdout)
	case "backup":
		return runBackup(args[1:], stdout, stderr, getenv)
	case "export":
		return runExport(args[1:], stdout, stderr, getenv)
	case "store":
		return runStore(args[1:], stdout, stderr, getenv)
	case "config":
		return runConfig(args[1:], stdout, stderr, getenv)
	case "restore":
		return runRestore(args[1:], stdout, stderr, getenv)
	case "healthcheck":
		return runHealthcheck(args[1:], stdout, stderr, getenv)
	}
	if strings.HasPrefix(args[0], "-") {
		return runDefault(args, stdin, stdout, stderr, getenv)
	}
	fmt.Fprintf(stderr, "studybot: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// parseInterleaved parses flags that may come after positional arguments
// ("lookup CodeDeploy --memo x.md") and returns the positionals.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
