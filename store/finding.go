package store

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cvss"
	"github.com/anbao/anbao/vulnfeed"
)

// Findings (issue #4, item 3) are recorded by the engaged provider while its
// engagement is active. Reads follow the engagement's scope; a provider sees
// only its own engagements' findings, and only while its engagement
// relationship with the enterprise is open. KEV membership and EPSS are not
// stored: they are looked up from the imported feeds when findings are read.

// Finding types, severities and statuses. The statuses are those of the
// score engine (package assess).
var (
	FindingTypes      = []string{"vulnerability", "misconfiguration", "exposure", "policy"}
	FindingSeverities = []string{"critical", "high", "medium", "low", "info"}
	FindingStatuses   = []string{StatusOpen, StatusFixedPending, StatusFixed, StatusAcceptedRisk, StatusThirdParty,
		StatusFalsePositive, StatusDisputed}
)

const (
	StatusOpen          = "open"
	StatusFixedPending  = "fixed_pending_verification"
	StatusFixed         = "fixed"
	StatusAcceptedRisk  = "accepted_risk"
	StatusThirdParty    = "third_party"
	StatusFalsePositive = "false_positive"
	StatusDisputed      = "disputed"
)

// Bounds of one finding.
const (
	MaxFindingsPerEngagement = 2000
	maxVulnIDs               = 20
)

// Finding is one finding of a provider's assessment.
type Finding struct {
	ID             int64    `json:"id"`
	EngagementID   int64    `json:"engagement_id"`
	EnterpriseID   int64    `json:"enterprise_id"`
	ProviderID     int64    `json:"provider_id"`
	Type           string   `json:"type"`
	AssetID        *int64   `json:"asset_id,omitempty"`
	Asset          string   `json:"asset"` // the free text, or the asset's value when AssetID is set
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	Severity       string   `json:"severity"`
	CVE            []string `json:"cve"`
	CNVD           []string `json:"cnvd"`
	CNNVD          []string `json:"cnnvd"`
	CVSSVector     string   `json:"cvss_vector,omitempty"`
	CVSSVersion    string   `json:"cvss_version,omitempty"`
	CVSSScore      *float64 `json:"cvss_score,omitempty"`
	InternetFacing bool     `json:"internet_facing"`
	Remediation    string   `json:"remediation"`
	Status         string   `json:"status"`
	// PendingStatus is a waiver of a critical finding the provider has yet to review.
	PendingStatus string `json:"pending_status,omitempty"`
	// ReviewDueAt is the SLA deadline of a dispute or a pending waiver; Overdue when passed.
	ReviewDueAt string `json:"review_due_at,omitempty"`
	Overdue     bool   `json:"overdue,omitempty"`
	// From the imported feeds at read time, over the finding's CVEs.
	KEV             bool     `json:"kev"`
	KEVDateAdded    string   `json:"kev_date_added,omitempty"`
	KnownRansomware bool     `json:"known_ransomware,omitempty"`
	EPSS            *float64 `json:"epss,omitempty"`
	EPSSPercentile  *float64 `json:"epss_percentile,omitempty"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
	Version         int      `json:"version"`
	// Filled by GetFinding.
	Events   []*FindingEvent `json:"events,omitempty"`
	Evidence []*EvidenceFile `json:"evidence,omitempty"`
}

// FindingInput is what the provider gives to record or replace a finding.
// Severity may be left empty when a CVSS vector is given: it follows the score.
type FindingInput struct {
	Type           string   `json:"type"`
	AssetID        *int64   `json:"asset_id,omitempty"`
	Asset          string   `json:"asset,omitempty"`
	Title          string   `json:"title"`
	Description    string   `json:"description,omitempty"`
	Severity       string   `json:"severity,omitempty"`
	CVE            []string `json:"cve,omitempty"`
	CNVD           []string `json:"cnvd,omitempty"`
	CNNVD          []string `json:"cnnvd,omitempty"`
	CVSSVector     string   `json:"cvss_vector,omitempty"`
	InternetFacing bool     `json:"internet_facing,omitempty"`
	Remediation    string   `json:"remediation,omitempty"`
	// Version must equal the stored version when replacing; 0 skips the check.
	Version int `json:"version,omitempty"`
}

// Input returns the finding as an input, the base of a partial update.
func (f *Finding) Input() FindingInput {
	in := FindingInput{Type: f.Type, AssetID: f.AssetID, Title: f.Title, Description: f.Description,
		Severity: f.Severity, CVE: f.CVE, CNVD: f.CNVD, CNNVD: f.CNNVD, CVSSVector: f.CVSSVector,
		InternetFacing: f.InternetFacing, Remediation: f.Remediation}
	if f.AssetID == nil {
		in.Asset = f.Asset
	}
	return in
}

// normalizedFinding is a checked input with the computed CVSS fields.
type normalizedFinding struct {
	FindingInput
	cvssVersion string
	cvssScore   *float64
}

// CVSSError maps a cvss fault to a field error with its message key.
func CVSSError(err error) *anbao.Error {
	var ce *cvss.Error
	if !errors.As(err, &ce) {
		return anbao.FieldError("cvss_vector", "finding.cvss.invalid")
	}
	key := "finding." + ce.Code // finding.cvss.value, …
	switch ce.Code {
	case cvss.CodeEmpty, cvss.CodePrefix, cvss.CodeVersion, cvss.CodeInvalid:
		return anbao.FieldError("cvss_vector", key)
	case cvss.CodeTooLong:
		return anbao.FieldError("cvss_vector", key, cvss.MaxLength)
	case cvss.CodeSyntax:
		return anbao.FieldError("cvss_vector", key, ce.Position)
	case cvss.CodeUnknownMetric, cvss.CodeValue, cvss.CodeDuplicate, cvss.CodeMissing, cvss.CodeOrder:
		return anbao.FieldError("cvss_vector", key, ce.Metric)
	}
	return anbao.FieldError("cvss_vector", "finding.cvss.invalid")
}

// normVulnIDs trims, upper-cases, deduplicates and checks a list of ids.
func normVulnIDs(field string, ids []string, valid func(string) bool) ([]string, error) {
	out := []string{}
	for _, id := range ids {
		id = strings.ToUpper(strings.TrimSpace(id))
		if id == "" || slices.Contains(out, id) {
			continue
		}
		if !valid(id) {
			return nil, anbao.FieldError(field, "finding."+field+"_invalid", id)
		}
		out = append(out, id)
	}
	if len(out) > maxVulnIDs {
		return nil, anbao.FieldError(field, "finding.too_many_ids", field, maxVulnIDs)
	}
	return out, nil
}

// NormalizeFinding checks a finding input; it reads no database.
func NormalizeFinding(in FindingInput) (*normalizedFinding, error) {
	n := &normalizedFinding{FindingInput: in}
	var err error
	n.Type = strings.TrimSpace(n.Type)
	if !slices.Contains(FindingTypes, n.Type) {
		return nil, anbao.FieldError("type", "finding.type_invalid", n.Type)
	}
	if n.Title, err = trimText("title", n.Title, 2, 200); err != nil {
		return nil, err
	}
	if n.Description, err = trimText("description", n.Description, 0, 10000); err != nil {
		return nil, err
	}
	if n.Remediation, err = trimText("remediation", n.Remediation, 0, 5000); err != nil {
		return nil, err
	}
	if n.Asset, err = trimText("asset", n.Asset, 0, 500); err != nil {
		return nil, err
	}
	if n.AssetID != nil && n.Asset != "" {
		return nil, anbao.FieldError("asset", "finding.asset_both")
	}
	if n.CVE, err = normVulnIDs("cve", n.CVE, vulnfeed.ValidCVE); err != nil {
		return nil, err
	}
	if n.CNVD, err = normVulnIDs("cnvd", n.CNVD, vulnfeed.ValidCNVD); err != nil {
		return nil, err
	}
	if n.CNNVD, err = normVulnIDs("cnnvd", n.CNNVD, vulnfeed.ValidCNNVD); err != nil {
		return nil, err
	}
	n.Severity = strings.ToLower(strings.TrimSpace(n.Severity))
	n.CVSSVector = strings.TrimSpace(n.CVSSVector)
	if n.CVSSVector != "" {
		v, err := cvss.Parse(n.CVSSVector)
		if err != nil {
			return nil, CVSSError(err)
		}
		if v.Version == cvss.V30 {
			return nil, anbao.FieldError("cvss_vector", "finding.cvss.version")
		}
		n.CVSSVector, n.cvssVersion = v.String(), string(v.Version)
		score := v.Score
		n.cvssScore = &score
		if n.Severity == "" {
			n.Severity = strings.ToLower(string(cvss.SeverityOf(score)))
			if n.Severity == "none" {
				n.Severity = "info"
			}
		}
	}
	if n.Severity == "" {
		return nil, anbao.FieldError("severity", "finding.severity_required")
	}
	if !slices.Contains(FindingSeverities, n.Severity) {
		return nil, anbao.FieldError("severity", "finding.severity_invalid", n.Severity)
	}
	return n, nil
}

const findingColumns = `f.id, f.engagement_id, f.enterprise_id, f.provider_id, f.type, f.asset_id, f.asset_text,
	COALESCE(a.value, ''), f.title, f.description, f.severity, f.cve_ids, f.cnvd_ids, f.cnnvd_ids, f.cvss_vector,
	f.cvss_version, f.cvss_score, f.internet_facing, f.remediation, f.status, f.pending_status, f.review_due_at,
	f.created_at, f.updated_at, f.version`

const findingFrom = ` FROM findings f JOIN engagements e ON e.id = f.engagement_id LEFT JOIN assets a ON a.id = f.asset_id`

func (s *Store) scanFinding(sc scanner) (*Finding, error) {
	f := &Finding{}
	var assetText, assetValue, cves, cnvds, cnnvds string
	err := sc.Scan(&f.ID, &f.EngagementID, &f.EnterpriseID, &f.ProviderID, &f.Type, &f.AssetID, &assetText, &assetValue,
		&f.Title, &f.Description, &f.Severity, &cves, &cnvds, &cnnvds, &f.CVSSVector, &f.CVSSVersion, &f.CVSSScore,
		&f.InternetFacing, &f.Remediation, &f.Status, &f.PendingStatus, &f.ReviewDueAt, &f.CreatedAt, &f.UpdatedAt, &f.Version)
	if err != nil {
		return nil, err
	}
	f.Asset = assetText
	if f.AssetID != nil {
		f.Asset = assetValue
	}
	f.CVE, f.CNVD, f.CNNVD = splitIDs(cves), splitIDs(cnvds), splitIDs(cnnvds)
	f.Overdue = f.ReviewDueAt != "" && s.now() > f.ReviewDueAt
	return f, nil
}

func splitIDs(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// FindingFilter selects findings of an engagement.
type FindingFilter struct {
	Status   string
	Severity string
	anbao.Page
}

// ListFindings lists an engagement's findings, most severe first, enriched
// with KEV and EPSS from the imported feeds. The signed report reads them here.
func (s *Store) ListFindings(ctx context.Context, engagementID int64, ff FindingFilter) (*ItemList[*Finding], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAssessmentRead); err != nil {
		return nil, err
	}
	var w where
	w.add("e.id = ?", engagementID)
	engagementScope(p, &w, true)
	var one int
	if err := s.read.QueryRowContext(ctx, "SELECT 1 FROM engagements e"+w.String(), w.args...).Scan(&one); err != nil {
		if isNoRows(err) {
			return nil, anbao.ErrNotFound("engagement")
		}
		return nil, err
	}
	ff.Page = ff.Page.Normalize()
	if ff.Status != "" {
		if !slices.Contains(FindingStatuses, ff.Status) {
			return nil, anbao.FieldError("status", "finding.status_invalid", ff.Status)
		}
		w.add("f.status = ?", ff.Status)
	}
	if ff.Severity != "" {
		if !slices.Contains(FindingSeverities, ff.Severity) {
			return nil, anbao.FieldError("severity", "finding.severity_invalid", ff.Severity)
		}
		w.add("f.severity = ?", ff.Severity)
	}
	list := &ItemList[*Finding]{Items: []*Finding{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+findingFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + findingColumns + findingFrom + w.String() + ` ORDER BY CASE f.severity WHEN 'critical' THEN 0
		WHEN 'high' THEN 1 WHEN 'medium' THEN 2 WHEN 'low' THEN 3 ELSE 4 END, f.id LIMIT ` + w.next(ff.Limit) + " OFFSET " + w.next(ff.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		f, err := s.scanFinding(sc)
		if err == nil {
			list.Items = append(list.Items, f)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return list, s.enrichFindings(ctx, list.Items)
}

// GetFinding returns one finding with its history and evidence files.
func (s *Store) GetFinding(ctx context.Context, id int64) (*Finding, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAssessmentRead); err != nil {
		return nil, err
	}
	f, err := s.getFinding(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	if err := s.enrichFindings(ctx, []*Finding{f}); err != nil {
		return nil, err
	}
	if f.Events, err = s.listFindingEvents(ctx, id); err != nil {
		return nil, err
	}
	f.Evidence, err = s.listEvidence(ctx, "finding_id = $1", id)
	return f, err
}

func (s *Store) getFinding(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*Finding, error) {
	var w where
	w.add("f.id = ?", id)
	engagementScope(p, &w, true)
	if lock != "" {
		lock = " FOR UPDATE OF f"
	}
	f, err := s.scanFinding(db.QueryRowContext(ctx, "SELECT "+findingColumns+findingFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("finding")
	}
	return f, err
}

// enrichFindings sets KEV and EPSS from the imported feeds.
func (s *Store) enrichFindings(ctx context.Context, fs []*Finding) error {
	var cves []string
	for _, f := range fs {
		cves = append(cves, f.CVE...)
	}
	if len(cves) == 0 {
		return nil
	}
	slices.Sort(cves)
	intel, err := s.VulnIntel(ctx, slices.Compact(cves))
	if err != nil {
		return err
	}
	for _, f := range fs {
		for _, c := range f.CVE {
			vi, ok := intel[c]
			if !ok {
				continue
			}
			applyIntel(f, vi)
		}
	}
	return nil
}

// providerEngagement loads an engagement for a provider's write on its
// findings: its own engagement only (else not found), in a state that allows it.
func (s *Store) providerEngagement(t *tx, p *anbao.Principal, id int64, states ...EngagementStatus) (*Engagement, error) {
	e, err := s.getEngagement(t.ctx, t, p, id, t.forUpdate())
	if err != nil {
		return nil, err
	}
	if !p.System && p.OrgID != e.ProviderID {
		return nil, anbao.ErrNotFound("engagement")
	}
	if !slices.Contains(states, e.Status) {
		return nil, anbao.Errorf(anbao.ECONFLICT, "finding.engagement_state", e.Status)
	}
	return e, nil
}

// checkAsset checks that assetID is an asset of the enterprise and returns its internet-facing flag.
func (t *tx) checkAsset(enterpriseID int64, assetID *int64) (bool, error) {
	if assetID == nil {
		return false, nil
	}
	var inet bool
	err := t.QueryRowContext(t.ctx, "SELECT internet_facing FROM assets WHERE id = $1 AND enterprise_id = $2", *assetID, enterpriseID).Scan(&inet)
	if isNoRows(err) {
		return false, anbao.FieldError("asset_id", "finding.asset_unknown", *assetID)
	}
	return inet, err
}

// CreateFinding records a finding on an active engagement: its provider's admins and analysts only.
func (s *Store) CreateFinding(ctx context.Context, engagementID int64, in FindingInput) (*Finding, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActFindingWrite); err != nil {
		return nil, err
	}
	n, err := NormalizeFinding(in)
	if err != nil {
		return nil, err
	}
	var out *Finding
	err = s.inTx(ctx, func(t *tx) error {
		e, err := s.providerEngagement(t, p, engagementID, EngActive)
		if err != nil {
			return err
		}
		inet, err := t.checkAsset(e.EnterpriseID, n.AssetID)
		if err != nil {
			return err
		}
		var count int
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM findings WHERE engagement_id = $1", e.ID).Scan(&count); err != nil {
			return err
		}
		if count >= MaxFindingsPerEngagement {
			return anbao.Errorf(anbao.ECONFLICT, "finding.limit", MaxFindingsPerEngagement)
		}
		now := s.now()
		var id int64
		if err := t.QueryRowContext(ctx, `INSERT INTO findings (engagement_id, enterprise_id, provider_id, type, asset_id,
			asset_text, title, description, severity, cve_ids, cnvd_ids, cnnvd_ids, cvss_vector, cvss_version, cvss_score,
			internet_facing, remediation, status, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$19) RETURNING id`,
			e.ID, e.EnterpriseID, e.ProviderID, n.Type, n.AssetID, n.Asset, n.Title, n.Description, n.Severity,
			strings.Join(n.CVE, ","), strings.Join(n.CNVD, ","), strings.Join(n.CNNVD, ","), n.CVSSVector, n.cvssVersion,
			n.cvssScore, n.InternetFacing || inet, n.Remediation, StatusOpen, now).Scan(&id); err != nil {
			return err
		}
		f, err := s.getFinding(ctx, t, p, id, "")
		if err != nil {
			return err
		}
		if _, err := t.addEvent(f.ID, "create", "", StatusOpen, "", ""); err != nil {
			return err
		}
		out = f
		return t.audit(auditChange{"finding.create", "finding", f.ID, f.EnterpriseID, nil, f})
	})
	if err != nil {
		return nil, err
	}
	return out, s.enrichFindings(ctx, []*Finding{out})
}

// UpdateFinding replaces a finding's recorded facts (not its status): its
// provider, while the engagement is active or completed.
func (s *Store) UpdateFinding(ctx context.Context, id int64, in FindingInput) (*Finding, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActFindingWrite); err != nil {
		return nil, err
	}
	n, err := NormalizeFinding(in)
	if err != nil {
		return nil, err
	}
	var out *Finding
	err = s.inTx(ctx, func(t *tx) error {
		f, err := s.getFinding(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		if _, err := s.providerEngagement(t, p, f.EngagementID, EngActive, EngCompleted); err != nil {
			return err
		}
		if err := checkVersion(in.Version, f.Version); err != nil {
			return err
		}
		inet, err := t.checkAsset(f.EnterpriseID, n.AssetID)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := t.ExecContext(ctx, `UPDATE findings SET type = $1, asset_id = $2, asset_text = $3, title = $4,
			description = $5, severity = $6, cve_ids = $7, cnvd_ids = $8, cnnvd_ids = $9, cvss_vector = $10, cvss_version = $11,
			cvss_score = $12, internet_facing = $13, remediation = $14, updated_at = $15, version = version + 1 WHERE id = $16`,
			n.Type, n.AssetID, n.Asset, n.Title, n.Description, n.Severity, strings.Join(n.CVE, ","), strings.Join(n.CNVD, ","),
			strings.Join(n.CNNVD, ","), n.CVSSVector, n.cvssVersion, n.cvssScore, n.InternetFacing || inet, n.Remediation, now, f.ID); err != nil {
			return err
		}
		g, err := s.getFinding(ctx, t, p, id, "")
		if err != nil {
			return err
		}
		if _, err := t.addEvent(f.ID, "update", f.Status, g.Status, "", ""); err != nil {
			return err
		}
		out = g
		return t.audit(auditChange{"finding.update", "finding", f.ID, f.EnterpriseID, f, g})
	})
	if err != nil {
		return nil, err
	}
	return out, s.enrichFindings(ctx, []*Finding{out})
}
