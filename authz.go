package anbao

import "slices"

// Action is something a principal may try to do. Row-level scope (which
// organisation, jurisdiction or relationship) is applied by the store on top.
type Action string

const (
	ActOrgRead        Action = "org.read"        // read participant organisations
	ActOrgCreate      Action = "org.create"      // register an organisation directly (active at once)
	ActOrgApprove     Action = "org.approve"     // approve, reject, suspend registrations
	ActOrgUpdate      Action = "org.update"      // edit an organisation (own, or any for the operator)
	ActUSCCOverride   Action = "uscc.override"   // accept a USCC whose checksum fails
	ActEnterpriseRead Action = "enterprise.read" // the enterprise directory and profiles, within scope
	ActUserRead       Action = "user.read"       // list users of an organisation
	ActUserManage     Action = "user.manage"     // create, disable, change roles, reset
	ActAuditRead      Action = "audit.read"      // browse the audit log, within scope
	ActAuditVerify    Action = "audit.verify"    // verify the whole chain
	ActTokenManage    Action = "token.manage"    // own API tokens
	ActAccount        Action = "account"         // own password, second factor, locale
	ActQuantRun       Action = "quant.run"       // run risk-quantification simulations (reads no tenant data)
	// The enterprise risk profile: MLPS systems, assets, dependencies, data holdings.
	ActRiskProfileRead  Action = "riskprofile.read"  // read an enterprise's risk profile, within enterprise scope
	ActRiskProfileWrite Action = "riskprofile.write" // edit and import the own enterprise's risk profile
	// The assessment (issue #4): questionnaire, engagements, findings, reports, scores, sharing.
	ActAssessmentRead      Action = "assessment.read"      // an enterprise's answers, engagements, findings, reports, scores; within scope
	ActQuestionnaireAnswer Action = "questionnaire.answer" // answer the own enterprise's questionnaire, attach evidence
	ActQuestionnaireAttest Action = "questionnaire.attest" // attest the own enterprise's answers (signs them off as true)
	ActEngagementManage    Action = "engagement.manage"    // engage a provider on the own enterprise, authorise, end
	ActEngagementRespond   Action = "engagement.respond"   // a provider accepts or declines an engagement
	ActFindingWrite        Action = "finding.write"        // a provider records findings, re-verifies, reviews disputes
	ActFindingResolve      Action = "finding.resolve"      // the enterprise marks findings fixed, accepted, disputed
	ActReportSign          Action = "report.sign"          // a provider signs the final assessment report
	ActAssessmentShare     Action = "assessment.share"     // the enterprise grants or revokes an insurer's view
	ActAssessmentAggregate Action = "assessment.aggregate" // aggregate scores by industry and size, within jurisdiction
	ActVulnFeedRead        Action = "vulnfeed.read"        // look up KEV membership and EPSS scores
	ActVulnFeedImport      Action = "vulnfeed.import"      // import KEV and EPSS files
	ActScoreRecompute      Action = "score.recompute"      // re-score every enterprise after a methodology change
	// Underwriting (issue #5): products, quotes, policies.
	ActProductRead     Action = "product.read"     // products: an insurer its own, others the published ones, within scope
	ActProductManage   Action = "product.manage"   // design products, clauses and rate tables of the own insurer
	ActQuoteRequest    Action = "quote.request"    // ask insurers for quotes for the own enterprise
	ActQuoteBind       Action = "quote.bind"       // accept a quote and ask to bind it (the enterprise's commitment)
	ActQuoteRead       Action = "quote.read"       // quotes: the enterprise's own, the insurer's own
	ActQuoteUnderwrite Action = "quote.underwrite" // decide referrals, edit options, manage contingencies, bind
	ActPolicyRead      Action = "policy.read"      // policies within scope (regulators: the registry of their jurisdiction)
	ActPolicyManage    Action = "policy.manage"    // endorse, cancel, reinstate, renew, park members, subsidies, notices
	ActPolicyDeclare   Action = "policy.declare"   // declare policies issued in the insurer's own core system
	ActRiskNotice      Action = "risk.notice"      // the insured notifies a significant increase in risk
	ActMandateManage   Action = "mandate.manage"   // the enterprise grants or revokes an intermediary's mandate to ask for quotes
	ActQuoteBroker     Action = "quote.broker"     // an intermediary asks for quotes for an enterprise that mandated it
	// Incidents, response and claims (issue #6).
	ActIncidentRead    Action = "incident.read"    // incidents: the enterprise its own, a provider those it reported or is dispatched to, an insurer those on its policies
	ActIncidentReport  Action = "incident.report"  // report and update an incident (the enterprise, or its provider on its behalf), record the statutory report
	ActDispatchRequest Action = "dispatch.request" // dispatch a provider of the policy's approved roster, notify the insurer
	ActDispatchRespond Action = "dispatch.respond" // a provider acknowledges, assigns, contains, closes; records services used
	ActEvidenceHandle  Action = "evidence.handle"  // register evidence and record its custody transfers
	ActClaimRead       Action = "claim.read"       // claims: the insured its own, the insurer its own
	ActClaimOpen       Action = "claim.open"       // open a claim from an incident, add and edit loss items
	ActClaimHandle     Action = "claim.handle"     // calculate, reserve, approve, pay, decline, reopen, record recoveries and ransom consent
	// Pilot administration and supervision (issue #7).
	ActPilotRead         Action = "pilot.read"         // batches, the published catalogue, published cases; plans and projects within scope
	ActBatchManage       Action = "batch.manage"       // create, open, close pilot batches (the operator and national regulators)
	ActPlanSubmit        Action = "plan.submit"        // draft, submit, withdraw a service plan led by the own organisation
	ActPlanRecommend     Action = "plan.recommend"     // a local regulator recommends (ranks, comments on) plans of its jurisdiction
	ActReviewAssign      Action = "review.assign"      // assign expert reviewers, record their affiliations, decide, publish the catalogue
	ActPlanReview        Action = "plan.review"        // an expert scores a plan assigned to them against the rubric
	ActProjectRegister   Action = "project.register"   // register a pilot project against a catalogue plan, keep its milestones
	ActProjectReport     Action = "project.report"     // fill and submit the periodic reports of a project one belongs to
	ActReportAcknowledge Action = "report.acknowledge" // a regulator acknowledges a periodic report within its jurisdiction
	ActCaseSubmit        Action = "case.submit"        // submit a good practice or typical case
	ActCaseReview        Action = "case.review"        // review, select and publish cases (the operator and national regulators)
	ActStatsRead         Action = "stats.read"         // supervision dashboards: regulators within jurisdiction, insurers their own book
	ActRetailDeclare     Action = "retail.declare"     // an insurer declares its retail-line (e.g. anti-fraud) aggregates by month
)

// writeActions change state; a read-scoped API token may not perform them.
var writeActions = map[Action]bool{
	ActOrgCreate: true, ActOrgApprove: true, ActOrgUpdate: true, ActUSCCOverride: true,
	ActUserManage: true, ActTokenManage: true, ActAccount: true, ActRiskProfileWrite: true,
	ActQuestionnaireAnswer: true, ActQuestionnaireAttest: true, ActEngagementManage: true,
	ActEngagementRespond: true, ActFindingWrite: true, ActFindingResolve: true, ActReportSign: true,
	ActAssessmentShare: true, ActVulnFeedImport: true, ActScoreRecompute: true,
	ActProductManage: true, ActQuoteRequest: true, ActQuoteBind: true, ActQuoteUnderwrite: true,
	ActPolicyManage: true, ActPolicyDeclare: true, ActRiskNotice: true, ActMandateManage: true, ActQuoteBroker: true,
	ActIncidentReport: true, ActDispatchRequest: true, ActDispatchRespond: true, ActEvidenceHandle: true,
	ActClaimOpen: true, ActClaimHandle: true,
	ActBatchManage: true, ActPlanSubmit: true, ActPlanRecommend: true, ActReviewAssign: true, ActPlanReview: true,
	ActProjectRegister: true, ActProjectReport: true, ActReportAcknowledge: true, ActCaseSubmit: true, ActCaseReview: true,
	ActRetailDeclare: true,
}

// IsWrite reports whether a changes state.
func (a Action) IsWrite() bool { return writeActions[a] }

// everyone is a role set meaning "every role of the kind".
var everyone = []Role{RoleAdmin, RoleUnderwriter, RoleClaimsHandler, RoleAnalyst, RoleReviewer, RoleAuditor, RoleMember}

// Permissions is the one table of kind × role → actions. Read it as
// "an organisation of this kind lets these roles do this action".
var Permissions = map[Action]map[OrgKind][]Role{
	ActOrgRead: {
		KindOperator: everyone, KindRegulator: everyone, KindInsurer: everyone,
		KindProvider: everyone, KindEnterprise: everyone,
	},
	ActOrgCreate:    {KindOperator: {RoleAdmin}},
	ActOrgApprove:   {KindOperator: {RoleAdmin}},
	ActUSCCOverride: {KindOperator: {RoleAdmin}},
	ActOrgUpdate: {
		KindOperator: {RoleAdmin}, KindRegulator: {RoleAdmin}, KindInsurer: {RoleAdmin},
		KindProvider: {RoleAdmin}, KindEnterprise: {RoleAdmin},
	},
	ActEnterpriseRead: {
		KindOperator:   {RoleAdmin, RoleAnalyst, RoleAuditor, RoleMember},
		KindRegulator:  everyone,
		KindInsurer:    {RoleAdmin, RoleUnderwriter, RoleClaimsHandler, RoleAnalyst},
		KindProvider:   everyone,
		KindEnterprise: everyone,
	},
	ActUserRead: {
		KindOperator: {RoleAdmin, RoleAuditor}, KindRegulator: {RoleAdmin, RoleAuditor},
		KindInsurer: {RoleAdmin, RoleAuditor}, KindProvider: {RoleAdmin}, KindEnterprise: {RoleAdmin},
	},
	ActUserManage: {
		KindOperator: {RoleAdmin}, KindRegulator: {RoleAdmin}, KindInsurer: {RoleAdmin},
		KindProvider: {RoleAdmin}, KindEnterprise: {RoleAdmin},
	},
	ActAuditRead: {
		KindOperator: {RoleAdmin, RoleAuditor}, KindRegulator: {RoleAdmin, RoleAuditor},
		KindInsurer: {RoleAdmin, RoleAuditor}, KindProvider: {RoleAdmin}, KindEnterprise: {RoleAdmin},
	},
	ActAuditVerify: {KindOperator: {RoleAdmin, RoleAuditor}},
	ActTokenManage: {
		KindOperator: everyone, KindRegulator: everyone, KindInsurer: everyone,
		KindProvider: everyone, KindEnterprise: everyone,
	},
	ActAccount: {
		KindOperator: everyone, KindRegulator: everyone, KindInsurer: everyone,
		KindProvider: everyone, KindEnterprise: everyone,
	},
	// The risk profile is read by whoever may read the enterprise (the store
	// applies the same organisation, jurisdiction and relationship scope:
	// insurers by consent, providers by engagement, regulators in their
	// jurisdiction). Expert reviewers are not among the operator's readers.
	ActRiskProfileRead: {
		KindOperator:   {RoleAdmin, RoleAnalyst, RoleAuditor, RoleMember},
		KindRegulator:  everyone,
		KindInsurer:    {RoleAdmin, RoleUnderwriter, RoleClaimsHandler, RoleAnalyst},
		KindProvider:   everyone,
		KindEnterprise: everyone,
	},
	// Only the enterprise itself edits its profile: it is the enterprise's own
	// declaration to insurers, so not even the operator changes it. Admins and
	// members both edit, because the members are the IT and security staff who
	// keep the inventory; the admin decides who is a member, and every change
	// is audited with its author. The store limits writes to the own enterprise.
	ActRiskProfileWrite: {KindEnterprise: {RoleAdmin, RoleMember}},
	// Assessments are the enterprise's own: providers see them by engagement,
	// insurers by the enterprise's consent (the store applies both through
	// relationships). Regulators see aggregates only, never one enterprise's
	// answers or findings.
	ActAssessmentRead: {
		KindOperator:   {RoleAdmin, RoleAnalyst, RoleAuditor},
		KindInsurer:    {RoleAdmin, RoleUnderwriter, RoleAnalyst},
		KindProvider:   everyone,
		KindEnterprise: everyone,
	},
	ActQuestionnaireAnswer: {KindEnterprise: {RoleAdmin, RoleMember}},
	// Attesting is a declaration on the enterprise's behalf: its admin only.
	ActQuestionnaireAttest: {KindEnterprise: {RoleAdmin}},
	ActEngagementManage:    {KindEnterprise: {RoleAdmin}},
	ActEngagementRespond:   {KindProvider: {RoleAdmin}},
	ActFindingWrite:        {KindProvider: {RoleAdmin, RoleAnalyst}},
	ActFindingResolve:      {KindEnterprise: {RoleAdmin, RoleMember}},
	ActReportSign:          {KindProvider: {RoleAdmin}},
	ActAssessmentShare:     {KindEnterprise: {RoleAdmin}},
	ActAssessmentAggregate: {KindOperator: {RoleAdmin, RoleAnalyst}, KindRegulator: everyone},
	ActVulnFeedRead: {
		KindOperator: everyone, KindRegulator: everyone, KindInsurer: everyone,
		KindProvider: everyone, KindEnterprise: everyone,
	},
	ActVulnFeedImport: {KindOperator: {RoleAdmin}},
	// Products: an insurer sees only its own (rate tables included); enterprises
	// and providers see published products without their rate tables; the
	// operator and regulators see every product, rate tables included, to audit them.
	ActProductRead: {
		KindOperator: {RoleAdmin, RoleAnalyst, RoleAuditor}, KindRegulator: everyone,
		KindInsurer: everyone, KindProvider: everyone, KindEnterprise: everyone,
	},
	ActProductManage: {KindInsurer: {RoleAdmin, RoleUnderwriter}},
	ActQuoteRequest:  {KindEnterprise: {RoleAdmin, RoleMember}},
	// Binding commits the enterprise to pay: its admin only.
	ActQuoteBind: {KindEnterprise: {RoleAdmin}},
	// Quotes are between one enterprise and one insurer; regulators see
	// statistics, never a quote.
	ActQuoteRead: {
		KindOperator:   {RoleAdmin, RoleAnalyst, RoleAuditor},
		KindInsurer:    {RoleAdmin, RoleUnderwriter, RoleAnalyst, RoleAuditor},
		KindEnterprise: everyone,
	},
	ActQuoteUnderwrite: {KindInsurer: {RoleAdmin, RoleUnderwriter}},
	// The policy registry: regulators within their jurisdiction, insurers their
	// own, enterprises their own and the park certificates they hold.
	ActPolicyRead: {
		KindOperator: {RoleAdmin, RoleAnalyst, RoleAuditor}, KindRegulator: everyone,
		KindInsurer:    {RoleAdmin, RoleUnderwriter, RoleClaimsHandler, RoleAnalyst, RoleAuditor},
		KindEnterprise: everyone,
	},
	ActPolicyManage:  {KindInsurer: {RoleAdmin, RoleUnderwriter}},
	ActPolicyDeclare: {KindInsurer: {RoleAdmin, RoleUnderwriter}},
	ActRiskNotice:    {KindEnterprise: {RoleAdmin}},
	// Intermediaries (insurer-kind organisations: brokers, agents) ask for
	// quotes for an enterprise only under its mandate, which the store checks.
	ActMandateManage:  {KindEnterprise: {RoleAdmin}},
	ActQuoteBroker:    {KindInsurer: {RoleAdmin, RoleUnderwriter}},
	ActScoreRecompute: {KindOperator: {RoleAdmin}},
	// Incidents are between the enterprise, the providers working on them and
	// the insurer of the policy they fall under; regulators see statistics
	// (issue #7), never an enterprise's incident file.
	ActIncidentRead: {
		KindInsurer:  {RoleAdmin, RoleClaimsHandler, RoleUnderwriter, RoleAnalyst},
		KindProvider: everyone, KindEnterprise: everyone,
	},
	ActIncidentReport:  {KindEnterprise: {RoleAdmin, RoleMember}, KindProvider: {RoleAdmin, RoleAnalyst}},
	ActDispatchRequest: {KindEnterprise: {RoleAdmin, RoleMember}, KindInsurer: {RoleAdmin, RoleClaimsHandler}},
	ActDispatchRespond: {KindProvider: {RoleAdmin, RoleAnalyst}},
	ActEvidenceHandle: {
		KindEnterprise: {RoleAdmin, RoleMember}, KindProvider: {RoleAdmin, RoleAnalyst},
		KindInsurer: {RoleAdmin, RoleClaimsHandler},
	},
	ActClaimRead: {
		KindInsurer:    {RoleAdmin, RoleClaimsHandler, RoleUnderwriter, RoleAnalyst, RoleAuditor},
		KindEnterprise: everyone,
	},
	// The insured files its claim; the insurer's handler may open one on the
	// insured's notice too.
	ActClaimOpen:   {KindEnterprise: {RoleAdmin}, KindInsurer: {RoleAdmin, RoleClaimsHandler}},
	ActClaimHandle: {KindInsurer: {RoleAdmin, RoleClaimsHandler}},
	// The pilot (issue #7). Batches, the published catalogue and published
	// cases are open to every logged-in user; the store scopes plans (their
	// consortium, the lead's local regulator after submission, assigned
	// experts, national bodies) and projects (their members and regulators).
	ActPilotRead: {
		KindOperator: everyone, KindRegulator: everyone, KindInsurer: everyone,
		KindProvider: everyone, KindEnterprise: everyone,
	},
	// The operator runs batches with the national regulators; the store
	// refuses a local regulator.
	ActBatchManage: {KindOperator: {RoleAdmin}, KindRegulator: {RoleAdmin}},
	// Service institutions lead consortia: insurers (with reinsurers,
	// intermediaries, insurtechs) and security providers (with telecom
	// operators, testing bodies, forensic institutions).
	ActPlanSubmit:        {KindInsurer: {RoleAdmin, RoleUnderwriter}, KindProvider: {RoleAdmin}},
	ActPlanRecommend:     {KindRegulator: {RoleAdmin}},
	ActReviewAssign:      {KindOperator: {RoleAdmin}},
	ActPlanReview:        {KindOperator: {RoleReviewer}},
	ActProjectRegister:   {KindRegulator: {RoleAdmin}, KindInsurer: {RoleAdmin, RoleUnderwriter}, KindProvider: {RoleAdmin}, KindEnterprise: {RoleAdmin}},
	ActProjectReport:     {KindRegulator: {RoleAdmin, RoleAnalyst}, KindInsurer: {RoleAdmin, RoleUnderwriter, RoleAnalyst}, KindProvider: {RoleAdmin, RoleAnalyst}, KindEnterprise: {RoleAdmin}},
	ActReportAcknowledge: {KindRegulator: {RoleAdmin, RoleAnalyst}},
	ActCaseSubmit:        {KindRegulator: {RoleAdmin}, KindInsurer: {RoleAdmin}, KindProvider: {RoleAdmin}, KindEnterprise: {RoleAdmin}},
	ActCaseReview:        {KindOperator: {RoleAdmin, RoleReviewer}, KindRegulator: {RoleAdmin}},
	// Dashboards: regulators everything within their jurisdiction, the
	// operator everything; an insurer sees its own book only, never another
	// insurer's figures; the loss ratio is for regulators and the operator.
	ActStatsRead: {
		KindOperator: {RoleAdmin, RoleAnalyst, RoleAuditor}, KindRegulator: everyone,
		KindInsurer: {RoleAdmin, RoleUnderwriter, RoleAnalyst},
	},
	ActRetailDeclare: {KindInsurer: {RoleAdmin, RoleUnderwriter}},
	// Not a write action: a read-scoped token may simulate.
	ActQuantRun: {
		KindOperator: everyone, KindRegulator: everyone, KindInsurer: everyone,
		KindProvider: everyone, KindEnterprise: everyone,
	},
}

// Can reports whether p may perform a at all (before row-level scope).
func Can(p *Principal, a Action) bool {
	if p == nil {
		return false
	}
	if p.System {
		return true
	}
	if p.Scopes != nil && a.IsWrite() && !slices.Contains(p.Scopes, ScopeWrite) {
		return false
	}
	roles := Permissions[a][p.OrgKind]
	for _, r := range p.Roles {
		if slices.Contains(roles, r) {
			return true
		}
	}
	return false
}

// Authorize returns nil if p may perform a, EUNAUTHORIZED for no principal and EFORBIDDEN otherwise.
func Authorize(p *Principal, a Action) error {
	if p == nil {
		return Errorf(EUNAUTHORIZED, "error.unauthorized")
	}
	if !Can(p, a) {
		return Errorf(EFORBIDDEN, "error.forbidden")
	}
	return nil
}
