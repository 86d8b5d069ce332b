package harbor

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Client talks to one Harbor server as one identity. It is safe for
// concurrent use.
type Client struct {
	base     *url.URL
	http     *http.Client
	username string
	authHdr  string // "Basic ..." or ""
	isRobot  bool
	auth     string
	opts     Options
	retry    RetryOptions
	logger   *slog.Logger

	verifyMu  sync.Mutex
	verified  bool
	verifyErr error

	session *session
}

// New builds a client from opts. It makes no request: credentials are
// checked on first use.
func New(opts Options) (*Client, error) {
	base, err := normalizeURL(opts.URL)
	if err != nil {
		return nil, err
	}
	user, secret, err := opts.credentials()
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:     base,
		username: user,
		isRobot:  strings.HasPrefix(user, "robot$") || strings.HasPrefix(user, "robot+"),
		opts:     opts,
		retry:    opts.Retry.withDefaults(),
		logger:   opts.Logger,
	}
	if c.auth, err = opts.validateAuth(c.isRobot); err != nil {
		return nil, err
	}
	if user != "" {
		c.authHdr = "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+secret))
		if c.auth != "basic" {
			c.session = &session{user: user, secret: secret, recheck: sessionRecheck}
		}
	}
	if c.opts.Timeout <= 0 {
		c.opts.Timeout = 30 * time.Second
	}
	if c.opts.DryRunOut == nil {
		c.opts.DryRunOut = os.Stderr
	}
	rt := opts.Transport
	if rt == nil {
		if rt, err = newTransport(opts); err != nil {
			return nil, err
		}
	}
	// No cookie jar: Harbor answers 403 (CSRF) to a write that carries the
	// session cookie it set on an earlier basic-auth response.
	c.http = &http.Client{
		Transport: rt,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	return c, nil
}

func newTransport(opts Options) (*http.Transport, error) {
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.Insecure {
		tlsConf.InsecureSkipVerify = true
	}
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, ValueErrorf("ca_file: cannot read %q: %v", opts.CAFile, unwrapPathError(err))
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, ValueErrorf("ca_file: %q holds no PEM certificate", opts.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	conns := opts.MaxConnsPerHost
	if conns <= 0 {
		conns = 64
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = tlsConf
	t.MaxIdleConns = conns * 2
	t.MaxIdleConnsPerHost = conns
	t.IdleConnTimeout = 90 * time.Second
	t.ForceAttemptHTTP2 = true
	return t, nil
}

// apiPrefix is where Harbor serves its API v2.0.
const apiPrefix = "/api/v2.0"

// BaseURL is the API root, e.g. "https://harbor.example.com/api/v2.0".
func (c *Client) BaseURL() string { return c.base.String() }

// Username is the identity the client uses ("" when anonymous).
func (c *Client) Username() string { return c.username }

// IsRobot says whether the identity is a robot account.
func (c *Client) IsRobot() bool { return c.isRobot }

// DryRun reports whether mutating requests are only printed.
func (c *Client) DryRun() bool { return c.opts.DryRun }

// String describes the client without its secret.
func (c *Client) String() string {
	return fmt.Sprintf("harbor.Client(%s as %s)", c.base, fmtUser(c.username))
}

// Close releases idle connections and logs out a web session.
func (c *Client) Close() {
	if c.session != nil {
		c.session.logout(c)
	}
	c.http.CloseIdleConnections()
}

// Response is a completed API call.
type Response struct {
	StatusCode int
	Header     http.Header
	Body       []byte
	// Total is X-Total-Count, or -1 when the server sent none.
	Total   int
	Request *RequestInfo
}

// URL builds the absolute URL of a request (without credentials).
func (c *Client) URL(req *Request) string {
	u := *c.base
	path := req.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	// Harbor's own links (addition_links hrefs, Location, Link) are relative
	// to the host and start with the API prefix: accept them as they are.
	if strings.HasPrefix(path, apiPrefix+"/") {
		path = path[len(apiPrefix):]
	}
	// Path is already escaped; keep its escapes (e.g. %252F) as they are.
	u.RawPath = c.base.EscapedPath() + path
	if p, err := url.PathUnescape(u.RawPath); err == nil {
		u.Path = p
	} else {
		u.Path = u.RawPath
	}
	if len(req.Query) > 0 {
		u.RawQuery = req.Query.Encode()
	}
	return u.String()
}

// Do sends req with retries and returns the response; a non-2xx status is an
// *Error of the status's type. Credentials are checked before the first
// request.
func (c *Client) Do(ctx context.Context, req *Request) (*Response, error) {
	if err := c.verify(ctx); err != nil {
		return nil, err
	}
	return c.do(ctx, req)
}

// DoJSON is Do followed by decoding the body into v (when v is not nil and
// the body not empty).
func (c *Client) DoJSON(ctx context.Context, req *Request, v any) (*Response, error) {
	resp, err := c.Do(ctx, req)
	if err != nil {
		return resp, err
	}
	if v != nil {
		return resp, decodeBody(resp, v)
	}
	return resp, nil
}

// decodeBody decodes a JSON body into v; an empty body leaves v alone.
func decodeBody(resp *Response, v any) error {
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return nil
	}
	if err := json.Unmarshal(resp.Body, v); err != nil {
		return &Error{Type: TypeDecodeError, Request: resp.Request, StatusCode: resp.StatusCode,
			Message: "invalid JSON in response: " + err.Error(), Err: err}
	}
	return nil
}

func isMutating(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

func (c *Client) do(ctx context.Context, req *Request) (*Response, error) {
	if req.Method == "" {
		req.Method = http.MethodGet
	}
	info := &RequestInfo{Method: req.Method, URL: c.URL(req)}
	var body []byte
	if req.Body != nil {
		switch b := req.Body.(type) {
		case []byte:
			body = b
		default:
			var err error
			if body, err = json.Marshal(b); err != nil {
				return nil, &Error{Type: TypeValueError, Request: info, Message: "request body cannot be encoded as JSON: " + err.Error(), Err: err}
			}
		}
	}
	if c.opts.DryRun && isMutating(req.Method) {
		return c.dryRun(req, info, body), nil
	}
	start := time.Now()
	deadline := start.Add(c.retry.MaxTime)
	for attempt := 1; ; attempt++ {
		resp, err := c.send(ctx, req, info, body, true)
		if c.logger != nil {
			c.logRequest(info, resp, err, attempt, start)
		}
		if err == nil {
			return resp, nil
		}
		wait, retry := c.shouldRetry(ctx, req, err, attempt, deadline)
		if !retry {
			return nil, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, contextError(ctx, info)
		case <-t.C:
		}
	}
}

func (c *Client) logRequest(info *RequestInfo, resp *Response, err error, attempt int, start time.Time) {
	attrs := []any{"method", info.Method, "url", info.URL, "attempt", attempt, "elapsed", time.Since(start).Round(time.Millisecond)}
	if resp != nil {
		attrs = append(attrs, "status", resp.StatusCode)
	}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	c.logger.Debug("harbor request", attrs...)
}

func (c *Client) dryRun(req *Request, info *RequestInfo, body []byte) *Response {
	u, _ := url.Parse(info.URL)
	line := "DRY-RUN " + req.Method + " " + u.RequestURI()
	if len(body) > 0 {
		line += " " + string(body)
	}
	fmt.Fprintln(c.opts.DryRunOut, line)
	status := http.StatusOK
	if req.Method == http.MethodPost {
		status = http.StatusCreated
	}
	return &Response{StatusCode: status, Header: http.Header{}, Total: -1, Request: info}
}

// send makes one try of the request; useSession false forces basic auth.
// A read whose session Harbor refused is sent again at once with basic
// auth, within the same try.
func (c *Client) send(ctx context.Context, req *Request, info *RequestInfo, body []byte, useSession bool) (*Response, error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(actx, req.Method, info.URL, rd)
	if err != nil {
		return nil, &Error{Type: TypeValueError, Request: info, Message: err.Error(), Err: err}
	}
	for k, vs := range req.Header {
		for _, v := range vs {
			hreq.Header.Add(k, v)
		}
	}
	hreq.Header.Set("User-Agent", "harborscript/"+Version)
	if hreq.Header.Get("Accept") == "" {
		hreq.Header.Set("Accept", "application/json")
	}
	if body != nil && hreq.Header.Get("Content-Type") == "" {
		hreq.Header.Set("Content-Type", "application/json")
	}
	c.authorize(actx, hreq, useSession)
	hresp, err := c.http.Do(hreq)
	if err != nil {
		return nil, transportError(ctx, actx, info, err)
	}
	defer hresp.Body.Close()
	data, err := io.ReadAll(hresp.Body)
	if err != nil {
		e := transportError(ctx, actx, info, err)
		e.StatusCode = hresp.StatusCode
		e.Message = "reading response body: " + e.Message
		return nil, e
	}
	resp := &Response{StatusCode: hresp.StatusCode, Header: hresp.Header, Body: data, Total: -1, Request: info}
	if tc := hresp.Header.Get("X-Total-Count"); tc != "" {
		if n, err := strconv.Atoi(tc); err == nil && n >= 0 {
			resp.Total = n
		}
	}
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		if useSession && c.session != nil && c.session.rejected(hreq, hresp) {
			// The session expired or was refused: this request is sent
			// again with basic auth, and a later read logs in anew.
			return c.send(ctx, req, info, body, false)
		}
		e := newStatusError(info, hresp, data)
		e.retryAfter = hresp.Header.Get("Retry-After")
		return resp, e
	}
	return resp, nil
}

// contextError describes a request abandoned because its context ended.
// ContextError describes work abandoned because ctx ended: a TimeoutError
// for a deadline, a TransportError for a cancel.
func ContextError(ctx context.Context) *Error { return contextError(ctx, nil) }

func contextError(ctx context.Context, info *RequestInfo) *Error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{Type: TypeTimeoutError, Request: info, Message: "deadline exceeded", Err: ctx.Err()}
	}
	return &Error{Type: TypeTransportError, Request: info, Message: "canceled", Err: context.Cause(ctx)}
}

func transportError(parent, attemptCtx context.Context, info *RequestInfo, err error) *Error {
	if parent.Err() != nil {
		return contextError(parent, info)
	}
	if attemptCtx.Err() != nil {
		return &Error{Type: TypeTimeoutError, Request: info, Message: "request timed out", Err: err}
	}
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return &Error{Type: TypeTimeoutError, Request: info, Message: "request timed out", Err: err}
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) {
		msg = ue.Err.Error()
	}
	if isTLSFailure(err) {
		return &Error{Type: TypeConnectError, Request: info, Message: msg, Err: err, permanent: true}
	}
	if isConnectError(err) {
		return &Error{Type: TypeConnectError, Request: info, Message: msg, Err: err}
	}
	return &Error{Type: TypeTransportError, Request: info, Message: msg, Err: err}
}
