package harbor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// retryableStatus are the statuses worth another try: the server was busy or
// a proxy in front of it failed.
var retryableStatus = map[int]bool{429: true, 502: true, 503: true, 504: true}

// shouldRetry decides whether a failed attempt is tried again and after how
// long. A 401 is never retried: Harbor locks the user for a while after a
// wrong password. POST and PATCH are retried only when the server provably
// did not process them (no connection, or 429).
func (c *Client) shouldRetry(ctx context.Context, req *Request, err error, attempt int, deadline time.Time) (time.Duration, bool) {
	if ctx.Err() != nil || attempt >= c.retry.MaxTries {
		return 0, false
	}
	var he *Error
	if !errors.As(err, &he) || he.permanent {
		return 0, false
	}
	idempotent := req.Method != http.MethodPost && req.Method != http.MethodPatch
	switch {
	case he.StatusCode != 0 && he.Type != TypeTransportError && he.Type != TypeTimeoutError:
		if !retryableStatus[he.StatusCode] || (!idempotent && he.StatusCode != 429) {
			return 0, false
		}
	case he.Type == TypeConnectError:
	case he.Type == TypeTimeoutError, he.Type == TypeTransportError:
		if !idempotent {
			return 0, false
		}
	default:
		return 0, false
	}
	wait := backoff(c.retry.BaseDelay, c.retry.MaxDelay, attempt)
	if ra, ok := parseRetryAfter(he.retryAfter, time.Now()); ok {
		wait = ra
	}
	if time.Now().Add(wait).After(deadline) {
		return 0, false
	}
	return wait, true
}

// backoff is exponential backoff with full jitter: a uniform draw from
// [0, min(max, base*2^(attempt-1))].
func backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// isTLSFailure reports a handshake that failed on the certificate or on a
// peer that does not speak TLS: the next try would fail the same way.
func isTLSFailure(err error) bool {
	var (
		verr *tls.CertificateVerificationError
		uerr x509.UnknownAuthorityError
		herr x509.HostnameError
		ierr x509.CertificateInvalidError
		rerr tls.RecordHeaderError
	)
	if errors.As(err, &verr) || errors.As(err, &uerr) || errors.As(err, &herr) ||
		errors.As(err, &ierr) || errors.As(err, &rerr) {
		return true
	}
	// net/http turns the record header error of a plain-HTTP peer into an
	// untyped error; its text is all there is to recognise it by.
	return strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")
}

// isConnectError reports failures before the request reached the server.
func isConnectError(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	return errors.Is(err, syscall.ECONNREFUSED)
}
