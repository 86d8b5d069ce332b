package harbor

import (
	"context"
	"encoding/base64"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestStatusErrorParsesHarborBody(t *testing.T) {
	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/projects/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", jsonErrorType)
		w.WriteHeader(404)
		// Two entries to see that every message is kept.
		w.Write([]byte(`{"errors":[{"code":"NOT_FOUND","message":"project nosuchproject not found"},{"code":"NOT_FOUND","message":"second"}]}`))
	})
	c := newClient(t, srv, Options{})
	_, err := c.GetProject(context.Background(), "nosuchproject")
	he := asError(t, err)
	if he.Type != TypeNotFound || he.StatusCode != 404 {
		t.Fatalf("got %s (%d)", he.Type, he.StatusCode)
	}
	if len(he.Errors) != 2 || he.Errors[0].Code != "NOT_FOUND" || he.Errors[0].Message != "project nosuchproject not found" {
		t.Fatalf("Errors = %+v", he.Errors)
	}
	if !strings.Contains(he.Message, "project nosuchproject not found") || !strings.Contains(he.Message, "second") {
		t.Errorf("Message = %q", he.Message)
	}
	want := "GET " + srv.URL + "/api/v2.0/projects/nosuchproject"
	if he.Request == nil || he.Request.Method+" "+he.Request.URL != want {
		t.Errorf("Request = %+v, want %s", he.Request, want)
	}
	if s := err.Error(); !strings.Contains(s, want) || !strings.Contains(s, "404") || !strings.Contains(s, "NotFound") {
		t.Errorf("Error() = %q", s)
	}
}

func TestStatusTypeMapping(t *testing.T) {
	cases := []struct {
		status int
		typ    string
		code   string
	}{
		{400, TypeBadRequest, "BAD_REQUEST"},
		{401, TypeUnauthorized, "UNAUTHORIZED"},
		{403, TypeForbidden, "FORBIDDEN"},
		{404, TypeNotFound, "NOT_FOUND"},
		{405, TypeMethodNotAllowed, "METHOD_NOT_ALLOWED"},
		{409, TypeConflict, "CONFLICT"},
		{412, TypePreconditionFailed, "PRECONDITION"},
		{415, TypeUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{418, TypeStatusError, "TEAPOT"},
		{422, TypeUnprocessableEntity, "UNPROCESSABLE_ENTITY"},
		{429, TypeTooManyRequests, "TOO_MANY_REQUESTS"},
		{500, TypeInternalServerError, "UNKNOWN"},
		{501, TypeStatusError, "NOT_IMPLEMENTED"},
	}
	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		st, _ := strconv.Atoi(r.PathValue("id"))
		for _, tc := range cases {
			if tc.status == st {
				writeHarborError(w, st, tc.code, "msg "+tc.code)
			}
		}
	})
	c := newClient(t, srv, Options{Retry: RetryOptions{MaxTries: 1}})
	for _, tc := range cases {
		_, err := c.GetUser(context.Background(), int64(tc.status))
		he := asError(t, err)
		if he.Type != tc.typ || he.StatusCode != tc.status {
			t.Errorf("%d: got %s (%d), want %s", tc.status, he.Type, he.StatusCode, tc.typ)
		}
		if len(he.Errors) != 1 || he.Errors[0].Code != tc.code {
			t.Errorf("%d: Errors = %+v", tc.status, he.Errors)
		}
		for _, anc := range []string{TypeStatusError, TypeHTTPError, TypeHarborAPIException} {
			if !he.IsA(anc) || !IsType(err, anc) {
				t.Errorf("%d: %s is not a %s", tc.status, he.Type, anc)
			}
		}
		for _, other := range []string{TypeTransportError, TypeValueError} {
			if he.IsA(other) {
				t.Errorf("%d: %s claims to be a %s", tc.status, he.Type, other)
			}
		}
		if TypeForStatus(tc.status) != tc.typ {
			t.Errorf("TypeForStatus(%d) = %s", tc.status, TypeForStatus(tc.status))
		}
	}
}

func TestTypeHierarchy(t *testing.T) {
	yes := [][2]string{
		{TypeNotFound, TypeNotFound},
		{TypeNotFound, TypeStatusError},
		{TypeNotFound, TypeHTTPError},
		{TypeNotFound, TypeHarborAPIException},
		{TypeTimeoutError, TypeTransportError},
		{TypeConnectError, TypeHTTPError},
		{TypeDecodeError, TypeTransportError},
		{TypeValueError, TypeHarborAPIException},
	}
	no := [][2]string{
		{TypeNotFound, TypeTransportError},
		{TypeNotFound, TypeBadRequest},
		{TypeStatusError, TypeNotFound},
		{TypeValueError, TypeHTTPError},
		{TypeTimeoutError, TypeStatusError},
		{TypeHarborAPIException, TypeHTTPError},
		{"NoSuchType", TypeHarborAPIException},
	}
	for _, p := range yes {
		if !TypeIs(p[0], p[1]) {
			t.Errorf("%s should be a %s", p[0], p[1])
		}
	}
	for _, p := range no {
		if TypeIs(p[0], p[1]) {
			t.Errorf("%s should not be a %s", p[0], p[1])
		}
	}
	// Every type reaches the root.
	for typ := range Parents {
		if !TypeIs(typ, TypeHarborAPIException) {
			t.Errorf("%s does not descend from %s", typ, TypeHarborAPIException)
		}
	}
	if IsType(nil, TypeHarborAPIException) {
		t.Error("nil error has a type")
	}
}

func TestInternalServerErrorWithEmptyBody(t *testing.T) {
	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/users/1", func(w http.ResponseWriter, r *http.Request) {
		// Harbor's crash answer: no body, no Content-Type.
		w.Header()["Content-Type"] = nil
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(500)
	})
	c := newClient(t, srv, Options{})
	_, err := c.GetUser(context.Background(), 1)
	he := asError(t, err)
	if he.Type != TypeInternalServerError || he.StatusCode != 500 {
		t.Fatalf("got %s (%d): %v", he.Type, he.StatusCode, err)
	}
	if len(he.Errors) != 0 {
		t.Errorf("Errors = %+v", he.Errors)
	}
	if he.Message == "" {
		t.Error("no message for an empty 500")
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/projects/{name}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(403)
		w.Write([]byte("<html>proxy says no</html>"))
	})
	c := newClient(t, srv, Options{})
	_, err := c.GetProject(context.Background(), "library")
	he := asError(t, err)
	if he.Type != TypeForbidden || len(he.Errors) != 0 || he.Message == "" {
		t.Fatalf("got %+v", he)
	}
}

func TestErrorsNeverShowSecrets(t *testing.T) {
	const user, secret = "admin", "Zebra-Pw-9f31xq"
	b64 := base64.StdEncoding.EncodeToString([]byte(user + ":" + secret))
	leaks := func(t *testing.T, err error) {
		t.Helper()
		if err == nil {
			t.Fatal("want an error")
		}
		for _, s := range []string{err.Error(), asError(t, err).Message} {
			if strings.Contains(s, secret) || strings.Contains(s, b64) ||
				strings.Contains(s, base64.StdEncoding.EncodeToString([]byte(secret))) {
				t.Errorf("error shows the secret: %q", s)
			}
		}
	}

	mux, srv := harborServer(t)
	mux.HandleFunc("GET /api/v2.0/users/current", func(w http.ResponseWriter, r *http.Request) {
		writeHarborError(w, 401, "UNAUTHORIZED", "unauthorized")
	})
	for _, o := range []Options{
		{Username: user, Secret: secret},
		{BasicAuth: b64},
		{Username: user, Secret: secret, Auth: "auto"},
	} {
		c := newClient(t, srv, o)
		_, err := c.GetProjects(context.Background(), ListOptions{})
		leaks(t, err)
	}

	// A connection failure describes the URL; the URL never carries secrets.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := New(Options{URL: "http://" + addr, Username: user, Secret: secret, Retry: RetryOptions{MaxTries: 1}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetProjects(context.Background(), ListOptions{})
	leaks(t, err)
	if !strings.Contains(err.Error(), addr) {
		t.Errorf("connection error does not name the server: %v", err)
	}

	// Bad input is reported without echoing the secret.
	_, err = New(Options{URL: "https://h", BasicAuth: base64.StdEncoding.EncodeToString([]byte(secret))})
	leaks(t, err)
}

func TestBadURLErrorsHideUserinfo(t *testing.T) {
	for _, raw := range []string{
		"https://admin:S3cr3tPw@harbor local",
		"admin:S3cr3tPw@harbor.local",
		"ftp://admin:S3cr3tPw@harbor.local",
		"https://admin:S3cr3tPw@harbor.local",
		"https://admin:S3cr3tPw@harbor.local/?x=1",
		"https://admin:S3cr3tPw@",
		"//admin:S3cr3tPw@harbor.local/x",
	} {
		_, err := New(Options{URL: raw})
		wantValueError(t, err, "url")
		if strings.Contains(err.Error(), "S3cr3tPw") {
			t.Errorf("error for a bad URL shows its password: %v", err)
		}
	}
}
