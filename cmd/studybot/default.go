package main

import (
	"fmt"
	"io"
)

// runDefault runs the product: the console when no chat tokens are set.
func runDefault(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv env) int {
	bank, err := loadBank(memoFlags{memo: getenv("STUDYBOT_MEMO")})
	if err != nil {
		fmt.Fprintf(stderr, "studybot: %v\n", err)
		return 1
	}
	fmt.Fprint(stdout, usage)
	if len(bank.Questions) > 0 {
		fmt.Fprint(stdout, "\nA sample question from the bank:\n\n")
		printQuestion(stdout, bank.Questions[0])
	}
	return 0
}
