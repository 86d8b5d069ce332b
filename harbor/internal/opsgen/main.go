// Command opsgen derives, from Harbor's swagger, the structure-only JSON copy
// of the spec used by tests and the Go table of every API operation.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

func main() {
	spec := flag.String("spec", "", "Harbor swagger 2.0 spec (YAML)")
	jsonOut := flag.String("json", "", "where to write the structure-only JSON copy of the spec")
	goOut := flag.String("go", "", "where to write the Go operations table")
	flag.Parse()
	if *spec == "" || (*jsonOut == "" && *goOut == "") {
		fmt.Fprintln(os.Stderr, "usage: opsgen -spec SPEC.yaml [-json OUT.json] [-go OUT.go]")
		os.Exit(2)
	}
	if err := run(*spec, *jsonOut, *goOut); err != nil {
		fmt.Fprintln(os.Stderr, "opsgen:", err)
		os.Exit(1)
	}
}

func run(specPath, jsonOut, goOut string) error {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return fmt.Errorf("%s: not a YAML mapping", specPath)
	}
	root := doc.Content[0]
	if jsonOut != "" {
		out, err := structureJSON(root)
		if err != nil {
			return err
		}
		if err := writeFile(jsonOut, out); err != nil {
			return err
		}
	}
	if goOut != "" {
		ops, err := extractOperations(root)
		if err != nil {
			return err
		}
		out, err := renderGo(ops)
		if err != nil {
			return err
		}
		if err := writeFile(goOut, out); err != nil {
			return err
		}
	}
	return nil
}

// writeFile leaves an unchanged file alone so that go generate does not
// touch timestamps needlessly.
func writeFile(path string, data []byte) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
