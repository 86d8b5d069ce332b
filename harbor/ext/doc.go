// Package ext holds bulk helpers over the Harbor client: concurrent artifact and vulnerability fetches, ArtifactInfo and ArtifactReport.
// It answers "which images are hit by what" in pure Go, so the Lua bindings only convert values.
package ext
