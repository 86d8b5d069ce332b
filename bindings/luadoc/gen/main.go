// Command gen writes the Lua API reference (docs/lua-api.md) from the
// documentation entries of every module; run it with go generate.
package main

import (
	"fmt"
	"os"

	"github.com/harborscript/harborscript/bindings/luadoc/catalog"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gen OUTPUT.md")
		os.Exit(2)
	}
	if err := os.WriteFile(os.Args[1], catalog.Reference(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
