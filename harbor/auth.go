package harbor

import (
	"context"
	"net/http"
)

// verify checks the credentials once, before the first request, because
// Harbor answers a wrong password as anonymous wherever anonymous access is
// allowed: a typo would silently shrink every listing to public projects.
// GET /users/current needs an identity: 200 for a user, 412 for a robot,
// 401 for wrong credentials. A transient failure is not remembered, so the
// next call checks again.
func (c *Client) verify(ctx context.Context) error {
	if c.authHdr == "" || c.opts.SkipCredentialCheck {
		return nil
	}
	c.verifyMu.Lock()
	defer c.verifyMu.Unlock()
	if c.verified {
		return c.verifyErr
	}
	if c.session != nil {
		switch err := c.session.login(ctx, c); {
		case err == nil:
			c.verified = true
			return nil
		case c.auth == "session":
			// Asked for explicitly: falling back would hide why reads are
			// slow, and a 401 here means what it says.
			if IsType(err, TypeUnauthorized) {
				c.verified, c.verifyErr = true, err
			}
			return err
		}
		// Session login is unavailable here (an old Harbor, a proxy), or
		// refused a secret that only the API takes (an OIDC user's CLI
		// secret): basic auth decides.
	}
	_, err := c.do(ctx, &Request{Method: http.MethodGet, Path: "/users/current"})
	switch {
	case err == nil, IsType(err, TypePreconditionFailed):
		c.verified = true
		return nil
	case IsType(err, TypeUnauthorized):
		he := err.(*Error)
		he.Message = "credentials for " + fmtUser(c.username) + " were rejected (wrong username or secret)"
		c.verified, c.verifyErr = true, he
		return he
	}
	return err
}

// authorize sets the identity of one request: the session cookie for reads
// when a web session is active, basic auth otherwise. Writes always use
// basic auth without cookies, which needs no CSRF token.
func (c *Client) authorize(ctx context.Context, r *http.Request, useSession bool) {
	if c.authHdr == "" {
		return
	}
	if useSession && c.session != nil && !isMutating(r.Method) {
		if sid := c.session.current(ctx, c); sid != "" {
			r.AddCookie(&http.Cookie{Name: "sid", Value: sid})
			return
		}
	}
	r.Header.Set("Authorization", c.authHdr)
}
