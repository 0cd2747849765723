// Command regprofile-diff is "regprofile diff": what a change renders differently, risks first (internal/review).
package main

import (
	"os"

	"regprofile.dev/regprofile/internal/review"
)

func main() {
	os.Exit(review.Main(os.Args[1:], os.Stdout, os.Stderr))
}
