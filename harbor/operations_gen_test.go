package harbor

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const (
	swaggerYAML = "../../shared/harbor-api/harbor-v2.0-swagger.yaml"
	swaggerJSON = "../testdata/harbor-api/harbor-v2.0-swagger.json"
)

// TestGeneratedFilesUpToDate regenerates the table and the JSON spec and
// fails when the committed copies differ, i.e. someone changed the
// generator or the spec without running go generate.
func TestGeneratedFilesUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the generator")
	}
	if _, err := os.Stat(swaggerYAML); err != nil {
		t.Skipf("spec not available: %v", err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not on PATH")
	}
	dir := t.TempDir()
	outJSON, outGo := filepath.Join(dir, "spec.json"), filepath.Join(dir, "operations_gen.go")
	cmd := exec.Command(goTool, "run", "./internal/opsgen", "-spec", swaggerYAML, "-json", outJSON, "-go", outGo)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generator failed: %v\n%s", err, out)
	}
	for fresh, committed := range map[string]string{outJSON: swaggerJSON, outGo: "operations_gen.go"} {
		want, err := os.ReadFile(fresh)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(committed)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date: run go generate ./harbor", committed)
		}
	}
}

type specJSON struct {
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Parameters map[string]specParam                  `json:"parameters"`
}

type specParam struct {
	Ref  string `json:"$ref"`
	Name string `json:"name"`
	In   string `json:"in"`
}

type specOp struct {
	OperationID string      `json:"operationId"`
	Parameters  []specParam `json:"parameters"`
}

// The JSON spec other packages validate against must describe the same
// operations as the table.
func TestSwaggerJSONMatchesTable(t *testing.T) {
	raw, err := os.ReadFile(swaggerJSON)
	if err != nil {
		t.Fatal(err)
	}
	var spec specJSON
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatalf("spec JSON: %v", err)
	}
	count := 0
	for _, item := range spec.Paths {
		for method := range item {
			if method != "parameters" {
				count++
			}
		}
	}
	if count != len(Operations()) {
		t.Errorf("JSON spec has %d operations, table %d", count, len(Operations()))
	}
	for _, op := range Operations() {
		rawOp, ok := spec.Paths[op.Path][strings.ToLower(op.Method)]
		if !ok {
			t.Errorf("%s: %s %s not in the JSON spec", op.ID, op.Method, op.Path)
			continue
		}
		var so specOp
		if err := json.Unmarshal(rawOp, &so); err != nil {
			t.Fatalf("%s: %v", op.ID, err)
		}
		if so.OperationID != op.ID {
			t.Errorf("%s %s is %q in the JSON spec, %q in the table", op.Method, op.Path, so.OperationID, op.ID)
		}
		var names []string
		for _, p := range so.Parameters {
			if name, ok := strings.CutPrefix(p.Ref, "#/parameters/"); ok {
				p = spec.Parameters[name]
			}
			names = append(names, p.In+":"+p.Name)
		}
		var want []string
		for _, p := range op.Params {
			want = append(want, p.In+":"+p.Name)
		}
		if strings.Join(names, " ") != strings.Join(want, " ") {
			t.Errorf("%s: JSON spec parameters %v, table %v", op.ID, names, want)
		}
	}
}

// Prose fields are gone; where such a key survives it is a property that
// happens to be called so (its value a schema), or a response's required,
// empty, description.
func TestSwaggerJSONHasNoProse(t *testing.T) {
	raw, err := os.ReadFile(swaggerJSON)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	prose := map[string]bool{"description": true, "summary": true, "example": true, "examples": true, "externalDocs": true}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, child := range x {
				if prose[k] {
					if _, isSchema := child.(map[string]any); !isSchema && child != "" {
						t.Errorf("%s/%s holds prose: %.60v", path, k, child)
					}
				}
				if strings.HasPrefix(k, "x-") && k != "x-nullable" && k != "x-isnullable" && k != "x-omitempty" {
					t.Errorf("%s/%s: documentation extension kept", path, k)
				}
				walk(path+"/"+k, child)
			}
		case []any:
			for i, child := range x {
				walk(path+"/"+strconv.Itoa(i), child)
			}
		}
	}
	walk("", doc)
	if !bytes.Contains(raw, []byte(`"description": {`)) {
		t.Error("properties called description were dropped with the prose")
	}
}
