package http

// routes registers every page and API route. The API routes are listed in
// openapi.json, and TestOpenAPIMatchesRoutes keeps the two in step.
func (s *Server) routes() {
	s.handle("GET /healthz", s.handleHealth)
	s.handle("GET /static/{file}", s.handleStatic)
	s.handle("GET /static/fonts/{file}", s.handleFont)
	s.handle("GET /{$}", s.handleHome)

	// Pages. Lists answer in HTML, and in CSV, XLSX or JSON by suffix or
	// ?format=.
	s.handleList("/achievements", s.handleAchievementList)
	s.handle("GET /achievements/new", s.handleAchievementNew)
	s.handle("POST /achievements", s.handleAchievementCreate)
	s.handle("GET /achievements/{id}", s.handleAchievement)
	s.handle("GET /achievements/{id}/edit", s.handleAchievementEdit)
	s.handle("POST /achievements/{id}", s.handleAchievementUpdate)
	s.handle("POST /achievements/{id}/status", s.handleAchievementStatus)

	s.handleList("/demands", s.handleDemandList)
	s.handle("GET /demands/new", s.handleDemandNew)
	s.handle("POST /demands", s.handleDemandCreate)
	s.handle("GET /demands/{id}", s.handleDemand)
	s.handle("GET /demands/{id}/edit", s.handleDemandEdit)
	s.handle("POST /demands/{id}", s.handleDemandUpdate)
	s.handle("POST /demands/{id}/status", s.handleDemandStatus)

	s.handleList("/organizations", s.handleOrganizationList)
	s.handle("GET /organizations/{id}", s.handleOrganization)

	s.handle("GET /login", s.handleLoginForm)
	s.handle("POST /login", s.handleLogin)
	s.handle("POST /logout", s.handleLogout)
	s.handle("GET /account/password", s.handlePasswordForm)
	s.handle("POST /account/password", s.handlePassword)
	s.handle("GET /my", s.handleMy)

	s.handle("GET /admin/users", s.handleUsers)
	s.handle("POST /admin/users", s.handleUserCreate)
	s.handle("POST /admin/users/{id}/disable", s.handleUserDisable)
	s.handle("POST /admin/users/{id}/password", s.handleUserPassword)
	s.handle("GET /admin/organizations", s.handleOrgsAdmin)
	s.handle("POST /admin/organizations", s.handleOrgCreate)
	s.handleList("/staff/audit", s.handleAudit)
	s.handle("GET /staff/import", s.handleImportForm)
	s.handle("POST /staff/import", s.handleImport)

	// JSON API: the same handlers, answering JSON under /api/v1.
	s.handle("GET /api/v1/openapi.json", s.handleOpenAPI)
	s.handle("GET /api/v1/counts", s.handleHome)
	s.handle("GET /api/v1/achievements", s.handleAchievementList)
	s.handle("POST /api/v1/achievements", s.handleAchievementCreate)
	s.handle("GET /api/v1/achievements/{id}", s.handleAchievement)
	s.handle("PATCH /api/v1/achievements/{id}", s.handleAchievementUpdate)
	s.handle("GET /api/v1/demands", s.handleDemandList)
	s.handle("POST /api/v1/demands", s.handleDemandCreate)
	s.handle("GET /api/v1/demands/{id}", s.handleDemand)
	s.handle("PATCH /api/v1/demands/{id}", s.handleDemandUpdate)
	s.handle("GET /api/v1/organizations", s.handleOrganizationList)
	s.handle("GET /api/v1/organizations/{id}", s.handleOrganization)
	s.handle("POST /api/v1/session", s.handleAPILogin)
	s.handle("GET /api/v1/session", s.handleAPIMe)
	s.handle("DELETE /api/v1/session", s.handleAPILogout)
	s.handle("GET /api/v1/audit", s.handleAudit)
}
