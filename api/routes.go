package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"sanlv/scoring"
)

// Prefix is where the API is mounted.
const Prefix = "/api/v1"

// route is one line of the route table: who may call what, and what it takes and gives (for OpenAPI).
type route struct {
	method, pattern string
	roles           role
	handler         handlerFunc
	summary         string
	// params is the path and query struct (`path:"…"`, `query:"…"` tags), body the JSON body struct; nil when none.
	params, body any
	// upload marks a multipart file upload (the body limit is MaxUpload), yaml a YAML body.
	upload, yaml bool
	// xlsx marks a workbook download; long routes get LongTimeout.
	xlsx, long bool
	// docx marks a Word document download.
	docx bool
	// created marks a write that answers 201 when it stores something new (200 when it did not).
	created bool
}

// routes is the API: every route, with the roles that may call it. A unit token is further scoped to
// its own unit inside the handlers (another unit's data answers 404).
func (s *Server) routes() []route {
	return []route{
		{method: "GET", pattern: "/openapi.json", roles: public, handler: s.openAPI, summary: "this OpenAPI document"},
		{method: "GET", pattern: "/me", roles: anyRole, handler: s.me, summary: "the caller's token: role, unit, name"},

		{method: "GET", pattern: "/units", roles: anyRole, handler: s.listUnits, summary: "units (a unit token: its own)"},
		{method: "GET", pattern: "/units/{unit}", roles: anyRole, handler: s.getUnit, summary: "one unit", params: unitParams{}},

		{method: "GET", pattern: "/imports", roles: staff, handler: s.listImports, summary: "import batches, newest first", params: importListParams{}},
		{method: "POST", pattern: "/imports/units", roles: admin, handler: s.importUnits, summary: "import a units file (multipart field file: CSV or XLSX)", params: importParams{}, upload: true, long: true, created: true},
		{method: "POST", pattern: "/imports/tickets", roles: admin, handler: s.importTickets, summary: "import a tickets file (multipart fields mapping (optional YAML), then file: CSV or XLSX)", params: importParams{}, upload: true, long: true, created: true},

		{method: "GET", pattern: "/assignments", roles: anyRole, handler: s.listAssignments, summary: "assignments in key order with cursor pagination", params: assignmentListParams{}},
		{method: "GET", pattern: "/assignments/{ticket}/{unit}", roles: anyRole, handler: s.getAssignment, summary: "one assignment", params: assignmentParams{}},

		{method: "GET", pattern: "/policies", roles: anyRole, handler: s.listPolicies, summary: "every stored policy version"},
		{method: "POST", pattern: "/policies", roles: admin, handler: s.savePolicy, summary: "store a new policy version (YAML body), validated", yaml: true, created: true},
		{method: "GET", pattern: "/policies/{id}", roles: anyRole, handler: s.getPolicy, summary: "one policy version with its YAML", params: policyIDParams{}},
		{method: "POST", pattern: "/policies/{id}/activate", roles: admin, handler: s.activatePolicy, summary: "make a version the active one of its name", params: policyIDParams{}},

		{method: "GET", pattern: "/periods/{period}/scorecards", roles: staff, handler: s.scorecards, summary: "scorecards of every unit (SPEC §11.1)", params: cardParams{}},
		{method: "GET", pattern: "/periods/{period}/scorecards/{unit}", roles: anyRole, handler: s.unitScorecard, summary: "one unit's scorecard", params: unitCardParams{}},
		{method: "GET", pattern: "/periods/{period}/rankings", roles: anyRole, handler: s.rankings, summary: "public rankings of every group", params: cardParams{}},
		{method: "GET", pattern: "/periods/{period}/rankings/{group}", roles: anyRole, handler: s.groupRanking, summary: "public ranking of one group", params: groupParams{}},
		{method: "GET", pattern: "/periods/{period}/explanations/{unit}", roles: anyRole, handler: s.explanation, summary: "every assignment behind a unit's scorecard (SPEC §11.2)", params: explainParams{}},
		{method: "GET", pattern: "/periods/{period}/whatif", roles: staff, handler: s.whatIf, summary: "the period under two policies", params: whatIfParams{}},
		{method: "GET", pattern: "/years/{year}/annual", roles: staff, handler: s.annual, summary: "year-end appraisal", params: annualParams{}},

		{method: "GET", pattern: "/appeals", roles: anyRole, handler: s.listAppeals, summary: "appeals, oldest first", params: appealListParams{}},
		{method: "POST", pattern: "/appeals", roles: unit | admin, handler: s.fileAppeal, summary: "file an appeal on one of the unit's assignments (admin: on any unit's, naming it)", body: appealRequest{}, created: true},
		{method: "GET", pattern: "/appeals/{id}", roles: anyRole, handler: s.getAppeal, summary: "one appeal", params: appealIDParams{}},
		{method: "POST", pattern: "/appeals/{id}/decision", roles: staff, handler: s.decideAppeal, summary: "approve (exclude or correct) or reject a pending appeal", params: appealIDParams{}, body: decisionRequest{}},

		{method: "GET", pattern: "/adjustments", roles: anyRole, handler: s.listAdjustments, summary: "adjustments (加分, 扣分), in the order recorded (a unit token: its own)", params: adjustmentListParams{}},
		{method: "POST", pattern: "/adjustments", roles: admin, handler: s.addAdjustment, summary: "record an adjustment of a unit in a period", body: adjustmentRequest{}, created: true},
		{method: "POST", pattern: "/adjustments/{id}/revoke", roles: admin, handler: s.revokeAdjustment, summary: "revoke an adjustment: a later record with the opposite points (409 when already revoked)", params: adjustmentIDParams{}, body: revokeRequest{}, created: true},

		{method: "GET", pattern: "/calendars", roles: anyRole, handler: s.listCalendars, summary: "working-day calendars policies may name: shipped and stored"},
		{method: "POST", pattern: "/calendars", roles: admin, handler: s.importCalendar, summary: "store a calendar (YAML body); a name already taken needs ?replace=true", params: calendarImportParams{}, yaml: true, created: true},

		{method: "GET", pattern: "/editions", roles: anyRole, handler: s.listAllEditions, summary: "every published edition"},
		{method: "GET", pattern: "/periods/{period}/editions", roles: anyRole, handler: s.listEditions, summary: "the editions of a period", params: periodParams{}},
		{method: "POST", pattern: "/periods/{period}/editions", roles: admin, handler: s.publish, summary: "publish the period: freeze its scorecards as the next edition", params: publishParams{}, created: true},
		{method: "GET", pattern: "/periods/{period}/editions/{number}", roles: staff, handler: s.getEdition, summary: "a published edition with its frozen scorecards", params: editionParams{}},

		{method: "GET", pattern: "/audit", roles: staff, handler: s.audit, summary: "the audit log, newest first", params: auditParams{}},

		{method: "GET", pattern: "/periods/{period}/bulletin.xlsx", roles: staff, handler: s.bulletinXLSX, summary: "the bulletin workbook (latest edition, ?edition=N, or a draft)", params: bulletinParams{}, xlsx: true, long: true},
		{method: "GET", pattern: "/periods/{period}/bulletin.docx", roles: staff, handler: s.bulletinDOCX, summary: "the 通报 as a Word document (latest edition, ?edition=N, or a draft)", params: bulletinParams{}, docx: true, long: true},
		{method: "GET", pattern: "/periods/{period}/detail.xlsx", roles: anyRole, handler: s.detailXLSX, summary: "ticket detail workbook (a unit token: its own rows)", params: detailParams{}, xlsx: true, long: true},
		{method: "GET", pattern: "/periods/{period}/whatif.xlsx", roles: staff, handler: s.whatIfXLSX, summary: "what-if workbook", params: whatIfParams{}, xlsx: true, long: true},
		{method: "GET", pattern: "/years/{year}/annual.xlsx", roles: staff, handler: s.annualXLSX, summary: "year-end appraisal workbook", params: annualParams{}, xlsx: true, long: true},
	}
}

// router builds the chi router from the route table.
func (s *Server) router() http.Handler {
	r := chi.NewRouter()
	r.Use(s.observe)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, newError(scoring.NotFound, "no route "+r.Method+" "+r.URL.Path))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, newError(CodeMethod, "method "+r.Method+" not allowed on "+r.URL.Path))
	})
	for _, rt := range s.routes() {
		maxBody, timeout := s.cfg.MaxBody, s.cfg.Timeout
		if rt.upload {
			maxBody = s.cfg.MaxUpload
		}
		if rt.long {
			timeout = s.cfg.LongTimeout
		}
		r.Method(rt.method, Prefix+rt.pattern, s.guard(rt.roles, s.limit(timeout, maxBody, s.serve(rt.handler))))
	}
	return r
}
