package harbor

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error types, named as a script sees them. Parents says where each sits in the
// hierarchy so that Is can answer for ancestors too.
const (
	TypeHarborAPIException   = "HarborAPIException"
	TypeHTTPError            = "HTTPError"
	TypeStatusError          = "StatusError"
	TypeBadRequest           = "BadRequest"
	TypeUnauthorized         = "Unauthorized"
	TypeForbidden            = "Forbidden"
	TypeNotFound             = "NotFound"
	TypeMethodNotAllowed     = "MethodNotAllowed"
	TypeConflict             = "Conflict"
	TypePreconditionFailed   = "PreconditionFailed"
	TypeUnsupportedMediaType = "UnsupportedMediaType"
	TypeUnprocessableEntity  = "UnprocessableEntity"
	TypeTooManyRequests      = "TooManyRequests"
	TypeInternalServerError  = "InternalServerError"
	TypeTransportError       = "TransportError"
	TypeTimeoutError         = "TimeoutError"
	TypeConnectError         = "ConnectError"
	TypeDecodeError          = "DecodeError"
	TypeValueError           = "ValueError"
)

// Parents maps every error type to its parent; the root has none.
var Parents = map[string]string{
	TypeHTTPError:            TypeHarborAPIException,
	TypeValueError:           TypeHarborAPIException,
	TypeStatusError:          TypeHTTPError,
	TypeTransportError:       TypeHTTPError,
	TypeBadRequest:           TypeStatusError,
	TypeUnauthorized:         TypeStatusError,
	TypeForbidden:            TypeStatusError,
	TypeNotFound:             TypeStatusError,
	TypeMethodNotAllowed:     TypeStatusError,
	TypeConflict:             TypeStatusError,
	TypePreconditionFailed:   TypeStatusError,
	TypeUnsupportedMediaType: TypeStatusError,
	TypeUnprocessableEntity:  TypeStatusError,
	TypeTooManyRequests:      TypeStatusError,
	TypeInternalServerError:  TypeStatusError,
	TypeTimeoutError:         TypeTransportError,
	TypeConnectError:         TypeTransportError,
	TypeDecodeError:          TypeTransportError,
}

var statusTypes = map[int]string{
	400: TypeBadRequest,
	401: TypeUnauthorized,
	403: TypeForbidden,
	404: TypeNotFound,
	405: TypeMethodNotAllowed,
	409: TypeConflict,
	412: TypePreconditionFailed,
	415: TypeUnsupportedMediaType,
	422: TypeUnprocessableEntity,
	429: TypeTooManyRequests,
	500: TypeInternalServerError,
}

// TypeForStatus names the error type of an HTTP status; statuses without a
// type of their own are plain StatusErrors.
func TypeForStatus(code int) string {
	if t, ok := statusTypes[code]; ok {
		return t
	}
	return TypeStatusError
}

// ErrorDetail is one entry of Harbor's {"errors":[{"code","message"}]} body.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// RequestInfo identifies the request that failed. URL never carries
// credentials.
type RequestInfo struct {
	Method string
	URL    string
}

// Error is every failure the client reports. Type places it in the hierarchy
// (see Parents); Request is set for every HTTPError.
type Error struct {
	Type       string
	Message    string
	StatusCode int
	Request    *RequestInfo
	Errors     []ErrorDetail
	// Key names the resource a bulk operation was asked about (for example
	// "library/alpine"), so a caller can account for what failed.
	Key string
	Err error

	retryAfter string
	// permanent marks a transport failure that another try cannot cure,
	// such as a certificate that fails verification.
	permanent bool
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Type)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (%d)", e.StatusCode)
	}
	if e.Request != nil {
		fmt.Fprintf(&b, " %s %s", e.Request.Method, e.Request.URL)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsA reports whether the error is of type name or one of its descendants.
func (e *Error) IsA(name string) bool { return TypeIs(e.Type, name) }

// TypeIs reports whether typ is name or descends from it.
func TypeIs(typ, name string) bool {
	for t := typ; t != ""; t = Parents[t] {
		if t == name {
			return true
		}
	}
	return false
}

// IsType reports whether err is (or wraps) an *Error of type name or below.
func IsType(err error, name string) bool {
	var he *Error
	return errors.As(err, &he) && he.IsA(name)
}

// ValueErrorf builds a ValueError: bad input caught before any request.
func ValueErrorf(format string, args ...any) *Error {
	return &Error{Type: TypeValueError, Message: fmt.Sprintf(format, args...)}
}

// newStatusError builds the error for a non-2xx response, parsing Harbor's
// error body when there is one.
func newStatusError(req *RequestInfo, resp *http.Response, body []byte) *Error {
	e := &Error{
		Type:       TypeForStatus(resp.StatusCode),
		StatusCode: resp.StatusCode,
		Request:    req,
	}
	var payload struct {
		Errors []ErrorDetail `json:"errors"`
	}
	if len(body) > 0 && json.Unmarshal(body, &payload) == nil && len(payload.Errors) > 0 {
		e.Errors = payload.Errors
		msgs := make([]string, 0, len(payload.Errors))
		for _, d := range payload.Errors {
			msgs = append(msgs, d.Message)
		}
		e.Message = strings.Join(msgs, "; ")
	} else {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}
