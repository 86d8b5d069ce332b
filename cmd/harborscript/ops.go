package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/harborscript/harborscript/harbor"
)

func opsCommand() *cli.Command {
	return &cli.Command{
		Name:      "ops",
		Usage:     "list the Harbor API operations client:call() accepts",
		ArgsUsage: "[FILTER]",
		Description: "FILTER keeps operations whose id, snake_case name, path or group contains it\n" +
			"(case-insensitive). Required parameters are marked with *.",
		Flags:  []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON for programs"}},
		Action: opsAction,
	}
}

type opParamJSON struct {
	Name     string `json:"name"`
	In       string `json:"in"`
	Type     string `json:"type"`
	Required bool   `json:"required"`
}

type opJSON struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Method    string        `json:"method"`
	Path      string        `json:"path"`
	Tag       string        `json:"tag"`
	Paginated bool          `json:"paginated"`
	Params    []opParamJSON `json:"params"`
}

func opsAction(c *cli.Context) error {
	if c.NArg() > 1 {
		return usageErrorf("ops: give at most one FILTER, got %d arguments", c.NArg())
	}
	filter := strings.ToLower(c.Args().First())
	var ops []*harbor.Operation
	for _, op := range harbor.Operations() {
		if filter == "" || matchesOp(op, filter) {
			ops = append(ops, op)
		}
	}
	out := c.App.Writer
	if c.Bool("json") {
		list := make([]opJSON, 0, len(ops))
		for _, op := range ops {
			o := opJSON{ID: op.ID, Name: op.Name, Method: op.Method, Path: op.Path, Tag: op.Tag, Paginated: op.Paginated, Params: []opParamJSON{}}
			for _, p := range op.Params {
				o.Params = append(o.Params, opParamJSON{Name: p.Name, In: p.In, Type: p.Type, Required: p.Required})
			}
			list = append(list, o)
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(ops) == 0 {
		return &exitCode{code: exitScript, msg: fmt.Sprintf("ops: no operation matches %q", c.Args().First())}
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, op := range ops {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", op.ID, op.Method, op.Path)
		for _, p := range op.Params {
			req := ""
			if p.Required {
				req = "*"
			}
			typ := p.Type
			if p.Type == "array" && p.Items != "" {
				typ = "array of " + p.Items
			}
			fmt.Fprintf(tw, "\t  %s%s\t%s %s\n", p.Name, req, p.In, typ)
		}
	}
	return tw.Flush()
}

func matchesOp(op *harbor.Operation, filter string) bool {
	for _, s := range []string{op.ID, op.Name, op.Path, op.Tag} {
		if strings.Contains(strings.ToLower(s), filter) {
			return true
		}
	}
	return false
}
