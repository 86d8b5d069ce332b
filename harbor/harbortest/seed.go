package harbortest

import (
	"bytes"
	_ "embed"
	"sync"
)

//go:generate cp ../../testdata/registry/registry.json seed/registry.json

//go:embed seed/registry.json
var seedJSON []byte

// DemoDataset is the realistic seed registry of testdata/registry (see its
// README for the table of contents). Each call returns a fresh copy.
func DemoDataset() *Dataset {
	d, err := LoadDataset(bytes.NewReader(seedJSON))
	if err != nil {
		// The embedded seed is checked by the package's tests.
		panic(err)
	}
	return d
}

// demoSeed is the seed parsed once per process: every server clones its
// data anyway, and parsing took nearly all of New's time.
var demoSeed = sync.OnceValue(DemoDataset)
