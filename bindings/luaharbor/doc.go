// Package luaharbor is the Lua module "harbor": clients, every API operation,
// raw requests and the exception objects every binding raises.
package luaharbor
