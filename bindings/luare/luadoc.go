package luare

import (
	"strings"

	"github.com/harborscript/harborscript/bindings/luadoc"
)

// opDocs describe the operations shared by the module functions and the
// compiled pattern's methods; "%s" stands for how each is called.
var opDocs = []luadoc.Func{
	{Name: "match", Signature: "%s(s)", Summary: "Whether s contains a match (anchor with `^` for a prefix match).", Returns: "a boolean."},
	{Name: "find", Signature: "%s(s)", Summary: "The first match and its submatches (nil for groups that did not take part).", Returns: "the match followed by one value per group, or nil when nothing matches."},
	{Name: "find_all", Signature: "%s(s[, n])", Summary: "Every match (at most n).", Returns: "a list of strings, or of `{match, group1, ...}` tables (false for groups that did not take part) when the pattern has groups."},
	{Name: "gsub", Signature: "%s(s, repl)", Summary: "Replaces every match. A string repl expands `$1` and `${name}`; a function gets the match and submatches and returns the replacement, or nil/false to keep the match.", Returns: "the new string and the number of replacements."},
	{Name: "split", Signature: "%s(s[, n])", Summary: "Cuts s around the matches; n limits the number of pieces as Go's `Split` does.", Returns: "a list of strings."},
}

// Doc documents the "re" module and compiled patterns.
func Doc() []luadoc.Module {
	mod := luadoc.Module{
		Name:    "re",
		Kind:    luadoc.KindModule,
		Summary: "Regular expressions with Go's RE2 syntax (the same as ArtifactInfo's filters): no backtracking, so any pattern runs in linear time.",
		Text:    "Each module function takes the pattern first; compiled patterns are cached, so calling `re.match(p, s)` in a loop costs no recompilation. An invalid pattern is an error naming the problem.",
		Example: `local re = require("re")
print(re.match("^v\\d+\\.\\d+", "v1.2.3"))           --> true
print(re.find("(\\w+)/(\\w+)", "library/alpine"))   --> library/alpine library alpine
print(re.gsub("sha256:([0-9a-f]{8})[0-9a-f]*", "sha256:4297b2888c32aa", "$1")) --> 4297b288 1
local semver = re.compile("^v?(\\d+)\\.(\\d+)")
for _, tag in ipairs({"v1.2", "latest", "2.0.1"}) do print(tag, semver:match(tag)) end`,
	}
	typ := luadoc.Module{
		Name:    "Regexp",
		Kind:    luadoc.KindType,
		Summary: "A compiled pattern from `re.compile`; `tostring` gives the pattern.",
	}
	for _, d := range opDocs {
		f := d
		f.Signature = strings.Replace(d.Signature, "%s", "re."+d.Name, 1)
		f.Signature = strings.Replace(f.Signature, "(", "(pattern, ", 1)
		mod.Functions = append(mod.Functions, f)
		m := d
		m.Signature = strings.Replace(d.Signature, "%s", "rx:"+d.Name, 1)
		typ.Functions = append(typ.Functions, m)
	}
	mod.Functions = append(mod.Functions,
		luadoc.Func{Name: "compile", Signature: "re.compile(pattern)", Summary: "Compiles a pattern once for repeated use.", Returns: "a Regexp."},
		luadoc.Func{Name: "quote", Signature: "re.quote(s)", Summary: "Escapes every metacharacter of s, so it matches literally.", Returns: "a string.",
			Example: `local re = require("re")
print(re.match("^" .. re.quote("a.b+c"), "a.b+c-1"), re.match("^a.b+c", "axbbc"))`},
	)
	return []luadoc.Module{mod, typ}
}
