package scripts_test

// cases are the golden runs, at least one per script.
var cases = []scriptCase{
	{script: "get_artifacts.lua"},
	{script: "get_artifacts.lua", name: "team-a", args: []string{"team-a"}},
	{script: "get_artifacts.lua", name: "failure", setup: failArtifactListing("library", "busybox", 500)},
	{script: "get_artifacts_filtered.lua"},
	{script: "get_artifacts_filtered.lua", name: "tag", args: []string{"v1.0.0"}},

	{script: "artifact_vulnerabilities.lua"},
	{script: "artifact_vulnerabilities.lua", name: "libssl3-range",
		args: []string{"--package", "libssl3", "--min-version", "3.0.0", "--max-version", "3.0.7"}},
	{script: "artifact_vulnerabilities.lua", name: "bad-pattern", args: []string{"--package", "("},
		wantErr: `--package is not a valid regular expression: "("`},
}
