// Command studybot turns a study memo into a daily quiz on Slack, Discord
// or a terminal console. Run "studybot help" for its subcommands.
package main

import (
	"os"

	_ "time/tzdata" // zone data for minimal container images
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}
