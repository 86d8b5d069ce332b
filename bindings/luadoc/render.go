package luadoc

import (
	"bytes"
	"fmt"
	"strings"
)

// Header is the top of the generated reference: the reader is told where
// it comes from before anything else, so nobody edits it by hand.
const Header = `# Lua API reference

<!-- Generated from bindings/*/luadoc.go by "go generate ./bindings/luadoc"
     (or "harborscript doc"); edit those files, not this one. -->

Every module below is loaded with ` + "`require`" + `. Results are plain Lua
tables whose field names are Harbor's own JSON names, so ` + "`ipairs`" + `,
` + "`pairs`" + `, ` + "`#`" + ` and ` + "`json.encode`" + ` work on all of them. Wrong
arguments raise an error that names the function and the argument. Every
example on this page is run by the tests against the built-in simulator.
`

// Render writes the reference of mods as Markdown, in the given order.
func Render(mods []Module) []byte {
	var b bytes.Buffer
	b.WriteString(Header)
	b.WriteString("\n## Contents\n\n")
	for _, m := range mods {
		fmt.Fprintf(&b, "- [%s](#%s) (%s): %s\n", m.Name, Slug(title(m)), m.Kind, firstSentence(m.Summary))
	}
	for _, m := range mods {
		renderModule(&b, m)
	}
	return b.Bytes()
}

func title(m Module) string {
	switch m.Kind {
	case KindModule:
		return fmt.Sprintf("%s module", m.Name)
	case KindType:
		return fmt.Sprintf("%s value", m.Name)
	}
	return m.Name
}

func renderModule(b *bytes.Buffer, m Module) {
	fmt.Fprintf(b, "\n## %s\n\n", title(m))
	if m.Kind == KindModule {
		fmt.Fprintf(b, "`local %s = require(%q)`\n\n", localName(m.Name), m.Name)
	}
	para(b, m.Summary)
	para(b, m.Text)
	if len(m.Fields) > 0 {
		b.WriteString("| field | type | meaning |\n|---|---|---|\n")
		for _, f := range m.Fields {
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", f.Name, cell(f.Type), cell(f.Summary))
		}
		b.WriteString("\n")
	}
	code(b, m.Example)
	var brief []Func
	for _, f := range m.Functions {
		if f.Brief {
			brief = append(brief, f)
			continue
		}
		renderFunc(b, f)
	}
	if len(brief) > 0 {
		fmt.Fprintf(b, "### Everyday methods\n\n")
		b.WriteString("| method | calls | options besides the positional arguments |\n|---|---|---|\n")
		for _, f := range brief {
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", f.Signature, cell(f.Summary), cell(paramNames(f.Params)))
		}
		b.WriteString("\n")
		for _, f := range brief {
			if f.Example == "" {
				continue
			}
			fmt.Fprintf(b, "#### Example: `%s`\n\n", f.Name)
			code(b, f.Example)
		}
	}
}

func renderFunc(b *bytes.Buffer, f Func) {
	fmt.Fprintf(b, "### `%s`\n\n", f.Signature)
	para(b, f.Summary)
	if len(f.Params) > 0 {
		b.WriteString("| argument / option | type | default | meaning |\n|---|---|---|---|\n")
		for _, p := range f.Params {
			def := p.Default
			if def == "" {
				def = "—"
			}
			fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", p.Name, cell(p.Type), cell(def), cell(p.Summary))
		}
		b.WriteString("\n")
	}
	if f.Returns != "" {
		fmt.Fprintf(b, "Returns %s\n\n", strings.TrimSpace(f.Returns))
	}
	code(b, f.Example)
}

func paramNames(ps []Param) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = "`" + p.Name + "`"
	}
	return strings.Join(names, ", ")
}

func para(b *bytes.Buffer, s string) {
	if s = strings.TrimSpace(s); s != "" {
		b.WriteString(s)
		b.WriteString("\n\n")
	}
}

func code(b *bytes.Buffer, src string) {
	if src = strings.TrimSpace(src); src != "" {
		b.WriteString("```lua\n")
		b.WriteString(src)
		b.WriteString("\n```\n\n")
	}
}

// cell makes s safe inside a Markdown table row.
func cell(s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\n", " "))
	return strings.ReplaceAll(s, "|", `\|`)
}

func firstSentence(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, ". "); i >= 0 {
		return s[:i+1]
	}
	return s
}

// localName is the variable the examples bind a module to.
func localName(module string) string {
	switch module {
	case "harbor.ext.api":
		return "api"
	case "harbor.ext.report":
		return "report"
	}
	return module
}

// Slug is the anchor GitHub gives a heading: lower case, spaces to hyphens,
// punctuation other than hyphens and underscores dropped.
func Slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// RenderModule writes the reference section of one module or value.
func RenderModule(m Module) []byte {
	var b bytes.Buffer
	renderModule(&b, m)
	return bytes.TrimLeft(b.Bytes(), "\n")
}
