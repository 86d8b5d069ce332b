package luacsv

import "github.com/harborscript/harborscript/bindings/luadoc"

// Doc documents the "csv" module and its writer.
func Doc() []luadoc.Module {
	delim := luadoc.Param{Name: "delimiter", Type: "string", Default: `","`, Summary: "One character other than a quote or newline."}
	header := luadoc.Param{Name: "header", Type: "list of strings", Summary: "Column names, written first; rows may then be tables keyed by these names (a key outside the header is an error, so a misspelt column does not vanish)."}
	return []luadoc.Module{
		{
			Name:    "csv",
			Kind:    luadoc.KindModule,
			Summary: "CSV for reports: rows are lists of cells, or tables keyed by the header names.",
			Functions: []luadoc.Func{
				{Name: "writer", Signature: "csv.writer([path][, opts])", Summary: "Opens a writer on a new file, or on the script's stdout when path is nil or `-`.",
					Params: []luadoc.Param{{Name: "path", Type: "string", Default: `"-"`, Summary: "File to create."}, header, delim}, Returns: "a csv writer.",
					Example: `local csv = require("csv")
local w = csv.writer(nil, {header = {"repository", "tag", "critical"}})
w:write({repository = "library/alpine", tag = "3.19", critical = 0})
w:write({"library/debian", "bookworm", 1})
w:close()`},
				{Name: "encode", Signature: "csv.encode(rows[, opts])", Summary: "Renders rows as CSV text.", Params: []luadoc.Param{header, delim}, Returns: "a string."},
				{Name: "decode", Signature: "csv.decode(s[, opts])", Summary: "Parses CSV text.",
					Params:  []luadoc.Param{{Name: "header", Type: "boolean", Default: "false", Summary: "The first record names the columns: rows become tables keyed by them."}, delim},
					Returns: "a list of rows.",
					Example: `local csv = require("csv")
local rows = csv.decode("name,count\nalpine,2\n", {header = true})
assert(rows[1].name == "alpine" and rows[1].count == "2")`},
			},
		},
		{
			Name:    "csv writer",
			Kind:    luadoc.KindType,
			Summary: "What `csv.writer` returns. Rows are flushed after every call, so nothing is lost when a script fails halfway.",
			Functions: []luadoc.Func{
				{Name: "write", Signature: "w:write(row)", Summary: "Writes one row."},
				{Name: "write_all", Signature: "w:write_all(rows)", Summary: "Writes a list of rows."},
				{Name: "close", Signature: "w:close()", Summary: "Flushes and closes the file; the writer cannot be used afterwards."},
			},
		},
	}
}
