// Package harbortest is an in-memory Harbor API v2.0 server that answers like a real
// Harbor v2.16, for tests, the --demo mode and benchmarks.
package harbortest
