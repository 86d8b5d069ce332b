package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// FuzzEventFromJSON feeds webhook bodies of any shape: decoding never
// panics, an accepted event has a type and a stable id, and it can always
// be handed to a script.
func FuzzEventFromJSON(f *testing.F) {
	f.Add([]byte(defaultScanBody))
	f.Add([]byte(cloudPushBody))
	f.Add([]byte(`{"type":"PUSH_ARTIFACT","occur_at":1e300,"event_data":{"resources":[1,{"tag":5}],"repository":[]}}`))
	f.Add([]byte(`{"specversion":"1.0","id":"x","type":"harbor.scan.completed","time":"not a time","data":null}`))
	f.Add([]byte(`{"type":"QUOTA_EXCEED","event_data":{"custom_attributes":{"Details":7},"retention":{"project_name":"p"}}}`))
	f.Add([]byte(`{"type":"SCANNING_COMPLETED","event_data":{"resources":[{"scan_overview":{"a":{"summary":{"summary":[]}},"b":1}}]}}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"type":"x"} {}`))
	f.Add([]byte(`{"type":"x","occur_at":-9.3e18}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := EventFromJSON(data)
		if err != nil {
			if ev != nil {
				t.Fatal("an event together with an error")
			}
			return
		}
		if ev.Type == "" || ev.ID == "" || ev.Data == nil {
			t.Fatalf("accepted an event without type, id or data: %+v", ev)
		}
		if ev.Format == "Default" {
			sum := sha256.Sum256(data)
			if ev.ID != "sha256:"+hex.EncodeToString(sum[:]) {
				t.Fatalf("Default id %q is not the body's digest", ev.ID)
			}
		}
		again, err := EventFromJSON(data)
		if err != nil || again.ID != ev.ID || again.Type != ev.Type {
			t.Fatalf("decoding is not deterministic: %v %+v", err, again)
		}
		L := lua.NewState()
		defer L.Close()
		if err := InstallEvent(L, ev); err != nil {
			t.Fatalf("an accepted event cannot reach a script: %v", err)
		}
		if got := L.GetGlobal("event").(*lua.LTable).RawGetString("type"); got.String() != ev.Type {
			t.Fatalf("event.type %q, want %q", got, ev.Type)
		}
	})
}
