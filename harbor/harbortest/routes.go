package harbortest

import "net/http"

const (
	tRepo     = "/projects/{project_name}/repositories/{repository_name}"
	tArtifact = tRepo + "/artifacts/{reference}"
	tProject  = "/projects/{project_name_or_id}"
)

func (s *Server) buildRoutes() []*route {
	api := func(method, tmpl string, h func(*call)) *route { return newRoute(method, tmpl, true, h) }
	return []*route{
		api(http.MethodGet, "/health", s.health),
		api(http.MethodGet, "/ping", s.ping),
		api(http.MethodGet, "/systeminfo", s.systemInfo),
		api(http.MethodGet, "/search", s.search),
		api(http.MethodGet, "/scanners", s.listScanners),

		api(http.MethodGet, "/projects", s.listProjects),
		api(http.MethodHead, "/projects", s.headProject),
		api(http.MethodPost, "/projects", s.createProject),
		api(http.MethodGet, tProject, s.getProject),
		api(http.MethodPut, tProject, s.updateProject),
		api(http.MethodDelete, tProject, s.deleteProject),
		api(http.MethodGet, tProject+"/summary", s.projectSummary),
		api(http.MethodGet, tProject+"/metadatas", s.getMetadatas),
		api(http.MethodPost, tProject+"/metadatas", s.putMetadata),
		api(http.MethodGet, tProject+"/metadatas/{meta_name}", s.getMetadata),
		api(http.MethodPut, tProject+"/metadatas/{meta_name}", s.putMetadata),
		api(http.MethodGet, tProject+"/scanner", s.projectScanner),
		api(http.MethodGet, tProject+"/webhook/policies", s.listPolicies),
		api(http.MethodPost, tProject+"/webhook/policies", s.createPolicy),
		api(http.MethodGet, tProject+"/webhook/policies/{webhook_policy_id}", s.getPolicy),
		api(http.MethodPut, tProject+"/webhook/policies/{webhook_policy_id}", s.updatePolicy),
		api(http.MethodDelete, tProject+"/webhook/policies/{webhook_policy_id}", s.deletePolicy),
		api(http.MethodGet, tProject+"/webhook/events", s.webhookEvents),

		api(http.MethodGet, "/repositories", s.listAllRepositories),
		api(http.MethodGet, "/projects/{project_name}/repositories", s.listRepositories),
		api(http.MethodGet, tRepo, s.getRepository),
		api(http.MethodPut, tRepo, s.updateRepository),
		api(http.MethodDelete, tRepo, s.deleteRepository),

		api(http.MethodGet, tRepo+"/artifacts", s.listArtifacts),
		api(http.MethodPost, tRepo+"/artifacts", s.copyArtifact),
		api(http.MethodGet, tArtifact, s.getArtifact),
		api(http.MethodDelete, tArtifact, s.deleteArtifact),
		api(http.MethodPost, tArtifact+"/scan", s.scanArtifact),
		api(http.MethodGet, tArtifact+"/tags", s.listTags),
		api(http.MethodPost, tArtifact+"/tags", s.createTag),
		api(http.MethodDelete, tArtifact+"/tags/{tag_name}", s.deleteTag),
		api(http.MethodPost, tArtifact+"/labels", s.addArtifactLabel),
		api(http.MethodDelete, tArtifact+"/labels/{label_id}", s.removeArtifactLabel),
		api(http.MethodGet, tArtifact+"/additions/vulnerabilities", s.vulnerabilities),
		api(http.MethodGet, tArtifact+"/additions/{addition}", s.buildHistory),

		api(http.MethodGet, "/users", s.listUsers),
		api(http.MethodGet, "/users/current", s.currentUser),
		api(http.MethodGet, "/users/search", s.searchUsers),
		api(http.MethodGet, "/users/{user_id}", s.getUser),

		api(http.MethodGet, "/robots", s.listRobots),
		api(http.MethodPost, "/robots", s.createRobot),
		api(http.MethodGet, "/robots/{robot_id}", s.getRobot),
		api(http.MethodDelete, "/robots/{robot_id}", s.deleteRobot),

		api(http.MethodGet, "/labels", s.listLabels),
		api(http.MethodPost, "/labels", s.createLabel),
		api(http.MethodGet, "/labels/{label_id}", s.getLabel),
		api(http.MethodDelete, "/labels/{label_id}", s.deleteLabel),

		newRoute(http.MethodPost, "/c/login", false, s.handleLogin),
		newRoute(http.MethodGet, "/c/log_out", false, s.handleLogout),
	}
}
