// Command pipewright validates, tests and runs pipeline directories that keep
// Amazon Seller Central and Sage 500 in sync.
package main

import "os"

func main() {
	os.Exit(0)
}
