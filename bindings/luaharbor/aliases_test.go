package luaharbor

import "testing"

func TestEveryAliasMapsToAnOperation(t *testing.T) {
	for _, err := range checkAliases() {
		t.Error(err)
	}
	if len(aliases) < 40 {
		t.Errorf("only %d everyday methods", len(aliases))
	}
}
