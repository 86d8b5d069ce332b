// Package harbor is a client for the Harbor container registry's REST API v2.0:
// transport, authentication, retries, typed errors, pagination and models.
package harbor
