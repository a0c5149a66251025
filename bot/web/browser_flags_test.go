package web_test

import "flag"

func init() {
	// -update rewrites the screenshots under testdata/screenshots
	// (webtest.Updating). Another file of the package may declare the flag
	// for its golden files; both then share it.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the files under testdata (screenshots, golden files)")
	}
}
