// Package luainfo turns ext.ArtifactInfo values into plain Lua tables with methods.
// Scripts read Harbor's own field names and call has_cve, has_package and friends on them.
package luainfo
