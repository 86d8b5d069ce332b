package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// context says how the keys of a mapping are to be read: as swagger fields
// (where prose can be dropped), as names chosen by the spec's authors (a
// property called "description" is structure), or as literal data.
type context int

const (
	ctxObject   context = iota // swagger object: prose keys are dropped
	ctxResponse                // response object: description is required, so it is kept empty
	ctxData                    // default, enum and extension values: copied verbatim
)

// nameMaps are the fields whose keys are names and whose values are objects
// of the given context.
var nameMaps = map[string]context{
	"paths":               ctxObject,
	"definitions":         ctxObject,
	"properties":          ctxObject,
	"parameters":          ctxObject, // top level only; inside an operation it is a list
	"responses":           ctxResponse,
	"securityDefinitions": ctxObject,
	"headers":             ctxObject,
	"patternProperties":   ctxObject,
}

// keptExtensions describe nullability, which validation depends on; every
// other extension is documentation and goes.
var keptExtensions = map[string]bool{
	"x-nullable":   true,
	"x-isnullable": true,
	"x-omitempty":  true,
}

var proseKeys = map[string]bool{
	"description":    true,
	"summary":        true,
	"example":        true,
	"examples":       true,
	"externalDocs":   true,
	"termsOfService": true,
	"contact":        true,
	"license":        true,
}

// structureJSON renders the spec as indented JSON without its prose, keeping
// the spec's key order so that the file diffs well against upstream changes.
func structureJSON(root *yaml.Node) ([]byte, error) {
	var b bytes.Buffer
	if err := writeNode(&b, root, ctxObject); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return nil, fmt.Errorf("rendering JSON: %w", err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func writeNode(b *bytes.Buffer, n *yaml.Node, ctx context) error {
	switch n.Kind {
	case yaml.AliasNode:
		return writeNode(b, n.Alias, ctx)
	case yaml.ScalarNode:
		return writeScalar(b, n)
	case yaml.SequenceNode:
		b.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeNode(b, c, ctx); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	case yaml.MappingNode:
		return writeMapping(b, n, ctx)
	}
	return fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
}

func writeMapping(b *bytes.Buffer, n *yaml.Node, ctx context) error {
	b.WriteByte('{')
	first := true
	member := func(key string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
	}
	hasRef := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "$ref" {
			hasRef = true
		}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i].Value, n.Content[i+1]
		if ctx != ctxData {
			if proseKeys[key] {
				continue
			}
			if strings.HasPrefix(key, "x-") && !keptExtensions[key] {
				continue
			}
		}
		member(key)
		var err error
		switch {
		case ctx == ctxData || key == "default" || key == "enum" || strings.HasPrefix(key, "x-"):
			err = writeNode(b, val, ctxData)
		case val.Kind == yaml.MappingNode && isNameMap(key, val):
			err = writeNames(b, val, nameMaps[key])
		default:
			err = writeNode(b, val, ctxObject)
		}
		if err != nil {
			return err
		}
	}
	if ctx == ctxResponse && !hasRef {
		member("description")
		b.WriteString(`""`)
	}
	b.WriteByte('}')
	return nil
}

// isNameMap tells a mapping of names from a field that happens to share the
// name: "parameters" is a list inside operations, and a schema property may
// itself be called "properties" or "headers".
func isNameMap(key string, _ *yaml.Node) bool {
	_, ok := nameMaps[key]
	return ok
}

func writeNames(b *bytes.Buffer, n *yaml.Node, valueCtx context) error {
	b.WriteByte('{')
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(n.Content[i].Value)
		b.Write(k)
		b.WriteByte(':')
		if err := writeNode(b, n.Content[i+1], valueCtx); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

func writeScalar(b *bytes.Buffer, n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		b.WriteString("null")
		return nil
	case "!!bool":
		v, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			return fmt.Errorf("line %d: bad boolean %q", n.Line, n.Value)
		}
		b.WriteString(strconv.FormatBool(v))
		return nil
	case "!!int":
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil {
			return fmt.Errorf("line %d: bad integer %q", n.Line, n.Value)
		}
		b.WriteString(strconv.FormatInt(v, 10))
		return nil
	case "!!float":
		v, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return fmt.Errorf("line %d: bad number %q", n.Line, n.Value)
		}
		out, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		b.Write(out)
		return nil
	}
	// Strings, and timestamps which JSON can only carry as strings.
	out, _ := json.Marshal(n.Value)
	b.Write(out)
	return nil
}
