package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anbao/anbao"
)

// Engagements (issue #4, item 3): an enterprise's admin engages an active
// provider with a scope, a test window and a written authorisation (授权书).
// Lifecycle: requested → accepted (active from the window's first day) or
// declined; accepted → completed by the provider; requested, accepted or
// completed → ended by the enterprise at any time. Accepting opens the
// provider's engagement relationship (which lets it see the enterprise);
// ending closes it unless another open engagement of the same provider holds it.

// EngagementStatus is where an engagement stands.
type EngagementStatus string

const (
	EngRequested EngagementStatus = "requested"
	EngAccepted  EngagementStatus = "accepted" // accepted, the window not yet started
	EngActive    EngagementStatus = "active"   // accepted and the window has started (derived, never stored)
	EngDeclined  EngagementStatus = "declined"
	EngCompleted EngagementStatus = "completed"
	EngEnded     EngagementStatus = "ended"
)

// Engagement is one provider engagement on an enterprise.
type Engagement struct {
	ID             int64            `json:"id"`
	EnterpriseID   int64            `json:"enterprise_id"`
	EnterpriseName string           `json:"enterprise_name"`
	ProviderID     int64            `json:"provider_id"`
	ProviderName   string           `json:"provider_name"`
	Status         EngagementStatus `json:"status"`
	// Scope names the assets and systems in scope; TestTypes the kinds of test allowed.
	Scope       string `json:"scope"`
	TestTypes   string `json:"test_types"`
	WindowStart string `json:"window_start"` // YYYY-MM-DD, Beijing
	WindowEnd   string `json:"window_end"`
	// The written authorisation: its text, who signed it for the enterprise and when.
	AuthorisationText string `json:"authorisation_text"`
	AuthorisedBy      string `json:"authorised_by"`
	AuthorisedAt      string `json:"authorised_at"`
	RequestedBy       string `json:"requested_by"`
	ResponseReason    string `json:"response_reason,omitempty"`
	RespondedAt       string `json:"responded_at,omitempty"`
	CompletedAt       string `json:"completed_at,omitempty"`
	EndedAt           string `json:"ended_at,omitempty"`
	CreatedAt         string `json:"created_at"`
	UpdatedAt         string `json:"updated_at"`
	Version           int    `json:"version"`
	// Evidence lists the files attached to the engagement (the signed authorisation); filled by GetEngagement.
	Evidence []*EvidenceFile `json:"evidence,omitempty"`
}

// EngagementInput is what the enterprise gives to engage a provider.
type EngagementInput struct {
	ProviderID        int64  `json:"provider_id"`
	Scope             string `json:"scope"`
	TestTypes         string `json:"test_types,omitempty"`
	WindowStart       string `json:"window_start"`
	WindowEnd         string `json:"window_end"`
	AuthorisationText string `json:"authorisation_text"`
	AuthorisedBy      string `json:"authorised_by"`
	// Authorisation is an optional scan of the signed authorisation, stored as evidence.
	Authorisation *EvidenceUpload `json:"-"`
}

// EngagementFilter selects engagements; zero values select everything in scope.
type EngagementFilter struct {
	EnterpriseID int64
	Status       EngagementStatus
	anbao.Page
}

// MaxEngagementWindowDays bounds a test window: a year.
const MaxEngagementWindowDays = 366

const engagementColumns = `e.id, e.enterprise_id, oe.name_zh, e.provider_id, op.name_zh, e.status, e.scope, e.test_types,
	e.window_start, e.window_end, e.authorisation_text, e.authorised_by, e.authorised_at, e.requested_by, e.response_reason,
	e.responded_at, e.completed_at, e.ended_at, e.created_at, e.updated_at, e.version`

const engagementFrom = ` FROM engagements e JOIN organisations oe ON oe.id = e.enterprise_id JOIN organisations op ON op.id = e.provider_id`

func (s *Store) scanEngagement(sc scanner) (*Engagement, error) {
	e := &Engagement{}
	err := sc.Scan(&e.ID, &e.EnterpriseID, &e.EnterpriseName, &e.ProviderID, &e.ProviderName, &e.Status, &e.Scope,
		&e.TestTypes, &e.WindowStart, &e.WindowEnd, &e.AuthorisationText, &e.AuthorisedBy, &e.AuthorisedAt, &e.RequestedBy,
		&e.ResponseReason, &e.RespondedAt, &e.CompletedAt, &e.EndedAt, &e.CreatedAt, &e.UpdatedAt, &e.Version)
	if err != nil {
		return nil, err
	}
	if e.Status == EngAccepted && s.today() >= e.WindowStart {
		e.Status = EngActive
	}
	return e, nil
}

// engagementScope restricts a query on engagements (alias e) to those p may
// read: the enterprise its own, a provider those it is party to while they
// are requested or its engagement relationship is open, an insurer those of
// enterprises that share their assessment with it, the operator's readers all.
func engagementScope(p *anbao.Principal, w *where, findings bool) {
	if p.System || p.OrgKind == anbao.KindOperator {
		return
	}
	switch p.OrgKind {
	case anbao.KindEnterprise:
		w.add("e.enterprise_id = ?", p.OrgID)
	case anbao.KindProvider:
		// A provider sees a request addressed to it, and otherwise only while
		// its engagement with the enterprise is open: once ended, the
		// engagement, its authorisation and its findings are closed to it.
		w.add("e.provider_id = ?", p.OrgID)
		open := `EXISTS (SELECT 1 FROM relationships r WHERE r.party_org_id = ? AND r.enterprise_id = e.enterprise_id
			AND r.kind = 'engagement' AND r.ended_at = '' AND r.assessment)`
		if findings {
			w.add(open, p.OrgID)
		} else {
			w.add("(e.status = 'requested' OR "+open+")", p.OrgID)
		}
	case anbao.KindInsurer:
		w.add(`EXISTS (SELECT 1 FROM relationships r WHERE r.party_org_id = ? AND r.enterprise_id = e.enterprise_id
			AND r.kind = 'consent' AND r.ended_at = '' AND r.assessment)`, p.OrgID)
	default:
		w.add("1 = 0")
	}
}

// ListEngagements lists the engagements p may see, newest first: an
// enterprise's own, a provider's own (its work list), all for the operator.
func (s *Store) ListEngagements(ctx context.Context, f EngagementFilter) (*ItemList[*Engagement], error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAssessmentRead); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	engagementScope(p, &w, false)
	if f.EnterpriseID != 0 {
		if err := s.readableAssessment(ctx, s.read, p, f.EnterpriseID); err != nil {
			return nil, err
		}
		w.add("e.enterprise_id = ?", f.EnterpriseID)
	}
	switch f.Status {
	case "":
	case EngActive:
		w.add("e.status = 'accepted' AND e.window_start <= ?", s.today())
	case EngAccepted:
		w.add("e.status = 'accepted' AND e.window_start > ?", s.today())
	case EngRequested, EngDeclined, EngCompleted, EngEnded:
		w.add("e.status = ?", string(f.Status))
	default:
		return nil, anbao.FieldError("status", "eng.status_invalid", f.Status)
	}
	list := &ItemList[*Engagement]{Items: []*Engagement{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+engagementFrom+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + engagementColumns + engagementFrom + w.String() + " ORDER BY e.id DESC LIMIT " + w.next(f.Limit) +
		" OFFSET " + w.next(f.Offset)
	err := eachRow(ctx, s.read, q, w.args, func(sc scanner) error {
		e, err := s.scanEngagement(sc)
		if err == nil {
			list.Items = append(list.Items, e)
		}
		return err
	})
	return list, err
}

// GetEngagement returns one engagement with its evidence files; any engagement
// p may not see is not found.
func (s *Store) GetEngagement(ctx context.Context, id int64) (*Engagement, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAssessmentRead); err != nil {
		return nil, err
	}
	e, err := s.getEngagement(ctx, s.read, p, id, "")
	if err != nil {
		return nil, err
	}
	e.Evidence, err = s.listEvidence(ctx, "engagement_id = $1 AND finding_id IS NULL", id)
	return e, err
}

func (s *Store) getEngagement(ctx context.Context, db queryer, p *anbao.Principal, id int64, lock string) (*Engagement, error) {
	var w where
	w.add("e.id = ?", id)
	engagementScope(p, &w, false)
	if lock != "" {
		lock = " FOR UPDATE OF e"
	}
	e, err := s.scanEngagement(db.QueryRowContext(ctx, "SELECT "+engagementColumns+engagementFrom+w.String()+lock, w.args...))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("engagement")
	}
	return e, err
}

// trimText trims v and checks its length in characters.
func trimText(field, v string, min, max int) (string, error) {
	v = strings.TrimSpace(v)
	n := utf8.RuneCountInString(v)
	if n < min {
		return "", anbao.FieldError(field, "error.required", field)
	}
	if n > max {
		return "", anbao.FieldError(field, "error.too_long", field, max)
	}
	return v, nil
}

func (s *Store) normalizeEngagement(in *EngagementInput) error {
	var err error
	if in.ProviderID <= 0 {
		return anbao.FieldError("provider_id", "eng.provider_required")
	}
	if in.Scope, err = trimText("scope", in.Scope, 2, 2000); err != nil {
		return err
	}
	if in.TestTypes, err = trimText("test_types", in.TestTypes, 0, 500); err != nil {
		return err
	}
	if in.AuthorisationText, err = trimText("authorisation_text", in.AuthorisationText, 10, 10000); err != nil {
		if e, ok := err.(*anbao.Error); ok && e.Key == "error.required" {
			return anbao.FieldError("authorisation_text", "eng.authorisation_required")
		}
		return err
	}
	if in.AuthorisedBy, err = trimText("authorised_by", in.AuthorisedBy, 2, 100); err != nil {
		return err
	}
	start, err := time.Parse(time.DateOnly, strings.TrimSpace(in.WindowStart))
	if err != nil {
		return anbao.FieldError("window_start", "eng.date_format", in.WindowStart)
	}
	end, err := time.Parse(time.DateOnly, strings.TrimSpace(in.WindowEnd))
	if err != nil {
		return anbao.FieldError("window_end", "eng.date_format", in.WindowEnd)
	}
	in.WindowStart, in.WindowEnd = start.Format(time.DateOnly), end.Format(time.DateOnly)
	if in.WindowStart < s.today() {
		return anbao.FieldError("window_start", "eng.window_past", in.WindowStart)
	}
	if end.Before(start) {
		return anbao.FieldError("window_end", "eng.window_order", in.WindowEnd, in.WindowStart)
	}
	if end.Sub(start) > MaxEngagementWindowDays*24*time.Hour {
		return anbao.FieldError("window_end", "eng.window_too_long", MaxEngagementWindowDays)
	}
	return nil
}

// MayManageEngagements checks, before a body is read, that p may engage
// providers for enterprise id: its own admin only.
func MayManageEngagements(p *anbao.Principal, id int64) error {
	if err := anbao.Authorize(p, anbao.ActEngagementManage); err != nil {
		return err
	}
	if !p.System && p.OrgID != id {
		return anbao.ErrNotFound("enterprise")
	}
	return nil
}

// CreateEngagement records the enterprise's request to an active provider,
// with its authorisation (and the optional scan of it) in one transaction.
func (s *Store) CreateEngagement(ctx context.Context, enterpriseID int64, in EngagementInput) (*Engagement, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayManageEngagements(p, enterpriseID); err != nil {
		return nil, err
	}
	if err := s.normalizeEngagement(&in); err != nil {
		return nil, err
	}
	var up *checkedUpload
	if in.Authorisation != nil {
		var err error
		if up, err = checkUpload(in.Authorisation); err != nil {
			return nil, err
		}
	}
	var out *Engagement
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		var kind anbao.OrgKind
		var status, name string
		err := t.QueryRowContext(ctx, "SELECT kind, status, name_zh FROM organisations WHERE id = $1", in.ProviderID).Scan(&kind, &status, &name)
		if isNoRows(err) || (err == nil && kind != anbao.KindProvider) {
			return anbao.FieldError("provider_id", "eng.not_provider", in.ProviderID)
		}
		if err != nil {
			return err
		}
		if status != string(anbao.OrgActive) {
			// Inactive organisations are hidden from other tenants: say no more
			// than for one that does not exist.
			return anbao.FieldError("provider_id", "eng.not_provider", in.ProviderID)
		}
		now := s.now()
		who := principalName(p)
		var id int64
		if err := t.QueryRowContext(ctx, `INSERT INTO engagements (enterprise_id, provider_id, status, scope, test_types,
			window_start, window_end, authorisation_text, authorised_by, authorised_at, requested_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12) RETURNING id`, enterpriseID, in.ProviderID, string(EngRequested),
			in.Scope, in.TestTypes, in.WindowStart, in.WindowEnd, in.AuthorisationText, in.AuthorisedBy, now, who, now).Scan(&id); err != nil {
			return err
		}
		e, err := s.getEngagement(ctx, t, p, id, "")
		if err != nil {
			return err
		}
		if err := t.audit(auditChange{"engagement.create", "engagement", id, enterpriseID, nil, e}); err != nil {
			return err
		}
		if up != nil {
			ev, err := t.insertEvidence(up, enterpriseID, id, nil, nil)
			if err != nil {
				return err
			}
			e.Evidence = []*EvidenceFile{ev}
		}
		out = e
		return nil
	})
	return out, err
}

func principalName(p *anbao.Principal) string {
	if p == nil {
		return ""
	}
	return p.Username
}

// EngagementAction is a step of the lifecycle.
type EngagementAction string

const (
	EngActAccept   EngagementAction = "accept"   // provider admin: requested → accepted
	EngActDecline  EngagementAction = "decline"  // provider admin: requested → declined (reason required)
	EngActComplete EngagementAction = "complete" // provider admin: active → completed
	EngActEnd      EngagementAction = "end"      // enterprise admin: requested, accepted, completed → ended
)

// ActEngagement moves an engagement one step of its lifecycle. A provider
// acting on another provider's engagement, or an enterprise on another's,
// gets not found; a step the state does not allow is a conflict.
func (s *Store) ActEngagement(ctx context.Context, id int64, act EngagementAction, reason string) (*Engagement, error) {
	p := anbao.PrincipalFrom(ctx)
	need := anbao.ActEngagementRespond
	switch act {
	case EngActAccept, EngActDecline, EngActComplete:
	case EngActEnd:
		need = anbao.ActEngagementManage
	default:
		return nil, anbao.FieldError("action", "eng.action_invalid", act)
	}
	if err := anbao.Authorize(p, need); err != nil {
		return nil, err
	}
	reason, err := trimText("reason", reason, 0, 1000)
	if err != nil {
		return nil, err
	}
	if act == EngActDecline && utf8.RuneCountInString(reason) < 2 {
		return nil, anbao.FieldError("reason", "error.required", "reason")
	}
	var out *Engagement
	err = s.inTx(ctx, func(t *tx) error {
		e, err := s.getEngagement(ctx, t, p, id, t.forUpdate())
		if err != nil {
			return err
		}
		// Only the party the step belongs to; the other party reads it but may not act.
		if !p.System && ((need == anbao.ActEngagementRespond && p.OrgID != e.ProviderID) ||
			(need == anbao.ActEngagementManage && p.OrgID != e.EnterpriseID)) {
			return anbao.ErrNotFound("engagement")
		}
		before := *e
		now := s.now()
		var set string
		var args []any
		switch act {
		case EngActAccept, EngActDecline:
			if e.Status != EngRequested {
				return anbao.Errorf(anbao.ECONFLICT, "eng.state", act, e.Status)
			}
			if act == EngActAccept && e.WindowEnd < s.today() {
				return anbao.Errorf(anbao.ECONFLICT, "eng.window_over", e.WindowEnd)
			}
			next := EngAccepted
			if act == EngActDecline {
				next = EngDeclined
			}
			set, args = "status = $1, response_reason = $2, responded_at = $3", []any{string(next), reason, now}
			e.Status, e.ResponseReason, e.RespondedAt = next, reason, now
		case EngActComplete:
			if e.Status != EngActive {
				return anbao.Errorf(anbao.ECONFLICT, "eng.state", act, e.Status)
			}
			set, args = "status = $1, completed_at = $2", []any{string(EngCompleted), now}
			e.Status, e.CompletedAt = EngCompleted, now
		case EngActEnd:
			switch e.Status {
			case EngRequested, EngAccepted, EngActive, EngCompleted:
			default:
				return anbao.Errorf(anbao.ECONFLICT, "eng.state", act, e.Status)
			}
			set, args = "status = $1, ended_at = $2, response_reason = CASE WHEN $3 = '' THEN response_reason ELSE $3 END",
				[]any{string(EngEnded), now, reason}
			e.Status, e.EndedAt = EngEnded, now
		}
		e.UpdatedAt, e.Version = now, e.Version+1
		args = append(args, now, e.Version, e.ID)
		n := len(args)
		if _, err := t.ExecContext(ctx, "UPDATE engagements SET "+set+", updated_at = $"+itoa(n-2)+", version = $"+itoa(n-1)+
			" WHERE id = $"+itoa(n), args...); err != nil {
			return err
		}
		if e.Status == EngActive && s.today() < e.WindowStart {
			e.Status = EngAccepted
		} else if act == EngActAccept && s.today() >= e.WindowStart {
			e.Status = EngActive
		}
		if err := t.audit(auditChange{"engagement." + string(act), "engagement", e.ID, e.EnterpriseID, before,
			map[string]any{"status": e.Status, "reason": reason}}); err != nil {
			return err
		}
		switch act {
		case EngActAccept:
			if err := t.openEngagementRel(e.ProviderID, e.EnterpriseID); err != nil {
				return err
			}
		case EngActEnd:
			if before.Status != EngRequested {
				if err := t.closeEngagementRel(e.ProviderID, e.EnterpriseID, e.ID); err != nil {
					return err
				}
			}
		}
		out = e
		return nil
	})
	return out, err
}

// openEngagementRel opens (or reopens) the provider's engagement relationship with the enterprise.
func (t *tx) openEngagementRel(provider, enterprise int64) error {
	var endedAt string
	now := t.s.now()
	err := t.QueryRowContext(t.ctx, `SELECT ended_at FROM relationships WHERE party_org_id = $1 AND enterprise_id = $2 AND kind = $3`,
		provider, enterprise, string(RelEngagement)).Scan(&endedAt)
	switch {
	case isNoRows(err):
		_, err = t.ExecContext(t.ctx, `INSERT INTO relationships (party_org_id, enterprise_id, kind, started_at, assessment) VALUES ($1, $2, $3, $4, TRUE)`,
			provider, enterprise, string(RelEngagement), now)
	case err != nil:
		return err
	case endedAt == "":
		// Already open; an engagement the enterprise authorised opens its assessment.
		_, err = t.ExecContext(t.ctx, `UPDATE relationships SET assessment = TRUE WHERE party_org_id = $1 AND enterprise_id = $2 AND kind = $3`,
			provider, enterprise, string(RelEngagement))
		return err
	default:
		_, err = t.ExecContext(t.ctx, `UPDATE relationships SET started_at = $1, ended_at = '', assessment = TRUE WHERE party_org_id = $2 AND enterprise_id = $3 AND kind = $4`,
			now, provider, enterprise, string(RelEngagement))
	}
	if err != nil {
		return err
	}
	return t.audit(auditChange{"relationship.create", "organisation", enterprise, enterprise, nil,
		map[string]any{"party": provider, "enterprise": enterprise, "kind": RelEngagement}})
}

// closeEngagementRel ends the provider's relationship unless another
// accepted or completed engagement (other than except) still needs it.
func (t *tx) closeEngagementRel(provider, enterprise, except int64) error {
	var n int
	if err := t.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM engagements WHERE provider_id = $1 AND enterprise_id = $2
		AND id <> $3 AND status IN ('accepted', 'completed')`, provider, enterprise, except).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	res, err := t.ExecContext(t.ctx, `UPDATE relationships SET ended_at = $1 WHERE party_org_id = $2 AND enterprise_id = $3
		AND kind = $4 AND ended_at = ''`, t.s.now(), provider, enterprise, string(RelEngagement))
	if err != nil {
		return err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return nil
	}
	return t.audit(auditChange{"relationship.end", "organisation", enterprise, enterprise,
		map[string]any{"party": provider, "enterprise": enterprise, "kind": RelEngagement}, nil})
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}

// ActiveProviders lists the active provider organisations an enterprise may engage, by name.
func (s *Store) ActiveProviders(ctx context.Context) ([]*anbao.Organisation, error) {
	l, err := s.ListOrganisations(ctx, anbao.OrgFilter{Kind: anbao.KindProvider, Status: anbao.OrgActive, Page: anbao.Page{Limit: anbao.MaxPageLimit}})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}
