// Package luareport is the Lua module "harbor.ext.report": ArtifactReport over lists of ArtifactInfo tables.
// A report is a list of its info tables; statistics and has_*/with_* filters come through its metatable.
package luareport
