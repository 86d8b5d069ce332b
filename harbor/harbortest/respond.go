package harbortest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// harborTimeLayout is how Harbor prints times: UTC with milliseconds.
const harborTimeLayout = "2006-01-02T15:04:05.000Z"

// htime marshals like Harbor; the zero time becomes 0001-01-01T00:00:00.000Z.
type htime time.Time

func (t htime) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(t).UTC().Format(harborTimeLayout) + `"`), nil
}

func (t *htime) UnmarshalJSON(b []byte) error {
	var v time.Time
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*t = htime(v)
	return nil
}

type errorBody struct {
	Errors []errorItem `json:"errors"`
}

type errorItem struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

var errorCodes = map[int]string{
	400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
	405: "METHOD_NOT_ALLOWED", 409: "CONFLICT", 412: "PRECONDITION", 415: "UNSUPPORTED_MEDIA_TYPE",
	422: "UNPROCESSABLE_ENTITY", 429: "TOO_MANY_REQUESTS", 500: "UNKNOWN",
}

func errorCode(status int) string {
	if c, ok := errorCodes[status]; ok {
		return c
	}
	return "UNKNOWN"
}

func encodeJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only the simulator's own types are encoded here.
		panic("harbortest: encoding response: " + err.Error())
	}
	return b
}

// Harbor answers success bodies as plain application/json and its error
// bodies (and a few additions) naming a charset.
const (
	jsonType        = "application/json"
	jsonCharsetType = "application/json; charset=utf-8"
)

// writeBody answers b with its type and length.
func writeBody(w http.ResponseWriter, status int, ctype string, b []byte) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	writeBody(w, status, jsonType, encodeJSON(v))
}

// writeError answers Harbor's error body.
func writeError(w http.ResponseWriter, r *http.Request, status int, message string) {
	b := encodeJSON(errorBody{Errors: []errorItem{{Code: errorCode(status), Message: message}}})
	w.Header().Set("Content-Type", jsonCharsetType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

func writeEmpty(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}
