package main

import (
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestSnakeCase(t *testing.T) {
	for id, want := range map[string]string{
		"listArtifacts":         "list_artifacts",
		"GetRobotByID":          "get_robot_by_id",
		"getGCHistory":          "get_gc_history",
		"pingOIDC":              "ping_oidc",
		"putSystemCVEAllowlist": "put_system_cve_allowlist",
		"search":                "search",
		"getV2Catalog":          "get_v2_catalog",
	} {
		if got := snakeCase(id); got != want {
			t.Errorf("snakeCase(%q) = %q, want %q", id, got, want)
		}
	}
}

const miniSpec = `
swagger: '2.0'
info: {title: T, version: '1', description: prose}
produces: [application/json]
paths:
  /things/{id}:
    get:
      summary: prose
      description: prose
      x-codegen-note: prose
      operationId: getThing
      tags: [thing]
      parameters:
        - $ref: '#/parameters/id'
        - {name: kind, in: query, type: string, enum: [a, b], description: prose}
        - {name: ids, in: query, type: array, items: {type: integer}}
      responses:
        '200': {description: prose, schema: {$ref: '#/definitions/Thing'}}
        '404': {$ref: '#/responses/404'}
  /things:
    get:
      operationId: ListThings
      tags: [thing]
      parameters:
        - {name: page, in: query, type: integer, default: 1}
        - {name: page_size, in: query, type: integer, default: 10}
      responses:
        '200': {description: ok, schema: {type: array, items: {$ref: '#/definitions/Thing'}}}
    post:
      operationId: createThings
      tags: [thing]
      parameters:
        - {name: things, in: body, required: true, schema: {type: array, items: {$ref: '#/definitions/Thing'}}}
      responses:
        '201': {description: created}
parameters:
  id: {name: id, in: path, required: true, type: integer, description: prose}
responses:
  '404': {description: prose}
definitions:
  Thing:
    type: object
    description: prose
    example: {description: prose}
    properties:
      description: {type: string, description: prose, x-nullable: true}
      example: {type: string, default: {description: kept}}
`

func parseMini(t *testing.T) *yaml.Node {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(miniSpec), &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

func TestStructureJSONDropsProseOnly(t *testing.T) {
	out, err := structureJSON(parseMini(t))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "prose") {
		t.Errorf("prose survived:\n%s", out)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	props := doc["definitions"].(map[string]any)["Thing"].(map[string]any)["properties"].(map[string]any)
	desc, ok := props["description"].(map[string]any)
	if !ok || desc["type"] != "string" || desc["x-nullable"] != true {
		t.Errorf("property called description lost its schema: %v", props["description"])
	}
	if def := props["example"].(map[string]any)["default"]; def.(map[string]any)["description"] != "kept" {
		t.Errorf("default value was stripped: %v", def)
	}
	resp := doc["paths"].(map[string]any)["/things/{id}"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)
	if d, ok := resp["200"].(map[string]any)["description"]; !ok || d != "" {
		t.Errorf("a response needs an empty description, got %v", d)
	}
	if _, ok := resp["404"].(map[string]any)["description"]; ok {
		t.Error("a response reference must stay a bare $ref")
	}
}

func TestExtractOperations(t *testing.T) {
	ops, err := extractOperations(parseMini(t))
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*operation{}
	for _, op := range ops {
		byID[op.ID] = op
	}
	get := byID["getThing"]
	if get == nil || get.Path != "/things/{id}" || get.Method != "GET" || get.Tag != "thing" || get.Model != "Thing" || !get.ReturnsJSON || get.Paginated {
		t.Fatalf("getThing: %+v", get)
	}
	if p := get.Params[0]; p.Name != "id" || p.In != "path" || p.Type != "integer" || !p.Required {
		t.Errorf("referenced parameter: %+v", p)
	}
	if p := get.Params[1]; strings.Join(p.Enum, ",") != "a,b" {
		t.Errorf("enum: %+v", p)
	}
	if p := get.Params[2]; p.Items != "integer" || p.CollectionFormat != "csv" {
		t.Errorf("array parameter: %+v", p)
	}
	list := byID["ListThings"]
	if list == nil || !list.Paginated || list.Result != "array" || list.Model != "Thing" || list.Name != "list_things" {
		t.Errorf("ListThings: %+v", list)
	}
	if list.Params[0].Default != "int64(1)" {
		t.Errorf("default literal %q", list.Params[0].Default)
	}
	create := byID["createThings"]
	if create == nil || create.SuccessStatus != 201 || create.ReturnsJSON || create.Params[0].Type != "array" || create.Params[0].Items != "object" {
		t.Errorf("createThings: %+v", create)
	}
	if _, err := renderGo(ops); err != nil {
		t.Errorf("renderGo: %v", err)
	}
}

func TestDanglingReferenceIsAnError(t *testing.T) {
	spec := strings.Replace(miniSpec, "$ref: '#/parameters/id'", "$ref: '#/parameters/nope'", 1)
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(spec), &doc); err != nil {
		t.Fatal(err)
	}
	if _, err := extractOperations(doc.Content[0]); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("error %v, want one naming the dangling reference", err)
	}
}
