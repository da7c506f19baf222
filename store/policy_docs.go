package store

import (
	"context"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
)

// Policy documents (issue #5, item 5): what a policy schedule or a park
// member's certificate prints, read for exactly the readers of the policy.
// GetPolicy decides access; everything else here is read on its behalf: the
// parties named on the policy, the full text of its exclusion clauses and
// the names of its approved providers.

// DocParty is an organisation named on a policy document.
type DocParty struct {
	ID     int64  `json:"id"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en,omitempty"`
	USCC   string `json:"uscc,omitempty"`
}

// Name returns the party's name in lang, falling back to Chinese.
func (d *DocParty) Name(lang string) string {
	if d == nil {
		return ""
	}
	if lang == "en" && d.NameEN != "" {
		return d.NameEN
	}
	return d.NameZH
}

// DocProvider is an approved provider of a policy; Readable is false (and
// the names empty) when the reader may not see the organisation, so that
// the document still prints its id.
type DocProvider struct {
	ID       int64  `json:"id"`
	Readable bool   `json:"readable"`
	NameZH   string `json:"name_zh,omitempty"`
	NameEN   string `json:"name_en,omitempty"`
}

// PolicyDocument is the data of a policy's documents.
type PolicyDocument struct {
	Policy        *Policy   `json:"policy"`
	ProductNameEN string    `json:"product_name_en,omitempty"`
	Insurer       *DocParty `json:"insurer"`
	Insured       *DocParty `json:"insured"`
	// Members holds the park members the reader may see (a member: itself).
	Members   map[int64]*DocParty `json:"members,omitempty"`
	Clauses   []*Clause           `json:"clauses"`
	Providers []*DocProvider      `json:"providers"`
}

// PolicyClauses returns the full exclusion clauses of the terms in force of
// a policy the principal may read, in the order of the terms. A reference
// that is not in the insurer's library (a declared policy's own wording)
// comes back with its code, version and titles and no text.
func (s *Store) PolicyClauses(ctx context.Context, policyID int64) ([]*Clause, error) {
	pol, err := s.GetPolicy(ctx, policyID)
	if err != nil {
		return nil, err
	}
	return s.policyClauses(ctx, pol)
}

func (s *Store) policyClauses(ctx context.Context, pol *Policy) ([]*Clause, error) {
	out := []*Clause{}
	if pol.Terms == nil {
		return out, nil
	}
	for _, ref := range pol.Terms.Exclusions {
		cs, err := s.clauseTexts(ctx, pol.InsurerID, []cover.ClauseRef{ref})
		if err == nil {
			out = append(out, cs[0])
			continue
		}
		var n int
		if qerr := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM clauses WHERE insurer_id = $1 AND code = $2 AND version = $3`,
			pol.InsurerID, ref.Code, ref.Version).Scan(&n); qerr != nil || n > 0 {
			return nil, err
		}
		out = append(out, &Clause{InsurerID: pol.InsurerID, Code: ref.Code, Version: ref.Version, TitleZH: ref.TitleZH, TitleEN: ref.TitleEN})
	}
	return out, nil
}

// PolicyDocument returns what the documents of a policy print, for a
// principal who may read the policy (another tenant's policy is not found).
func (s *Store) PolicyDocument(ctx context.Context, policyID int64) (*PolicyDocument, error) {
	pol, err := s.GetPolicy(ctx, policyID)
	if err != nil {
		return nil, err
	}
	d := &PolicyDocument{Policy: pol, Providers: []*DocProvider{}}
	if err := s.read.QueryRowContext(ctx, `SELECT name_en FROM products WHERE id = $1`, pol.ProductID).Scan(&d.ProductNameEN); err != nil {
		return nil, err
	}
	ids := []int64{pol.InsurerID, pol.EnterpriseID}
	for _, m := range pol.Members {
		ids = append(ids, m.EnterpriseID)
	}
	parties, err := s.docParties(ctx, ids)
	if err != nil {
		return nil, err
	}
	d.Insurer, d.Insured = parties[pol.InsurerID], parties[pol.EnterpriseID]
	if len(pol.Members) > 0 {
		d.Members = map[int64]*DocParty{}
		for _, m := range pol.Members {
			d.Members[m.EnterpriseID] = parties[m.EnterpriseID]
		}
	}
	if d.Clauses, err = s.policyClauses(ctx, pol); err != nil {
		return nil, err
	}
	if pol.Terms != nil {
		for _, id := range pol.Terms.Providers {
			dp := &DocProvider{ID: id}
			// The reader's own view of the organisation: a provider it may not see prints as its id.
			switch o, err := s.GetOrganisation(ctx, id); {
			case err == nil:
				dp.Readable, dp.NameZH, dp.NameEN = true, o.NameZH, o.NameEN
			case anbao.ErrorCode(err) == anbao.ENOTFOUND || anbao.ErrorCode(err) == anbao.EFORBIDDEN:
			default:
				return nil, err
			}
			d.Providers = append(d.Providers, dp)
		}
	}
	return d, nil
}

// docParties reads the names and USCC of the organisations named on a
// policy (its insurer, its insured and the members the reader sees).
func (s *Store) docParties(ctx context.Context, ids []int64) (map[int64]*DocParty, error) {
	out := map[int64]*DocParty{}
	var w where
	args := make([]any, len(ids))
	marks := make([]string, len(ids))
	for i, id := range ids {
		args[i], marks[i] = id, "?"
	}
	w.add("id IN ("+strings.Join(marks, ", ")+")", args...)
	err := eachRow(ctx, s.read, "SELECT id, name_zh, name_en, uscc FROM organisations"+w.String(), w.args, func(sc scanner) error {
		var d DocParty
		if err := sc.Scan(&d.ID, &d.NameZH, &d.NameEN, &d.USCC); err != nil {
			return err
		}
		out[d.ID] = &d
		return nil
	})
	return out, err
}
