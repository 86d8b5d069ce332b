package luaharbor

import (
	"fmt"

	lua "github.com/yuin/gopher-lua"

	"github.com/harborscript/harborscript/bindings/luaconv"
	"github.com/harborscript/harborscript/harbor"
)

// alias is one of harborapi's everyday client methods, as a thin layer over
// an operation: positional arguments name spec parameters, a trailing table
// gives the rest (with harborapi's option names renamed to the spec's).
type alias struct {
	Name string
	Op   string
	// Args are the spec parameter names of the positional arguments; all
	// are required.
	Args []string
	// Wrap turns a positional argument into the spec's shape (e.g. a tag
	// name into {name=...}), by argument name.
	Wrap map[string]func(L *lua.LState, v lua.LValue) lua.LValue
	// Fixed sets parameters the method always sends.
	Fixed map[string]string
	// Result post-processes a non-listing result.
	Result func(L *lua.LState, v lua.LValue, resp lua.LValue) lua.LValue
}

// optionRenames maps harborapi's keyword names to the spec's.
var optionRenames = map[string]string{"query": "q"}

func wrapField(field string) func(L *lua.LState, v lua.LValue) lua.LValue {
	return func(L *lua.LState, v lua.LValue) lua.LValue {
		if _, ok := v.(*lua.LTable); ok {
			return v
		}
		t := L.NewTable()
		t.RawSetString(field, v)
		return t
	}
}

// locationOr returns the Location of a create that answered no body, as
// harborapi's create methods do.
func locationOr(L *lua.LState, v lua.LValue, resp lua.LValue) lua.LValue {
	if v != lua.LNil {
		return v
	}
	if rt, ok := resp.(*lua.LTable); ok {
		return rt.RawGetString("location")
	}
	return lua.LNil
}

// pickReport unwraps the vulnerabilities addition, keyed by report MIME
// type, into the report itself (nil when the artifact was never scanned).
func pickReport(L *lua.LState, v lua.LValue, _ lua.LValue) lua.LValue {
	t, ok := v.(*lua.LTable)
	if !ok {
		return lua.LNil
	}
	for _, mime := range harbor.ReportMIMETypes {
		if r := t.RawGetString(mime); r != lua.LNil {
			return r
		}
	}
	var first lua.LValue = lua.LNil
	t.ForEach(func(_, r lua.LValue) {
		if first == lua.LNil {
			first = r
		}
	})
	return first
}

var (
	projectArg  = []string{"project_name_or_id"}
	repoArgs    = []string{"project_name", "repository_name"}
	artArgs     = []string{"project_name", "repository_name", "reference"}
	wrapTagName = map[string]func(*lua.LState, lua.LValue) lua.LValue{"tag": wrapField("name")}
	wrapLabelID = map[string]func(*lua.LState, lua.LValue) lua.LValue{"label": wrapField("id")}
)

var aliases = []*alias{
	// projects
	{Name: "get_projects", Op: "listProjects"},
	{Name: "get_project", Op: "getProject", Args: projectArg},
	{Name: "create_project", Op: "createProject", Args: []string{"project"}, Result: locationOr},
	{Name: "update_project", Op: "updateProject", Args: []string{"project_name_or_id", "project"}},
	{Name: "delete_project", Op: "deleteProject", Args: projectArg},
	{Name: "get_project_summary", Op: "getProjectSummary", Args: projectArg},
	{Name: "get_project_members", Op: "listProjectMembers", Args: projectArg},
	{Name: "get_project_scanner", Op: "getScannerOfProject", Args: projectArg},
	{Name: "get_project_metadata", Op: "listProjectMetadatas", Args: projectArg},
	{Name: "get_webhook_policies", Op: "ListWebhookPoliciesOfProject", Args: projectArg},
	// repositories
	{Name: "get_repositories", Op: "listAllRepositories"},
	{Name: "get_project_repositories", Op: "listRepositories", Args: []string{"project_name"}},
	{Name: "get_repository", Op: "getRepository", Args: repoArgs},
	{Name: "update_repository", Op: "updateRepository", Args: []string{"project_name", "repository_name", "repository"}},
	{Name: "delete_repository", Op: "deleteRepository", Args: repoArgs},
	// artifacts
	{Name: "get_artifacts", Op: "listArtifacts", Args: repoArgs},
	{Name: "get_artifact", Op: "getArtifact", Args: artArgs},
	{Name: "delete_artifact", Op: "deleteArtifact", Args: artArgs},
	{Name: "copy_artifact", Op: "copyArtifact", Args: []string{"project_name", "repository_name", "from"}, Result: locationOr},
	{Name: "get_artifact_tags", Op: "listTags", Args: artArgs},
	{Name: "create_artifact_tag", Op: "createTag", Args: []string{"project_name", "repository_name", "reference", "tag"}, Wrap: wrapTagName, Result: locationOr},
	{Name: "delete_artifact_tag", Op: "deleteTag", Args: []string{"project_name", "repository_name", "reference", "tag_name"}},
	{Name: "get_artifact_accessories", Op: "listAccessories", Args: artArgs},
	{Name: "get_artifact_build_history", Op: "getAddition", Args: artArgs, Fixed: map[string]string{"addition": "build_history"}},
	{Name: "add_artifact_label", Op: "addLabel", Args: []string{"project_name", "repository_name", "reference", "label"}, Wrap: wrapLabelID},
	{Name: "delete_artifact_label", Op: "removeLabel", Args: []string{"project_name", "repository_name", "reference", "label_id"}},
	// scanning
	{Name: "get_artifact_vulnerabilities", Op: "getVulnerabilitiesAddition", Args: artArgs, Result: pickReport},
	{Name: "scan_artifact", Op: "scanArtifact", Args: artArgs},
	{Name: "stop_artifact_scan", Op: "stopScanArtifact", Args: artArgs},
	{Name: "get_artifact_scan_report_log", Op: "getReportLog", Args: []string{"project_name", "repository_name", "reference", "report_id"}},
	{Name: "get_scanners", Op: "listScanners"},
	// labels
	{Name: "get_labels", Op: "ListLabels"},
	{Name: "get_label", Op: "GetLabelByID", Args: []string{"label_id"}},
	{Name: "create_label", Op: "CreateLabel", Args: []string{"label"}, Result: locationOr},
	{Name: "delete_label", Op: "DeleteLabel", Args: []string{"label_id"}},
	// users
	{Name: "get_current_user", Op: "getCurrentUserInfo"},
	{Name: "get_current_user_permissions", Op: "getCurrentUserPermissions"},
	{Name: "get_user", Op: "getUser", Args: []string{"user_id"}},
	{Name: "get_users", Op: "listUsers"},
	{Name: "search_users_by_username", Op: "searchUsers", Args: []string{"username"}},
	// robots
	{Name: "get_robots", Op: "ListRobot"},
	{Name: "get_robot", Op: "GetRobotByID", Args: []string{"robot_id"}},
	{Name: "create_robot", Op: "CreateRobot", Args: []string{"robot"}},
	{Name: "delete_robot", Op: "DeleteRobot", Args: []string{"robot_id"}},
	// system
	{Name: "get_system_info", Op: "getSystemInfo"},
	{Name: "health_check", Op: "getHealth"},
	{Name: "ping", Op: "getPing"},
	{Name: "search", Op: "search", Args: []string{"q"}},
	{Name: "get_audit_logs", Op: "listAuditLogs"},
	{Name: "get_quotas", Op: "listQuotas"},
	{Name: "get_statistics", Op: "getStatistic"},
}

// Aliases lists the everyday methods and the operation each calls.
func Aliases() map[string]string {
	m := make(map[string]string, len(aliases))
	for _, a := range aliases {
		m[a.Name] = a.Op
	}
	return m
}

func (a *alias) call(L *lua.LState) int {
	fn := "client:" + a.Name
	c := CheckClient(L, fn, 1)
	op, ok := harbor.LookupOperation(a.Op)
	if !ok {
		ValueError(L, "%s: operation %s is not in the table", fn, a.Op)
	}
	params := L.NewTable()
	for k, v := range a.Fixed {
		params.RawSetString(k, lua.LString(v))
	}
	for i, name := range a.Args {
		v := L.Get(2 + i)
		if v == lua.LNil {
			ValueError(L, "%s: argument #%d (%s) is required", fn, i+1, name)
		}
		if w := a.Wrap[name]; w != nil {
			v = w(L, v)
		}
		params.RawSetString(name, v)
	}
	switch opts := L.Get(2 + len(a.Args)).(type) {
	case *lua.LNilType:
	case *lua.LTable:
		opts.ForEach(func(k, v lua.LValue) {
			key, ok := k.(lua.LString)
			if !ok {
				ValueError(L, "%s: options must be given by name, got a %s key", fn, luaconv.TypeName(k))
			}
			name := string(key)
			if spec, ok := optionRenames[name]; ok {
				name = spec
			}
			if params.RawGetString(name) != lua.LNil {
				ValueError(L, "%s: option %q repeats a positional argument", fn, name)
			}
			params.RawSetString(name, v)
		})
	default:
		ValueError(L, "%s: argument #%d must be a table of options, got %s", fn, len(a.Args)+1, luaconv.TypeName(opts))
	}
	n := callOperation(L, c, op, params, fn)
	if a.Result == nil || n != 2 {
		return n
	}
	resp := L.Get(-1)
	v := L.Get(-2)
	L.Pop(2)
	L.Push(a.Result(L, v, resp))
	L.Push(resp)
	return 2
}

// checkAliases reports aliases whose operation or arguments are not in the
// table (used by tests).
func checkAliases() []error {
	var errs []error
	for _, a := range aliases {
		op, ok := harbor.LookupOperation(a.Op)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: no operation %s", a.Name, a.Op))
			continue
		}
		for arg := range a.Fixed {
			if _, ok := op.Param(arg); !ok {
				errs = append(errs, fmt.Errorf("%s: operation %s has no parameter %s", a.Name, a.Op, arg))
			}
		}
		for _, arg := range a.Args {
			if _, ok := op.Param(arg); !ok {
				errs = append(errs, fmt.Errorf("%s: operation %s has no parameter %s", a.Name, a.Op, arg))
			}
		}
	}
	return errs
}
