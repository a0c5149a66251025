package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

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
	if path, ok := helpWanted(args); ok {
		writeHelp(stdout, path)
		return exitOK
	}
	switch args[0] {
	case "help":
		return runHelp(args[1:], stdout, stderr)
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
	fmt.Fprintf(stderr, "studybot: unknown command %q\n\n%s", args[0], topHelp())
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
