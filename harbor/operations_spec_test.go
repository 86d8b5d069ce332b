package harbor

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
)

// The simulator validates its answers through kin-openapi, so the JSON copy
// of the spec must survive conversion to OpenAPI 3 and validate there.
func TestSwaggerJSONConvertsToOpenAPI3(t *testing.T) {
	raw, err := os.ReadFile(swaggerJSON)
	if err != nil {
		t.Fatal(err)
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(raw, &doc2); err != nil {
		t.Fatalf("not swagger 2.0: %v", err)
	}
	doc3, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		t.Fatalf("conversion: %v", err)
	}
	if err := doc3.Validate(context.Background()); err != nil {
		t.Fatalf("converted spec does not validate: %v", err)
	}
	count := 0
	for _, item := range doc3.Paths.Map() {
		count += len(item.Operations())
	}
	if count != len(Operations()) {
		t.Errorf("converted spec has %d operations, table %d", count, len(Operations()))
	}
}
