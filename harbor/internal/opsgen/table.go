package main

import (
	"bytes"
	"fmt"
	"go/format"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

type param struct {
	Name, In, Type, Items, Format, CollectionFormat, Schema string
	Required                                                bool
	Default                                                 string // Go literal, "" when none
	Enum                                                    []string
}

type operation struct {
	ID, Name, Method, Path, Tag string
	Params                      []param
	Paginated                   bool
	SuccessStatus               int
	ReturnsJSON                 bool
	Result, Model               string
}

var methodOrder = []string{"get", "put", "post", "delete", "options", "head", "patch"}

// get returns the value of key in a mapping node, or nil.
func get(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func str(n *yaml.Node, key string) string {
	if v := get(n, key); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

type spec struct {
	root             *yaml.Node
	produces         []string
	parameters, defs *yaml.Node
}

func (s *spec) resolve(n *yaml.Node, section *yaml.Node, prefix string) (*yaml.Node, string, error) {
	ref := str(n, "$ref")
	if ref == "" {
		return n, "", nil
	}
	name, ok := strings.CutPrefix(ref, prefix)
	if !ok {
		return nil, "", fmt.Errorf("line %d: unsupported reference %q", n.Line, ref)
	}
	target := get(section, name)
	if target == nil {
		return nil, "", fmt.Errorf("line %d: dangling reference %q", n.Line, ref)
	}
	return target, name, nil
}

// schemaKind names the JSON type of a schema and the definition it is
// built from, following one level of reference.
func (s *spec) schemaKind(n *yaml.Node) (kind, model string, err error) {
	target, name, err := s.resolve(n, s.defs, "#/definitions/")
	if err != nil {
		return "", "", err
	}
	kind = str(target, "type")
	if kind == "" {
		kind = "object"
	}
	if kind == "array" {
		items := get(target, "items")
		if items == nil {
			return kind, "", nil
		}
		_, itemModel, err := s.resolve(items, s.defs, "#/definitions/")
		if err != nil {
			return "", "", err
		}
		if name == "" {
			name = itemModel
		}
	}
	return kind, name, nil
}

func extractOperations(root *yaml.Node) ([]*operation, error) {
	s := &spec{root: root, parameters: get(root, "parameters"), defs: get(root, "definitions")}
	s.produces = strList(get(root, "produces"))
	paths := get(root, "paths")
	if paths == nil || paths.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("spec has no paths")
	}
	var ops []*operation
	for i := 0; i+1 < len(paths.Content); i += 2 {
		path, item := paths.Content[i].Value, paths.Content[i+1]
		common := get(item, "parameters")
		for _, m := range methodOrder {
			opNode := get(item, m)
			if opNode == nil {
				continue
			}
			op, err := s.operation(path, strings.ToUpper(m), opNode, common)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(m), path, err)
			}
			ops = append(ops, op)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID })
	seen := map[string]string{}
	for _, op := range ops {
		for _, key := range []string{op.ID, op.Name} {
			if other, dup := seen[key]; dup && other != op.ID {
				return nil, fmt.Errorf("operations %s and %s share the name %q", other, op.ID, key)
			}
			seen[key] = op.ID
		}
	}
	return ops, nil
}

func strList(n *yaml.Node) []string {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		out = append(out, c.Value)
	}
	return out
}

func (s *spec) operation(path, method string, n, common *yaml.Node) (*operation, error) {
	op := &operation{ID: str(n, "operationId"), Method: method, Path: path}
	if op.ID == "" {
		return nil, fmt.Errorf("no operationId")
	}
	op.Name = snakeCase(op.ID)
	if tags := strList(get(n, "tags")); len(tags) > 0 {
		op.Tag = tags[0]
	}
	var paramNodes []*yaml.Node
	if common != nil {
		paramNodes = append(paramNodes, common.Content...)
	}
	if own := get(n, "parameters"); own != nil {
		paramNodes = append(paramNodes, own.Content...)
	}
	index := map[string]int{}
	for _, pn := range paramNodes {
		p, err := s.param(pn)
		if err != nil {
			return nil, err
		}
		// An operation's own parameter overrides the path item's one.
		key := p.In + " " + p.Name
		if at, ok := index[key]; ok {
			op.Params[at] = p
			continue
		}
		index[key] = len(op.Params)
		op.Params = append(op.Params, p)
	}
	if err := s.success(op, n); err != nil {
		return nil, err
	}
	hasQuery := func(name string) bool {
		_, ok := index["query "+name]
		return ok
	}
	op.Paginated = hasQuery("page") && hasQuery("page_size") && op.Result == "array"
	return op, nil
}

func (s *spec) param(pn *yaml.Node) (param, error) {
	n, _, err := s.resolve(pn, s.parameters, "#/parameters/")
	if err != nil {
		return param{}, err
	}
	p := param{
		Name:             str(n, "name"),
		In:               str(n, "in"),
		Type:             str(n, "type"),
		Format:           str(n, "format"),
		CollectionFormat: str(n, "collectionFormat"),
		Required:         str(n, "required") == "true",
	}
	if p.Name == "" || p.In == "" {
		return p, fmt.Errorf("line %d: parameter without name or location", n.Line)
	}
	if p.In == "body" {
		schema := get(n, "schema")
		if schema == nil {
			return p, fmt.Errorf("line %d: body parameter %q has no schema", n.Line, p.Name)
		}
		if p.Type, p.Schema, err = s.schemaKind(schema); err != nil {
			return p, err
		}
		if p.Type == "array" {
			itemKind, _, err := s.schemaKind(get(s.derefSchema(schema), "items"))
			if err != nil {
				return p, err
			}
			p.Items = itemKind
		}
	} else if items := get(n, "items"); items != nil {
		p.Items = str(items, "type")
	}
	if p.Type == "array" && p.In != "body" && p.CollectionFormat == "" {
		p.CollectionFormat = "csv"
	}
	if d := get(n, "default"); d != nil {
		p.Default, err = goLiteral(d, p.Type)
		if err != nil {
			return p, fmt.Errorf("parameter %q: %w", p.Name, err)
		}
	}
	p.Enum = strList(get(n, "enum"))
	return p, nil
}

func (s *spec) derefSchema(n *yaml.Node) *yaml.Node {
	target, _, err := s.resolve(n, s.defs, "#/definitions/")
	if err != nil {
		return n
	}
	return target
}

// success records the lowest 2xx response: its status, and what it carries.
func (s *spec) success(op *operation, n *yaml.Node) error {
	responses := get(n, "responses")
	if responses == nil {
		return fmt.Errorf("no responses")
	}
	best := 0
	var resp *yaml.Node
	for i := 0; i+1 < len(responses.Content); i += 2 {
		code, err := strconv.Atoi(responses.Content[i].Value)
		if err != nil || code < 200 || code > 299 {
			continue
		}
		if best == 0 || code < best {
			best, resp = code, responses.Content[i+1]
		}
	}
	if best == 0 {
		return fmt.Errorf("no success response")
	}
	op.SuccessStatus = best
	resp, _, err := s.resolve(resp, get(s.root, "responses"), "#/responses/")
	if err != nil {
		return err
	}
	schema := get(resp, "schema")
	if schema == nil {
		return nil
	}
	if op.Result, op.Model, err = s.schemaKind(schema); err != nil {
		return err
	}
	produces := s.produces
	if own := get(n, "produces"); own != nil {
		produces = strList(own)
	}
	for _, p := range produces {
		if p == "application/json" || strings.HasSuffix(p, "+json") {
			op.ReturnsJSON = true
		}
	}
	return nil
}

func goLiteral(n *yaml.Node, typ string) (string, error) {
	switch typ {
	case "integer":
		v, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil {
			return "", fmt.Errorf("bad integer default %q", n.Value)
		}
		return fmt.Sprintf("int64(%d)", v), nil
	case "number":
		v, err := strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return "", fmt.Errorf("bad number default %q", n.Value)
		}
		return fmt.Sprintf("float64(%s)", strconv.FormatFloat(v, 'g', -1, 64)), nil
	case "boolean":
		v, err := strconv.ParseBool(n.Value)
		if err != nil {
			return "", fmt.Errorf("bad boolean default %q", n.Value)
		}
		return strconv.FormatBool(v), nil
	case "string":
		return strconv.Quote(n.Value), nil
	}
	return "", fmt.Errorf("default for a parameter of type %q", typ)
}

// snakeCase turns an operationId into its snake_case form, keeping runs of
// capitals together: getGCHistory becomes get_gc_history, GetRobotByID
// becomes get_robot_by_id.
func snakeCase(id string) string {
	r := []rune(id)
	var b strings.Builder
	for i, c := range r {
		if unicode.IsUpper(c) && i > 0 {
			prevLower := unicode.IsLower(r[i-1]) || unicode.IsDigit(r[i-1])
			nextLower := i+1 < len(r) && unicode.IsLower(r[i+1])
			if prevLower || (unicode.IsUpper(r[i-1]) && nextLower) {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(c))
	}
	return b.String()
}

func renderGo(ops []*operation) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/opsgen from Harbor's swagger; DO NOT EDIT.\n\n")
	b.WriteString("package harbor\n\n")
	b.WriteString("var operationTable = []*Operation{\n")
	for _, op := range ops {
		fmt.Fprintf(&b, "{ID: %q, Name: %q, Method: %q, Path: %q, Tag: %q,\n", op.ID, op.Name, op.Method, op.Path, op.Tag)
		fmt.Fprintf(&b, "SuccessStatus: %d, ReturnsJSON: %t, Paginated: %t, Result: %q, Model: %q,\n",
			op.SuccessStatus, op.ReturnsJSON, op.Paginated, op.Result, op.Model)
		if len(op.Params) > 0 {
			b.WriteString("Params: []Param{\n")
			for _, p := range op.Params {
				fmt.Fprintf(&b, "{Name: %q, In: %q, Type: %q", p.Name, p.In, p.Type)
				if p.Items != "" {
					fmt.Fprintf(&b, ", Items: %q", p.Items)
				}
				if p.Format != "" {
					fmt.Fprintf(&b, ", Format: %q", p.Format)
				}
				if p.CollectionFormat != "" {
					fmt.Fprintf(&b, ", CollectionFormat: %q", p.CollectionFormat)
				}
				if p.Schema != "" {
					fmt.Fprintf(&b, ", Schema: %q", p.Schema)
				}
				if p.Required {
					b.WriteString(", Required: true")
				}
				if p.Default != "" {
					fmt.Fprintf(&b, ", Default: %s", p.Default)
				}
				if len(p.Enum) > 0 {
					b.WriteString(", Enum: []string{")
					for i, e := range p.Enum {
						if i > 0 {
							b.WriteString(", ")
						}
						b.WriteString(strconv.Quote(e))
					}
					b.WriteString("}")
				}
				b.WriteString("},\n")
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting generated Go: %w", err)
	}
	return out, nil
}
