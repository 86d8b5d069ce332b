package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/harborscript/harborscript/bindings/luadoc"
	"github.com/harborscript/harborscript/bindings/luadoc/catalog"
)

func docCommand() *cli.Command {
	return &cli.Command{
		Name:      "doc",
		Usage:     "print the Lua API reference (all of it, or one module or value)",
		ArgsUsage: "[NAME]   (e.g. harbor.ext.api, ArtifactInfo, client, time)",
		Description: "Prints the same Markdown as docs/lua-api.md, generated from this binary, so it\n" +
			"always matches the version you run.",
		Action: docAction,
	}
}

func docAction(c *cli.Context) error {
	mods := catalog.Modules()
	switch c.NArg() {
	case 0:
		_, err := c.App.Writer.Write(luadoc.Render(mods))
		return err
	case 1:
	default:
		return usageErrorf("doc: takes at most one NAME, got %d arguments", c.NArg())
	}
	want := c.Args().First()
	names := make([]string, len(mods))
	for i, m := range mods {
		if strings.EqualFold(m.Name, want) {
			_, err := c.App.Writer.Write(luadoc.RenderModule(m))
			return err
		}
		names[i] = m.Name
	}
	return usageErrorf("doc: no module or value named %q (one of: %s)", want, strings.Join(names, ", "))
}
