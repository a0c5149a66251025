package questions

import (
	_ "embed"
	"fmt"
)

//go:embed memo/dop-c02.md
var defaultMemo []byte

//go:embed memo/dop-c02.yaml
var defaultConfig []byte

//go:embed memo/dop-c02.questions.yaml
var defaultAuthored []byte

// DefaultAuthored returns the bundled memo's questions file: questions a
// person wrote, in the format of "<memo>.questions.yaml".
func DefaultAuthored() []byte { return defaultAuthored }

// DefaultMemo returns the bundled DOP-C02 memo.
func DefaultMemo() []byte { return defaultMemo }

// DefaultConfig returns the bundled memo's config (exam name and weights).
func DefaultConfig() Config {
	c, err := ParseConfig(defaultConfig)
	if err != nil {
		panic(fmt.Sprintf("bundled memo config: %v", err)) // a build defect, caught by tests
	}
	return c
}
