package harbor

import (
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:generate go run ./internal/opsgen -spec ../../shared/harbor-api/harbor-v2.0-swagger.yaml -json ../testdata/harbor-api/harbor-v2.0-swagger.json -go operations_gen.go

// Param is one parameter of an operation, as Harbor's swagger declares it.
type Param struct {
	Name string
	// In is where the value travels: path, query, header, body or formData.
	In string
	// Type is string, integer, boolean, number, array, object or file; for
	// a body it is the JSON type of its schema.
	Type string
	// Items is the element type of an array.
	Items  string
	Format string
	// CollectionFormat says how a non-body array is encoded: csv, ssv, tsv,
	// pipes, or multi for a repeated parameter.
	CollectionFormat string
	// Schema names the definition a body is built from, when it has one.
	Schema   string
	Required bool
	// Default is what Harbor assumes when the parameter is left out; it is
	// never sent on the caller's behalf.
	Default any
	Enum    []string
}

// Operation is one call of Harbor's API, keyed by the spec's operationId.
type Operation struct {
	ID string
	// Name is the snake_case form of ID: listArtifacts is list_artifacts,
	// GetRobotByID is get_robot_by_id.
	Name   string
	Method string
	// Path is the spec's template below /api/v2.0, e.g.
	// "/projects/{project_name}/repositories/{repository_name}/artifacts".
	Path string
	// Tag is the spec's group for the operation, such as "artifact".
	Tag    string
	Params []Param
	// Paginated is set for listings that take page and page_size and answer
	// with an array, so the client can follow pages.
	Paginated bool
	// SuccessStatus is the lowest 2xx status the spec declares.
	SuccessStatus int
	// ReturnsJSON is set when the success response carries a JSON body.
	ReturnsJSON bool
	// Result is the JSON type of the success body ("array", "object",
	// "string", "file"), empty when there is none.
	Result string
	// Model names the definition of the result, or of its elements for an
	// array.
	Model string
}

// Header names Harbor gives a meaning beyond their value.
const (
	headerIsResourceName = "X-Is-Resource-Name"
	paramProjectNameOrID = "project_name_or_id"
	paramRepositoryName  = "repository_name"
	// bodyAlias lets a caller pass the body without knowing the spec's name
	// for it ("project", "robot", ...).
	bodyAlias = "body"
)

var (
	lookupOnce sync.Once
	lookupMap  map[string]*Operation
)

// Operations returns every operation of the API, sorted by ID. The
// operations themselves are shared and must not be modified.
func Operations() []*Operation {
	return slices.Clone(operationTable)
}

// LookupOperation finds an operation by its operationId ("listArtifacts"),
// its snake_case name ("list_artifacts"), or either spelled in another case
// ("getRobotById"), since Harbor's ids mix conventions.
func LookupOperation(name string) (*Operation, bool) {
	lookupOnce.Do(func() {
		lookupMap = make(map[string]*Operation, 3*len(operationTable))
		for _, op := range operationTable {
			lookupMap[foldName(op.ID)] = op
		}
		for _, op := range operationTable {
			lookupMap[op.ID] = op
			lookupMap[op.Name] = op
		}
	})
	if op, ok := lookupMap[name]; ok {
		return op, true
	}
	op, ok := lookupMap[foldName(name)]
	return op, ok
}

// foldName reduces a name to lower case without underscores; no two
// operationIds of the spec coincide under it.
func foldName(name string) string {
	return strings.ToLower(strings.ReplaceAll(name, "_", ""))
}

// Param returns the parameter called name.
func (op *Operation) Param(name string) (*Param, bool) {
	for i := range op.Params {
		if op.Params[i].Name == name {
			return &op.Params[i], true
		}
	}
	return nil, false
}

// BodyParam returns the body parameter, or nil when the operation takes none.
func (op *Operation) BodyParam() *Param {
	for i := range op.Params {
		if op.Params[i].In == "body" {
			return &op.Params[i]
		}
	}
	return nil
}

// BodyKind is the JSON type of the body: "object", "array", or "" when the
// operation takes no JSON body. A Lua table that is empty is both, so the
// caller needs this to encode it as {} or [].
func (op *Operation) BodyKind() string {
	p := op.BodyParam()
	if p == nil || (p.Type != "object" && p.Type != "array") {
		return ""
	}
	return p.Type
}

// BuildRequest checks params against the spec and describes the call. Keys
// are the spec's parameter names, whatever their location; the body may also
// be given as "body". No defaults are filled in: Harbor applies its own, and
// the client's pagination chooses page sizes.
//
// project_name_or_id given as a string of digits is taken as a name: the
// request says so with X-Is-Resource-Name: true unless the caller set that
// header. Pass a number to mean an id.
func (op *Operation) BuildRequest(params map[string]any) (*Request, error) {
	values, err := op.bind(params)
	if err != nil {
		return nil, err
	}
	req := &Request{Method: op.Method, Query: url.Values{}, Header: http.Header{}}
	path := op.Path
	for i := range op.Params {
		p := &op.Params[i]
		v, given := values[p.Name]
		if !given {
			if p.Required {
				return nil, op.errorf("missing required parameter %q", p.Name)
			}
			continue
		}
		switch p.In {
		case "path":
			s, err := op.scalarString(p, v)
			if err != nil {
				return nil, err
			}
			if s == "" {
				return nil, op.errorf("parameter %q must not be empty", p.Name)
			}
			if p.Name == paramRepositoryName {
				s = EscapeRepository(s)
			} else {
				s = url.PathEscape(s)
			}
			path = strings.ReplaceAll(path, "{"+p.Name+"}", s)
		case "formData":
			return nil, op.errorf("parameter %q is a form field, which is not supported", p.Name)
		case "query":
			if err := op.addQuery(req.Query, p, v); err != nil {
				return nil, err
			}
		case "header":
			s, err := op.scalarString(p, v)
			if err != nil {
				return nil, err
			}
			if strings.ContainsAny(s, "\r\n") {
				return nil, op.errorf("parameter %q must not contain a line break", p.Name)
			}
			req.Header.Set(p.Name, s)
		case "body":
			if req.Body, err = op.body(p, v); err != nil {
				return nil, err
			}
		}
	}
	if _, ok := op.Param(headerIsResourceName); ok && req.Header.Get(headerIsResourceName) == "" {
		if s, ok := values[paramProjectNameOrID].(string); ok && isDigits(s) {
			req.Header.Set(headerIsResourceName, "true")
		}
	}
	req.Path = path
	return req, nil
}

// bind maps the caller's keys to the spec's parameter names, rejecting keys
// the operation does not know. Keys are visited in order so that the first
// error reported does not depend on map iteration.
func (op *Operation) bind(params map[string]any) (map[string]any, error) {
	values := make(map[string]any, len(params))
	keys := make(map[string]string, len(params))
	body := op.BodyParam()
	for _, key := range slices.Sorted(maps.Keys(params)) {
		v := params[key]
		if v == nil {
			continue
		}
		name := key
		if p, ok := op.Param(key); ok {
			name = p.Name
		} else if key == bodyAlias && body != nil {
			name = body.Name
		} else if p := op.headerFold(key); p != nil {
			name = p.Name
		} else {
			return nil, op.errorf("unknown parameter %q", key)
		}
		if first, dup := keys[name]; dup {
			return nil, op.errorf("parameter %q given twice, as %q and %q", name, first, key)
		}
		keys[name] = key
		values[name] = v
	}
	return values, nil
}

// headerFold finds a header parameter ignoring case, as HTTP does.
func (op *Operation) headerFold(key string) *Param {
	for i := range op.Params {
		if op.Params[i].In == "header" && strings.EqualFold(op.Params[i].Name, key) {
			return &op.Params[i]
		}
	}
	return nil
}

func (op *Operation) errorf(format string, args ...any) *Error {
	return ValueErrorf("%s: %s", op.ID, fmt.Sprintf(format, args...))
}

func (op *Operation) typeError(p *Param, want string, v any) *Error {
	return op.errorf("parameter %q must be %s, got %s", p.Name, want, typeName(v))
}

// scalarString validates a non-array value against p and renders it as it
// travels in a path, query or header.
func (op *Operation) scalarString(p *Param, v any) (string, error) {
	s, err := op.formatScalar(p, p.Type, v)
	if err != nil {
		return "", err
	}
	if len(p.Enum) > 0 && !slices.Contains(p.Enum, s) {
		quoted := make([]string, len(p.Enum))
		for i, e := range p.Enum {
			quoted[i] = strconv.Quote(e)
		}
		return "", op.errorf("parameter %q must be one of %s, got %q", p.Name, strings.Join(quoted, ", "), s)
	}
	return s, nil
}

func (op *Operation) formatScalar(p *Param, typ string, v any) (string, error) {
	switch typ {
	case "integer":
		n, ok := asInteger(v)
		if !ok {
			return "", op.typeError(p, "an integer", v)
		}
		return strconv.FormatInt(n, 10), nil
	case "number":
		f, ok := asNumber(v)
		if !ok {
			return "", op.typeError(p, "a number", v)
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return "", op.typeError(p, "a boolean", v)
		}
		return strconv.FormatBool(b), nil
	case "string", "":
		if s, ok := v.(string); ok {
			return s, nil
		}
		// Ids are numbers in Lua, and Harbor types some id parameters
		// (project_name_or_id) as strings.
		if n, ok := asInteger(v); ok {
			return strconv.FormatInt(n, 10), nil
		}
		return "", op.typeError(p, "a string", v)
	}
	return "", op.errorf("parameter %q has type %s, which cannot be sent in the %s", p.Name, typ, p.In)
}

func (op *Operation) addQuery(q url.Values, p *Param, v any) error {
	if p.Type != "array" {
		s, err := op.scalarString(p, v)
		if err != nil {
			return err
		}
		q.Set(p.Name, s)
		return nil
	}
	items, ok := asArray(v)
	if !ok {
		return op.typeError(p, "an array", v)
	}
	parts := make([]string, 0, len(items))
	for i, item := range items {
		s, err := op.formatScalar(p, p.Items, item)
		if err != nil {
			return op.errorf("parameter %q item %d must be %s, got %s", p.Name, i+1, article(p.Items), typeName(item))
		}
		if len(p.Enum) > 0 && !slices.Contains(p.Enum, s) {
			return op.errorf("parameter %q item %d is not one of the allowed values: %q", p.Name, i+1, s)
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return nil
	}
	sep := ","
	switch p.CollectionFormat {
	case "multi":
		for _, s := range parts {
			q.Add(p.Name, s)
		}
		return nil
	case "ssv":
		sep = " "
	case "tsv":
		sep = "\t"
	case "pipes":
		sep = "|"
	}
	q.Set(p.Name, strings.Join(parts, sep))
	return nil
}

// body checks the JSON type of the body. An empty table from Lua arrives as
// either an empty map or an empty slice; the schema settles which it is.
func (op *Operation) body(p *Param, v any) (any, error) {
	switch p.Type {
	case "object":
		switch b := v.(type) {
		case map[string]any:
			return b, nil
		case []any:
			if len(b) == 0 {
				return map[string]any{}, nil
			}
		case string, bool, float64, int, int64:
		default:
			// A Go value (a model struct, raw JSON) is the caller's to
			// get right.
			return v, nil
		}
		return nil, op.typeError(p, "an object", v)
	case "array":
		switch b := v.(type) {
		case []any:
			return b, nil
		case map[string]any:
			if len(b) == 0 {
				return []any{}, nil
			}
		case string, bool, float64, int, int64:
		default:
			return v, nil
		}
		return nil, op.typeError(p, "an array", v)
	}
	if _, err := op.formatScalar(p, p.Type, v); err != nil {
		return nil, err
	}
	return v, nil
}

// BuildOperationRequest looks an operation up by name (see LookupOperation)
// and builds its request; an unknown name is a ValueError.
func BuildOperationRequest(name string, params map[string]any) (*Operation, *Request, error) {
	op, ok := LookupOperation(name)
	if !ok {
		return nil, nil, ValueErrorf("unknown operation %q", name)
	}
	req, err := op.BuildRequest(params)
	if err != nil {
		return op, nil, err
	}
	return op, req, nil
}
