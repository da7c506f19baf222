package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
)

// The typical service-plan catalogue (典型服务方案目录). The operator's
// administrators publish a version of a batch's catalogue holding the plans
// selected at that moment; a version is immutable once published. A later
// version adds newly selected plans and drops plans no longer selected,
// with a note saying why. An entry keeps its number ("2024-001": the year
// of the version that first listed it and a sequence within the batch)
// across versions. A plan is "in the catalogue" when an entry of a
// published version holds it; searches read the latest published version of
// each batch. Every logged-in user reads the catalogue (ActPilotRead).

// PublishInput publishes a new catalogue version.
type PublishInput struct {
	Note string `json:"note"`
}

// PublishCatalogue publishes the next version of batch id's catalogue from
// its selected plans. The batch must be in review (it then becomes
// published) or published.
func (s *Store) PublishCatalogue(ctx context.Context, batchID int64, in PublishInput) (*anbao.CatalogueVersion, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := mayAssignReviews(p); err != nil {
		return nil, err
	}
	var err error
	if in.Note, err = trimText("note", in.Note, 0, 2000); err != nil {
		return nil, err
	}
	var vid int64
	err = s.inTx(ctx, func(t *tx) error {
		b, err := s.getBatch(ctx, t, batchID, t.forUpdate())
		if err != nil {
			return err
		}
		if b.Status != anbao.BatchReviewing && b.Status != anbao.BatchPublished {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.catalogue_closed")
		}
		var selected []int64
		err = eachRow(ctx, t, `SELECT id FROM service_plans WHERE batch_id = $1 AND status = $2 ORDER BY id`,
			[]any{batchID, string(anbao.PlanSelected)}, func(sc scanner) error {
				var id int64
				if err := sc.Scan(&id); err != nil {
					return err
				}
				selected = append(selected, id)
				return nil
			})
		if err != nil {
			return err
		}
		if len(selected) == 0 {
			return anbao.Errorf(anbao.ECONFLICT, "pilot.catalogue_empty")
		}
		var prevID int64
		var number int
		err = t.QueryRowContext(ctx, `SELECT id, number FROM catalogue_versions WHERE batch_id = $1 ORDER BY number DESC LIMIT 1`,
			batchID).Scan(&prevID, &number)
		if err != nil && !isNoRows(err) {
			return err
		}
		prev := map[int64]string{}
		if prevID != 0 {
			err = eachRow(ctx, t, `SELECT plan_id, entry_no FROM catalogue_entries WHERE version_id = $1`, []any{prevID},
				func(sc scanner) error {
					var id int64
					var no string
					if err := sc.Scan(&id, &no); err != nil {
						return err
					}
					prev[id] = no
					return nil
				})
			if err != nil {
				return err
			}
			same := len(prev) == len(selected)
			for _, id := range selected {
				_, ok := prev[id]
				same = same && ok
			}
			if same {
				return anbao.Errorf(anbao.ECONFLICT, "pilot.catalogue_unchanged")
			}
			if in.Note == "" {
				return anbao.FieldError("note", "pilot.catalogue_note")
			}
		}
		// Numbers already given in this batch: a plan keeps its number.
		numbers := map[int64]string{}
		seq := 0
		err = eachRow(ctx, t, `SELECT plan_id, entry_no FROM catalogue_entries WHERE batch_id = $1`, []any{batchID}, func(sc scanner) error {
			var id int64
			var no string
			if err := sc.Scan(&id, &no); err != nil {
				return err
			}
			numbers[id] = no
			return nil
		})
		if err != nil {
			return err
		}
		now := s.now()
		year := s.Now().In(anbao.Shanghai).Year()
		// New numbers continue the year's sequence across every batch: two
		// batches published in one year never share a number.
		err = eachRow(ctx, t, `SELECT entry_no FROM catalogue_numbers WHERE entry_no LIKE $1`, []any{fmt.Sprintf("%d-%%", year)},
			func(sc scanner) error {
				var no string
				if err := sc.Scan(&no); err != nil {
					return err
				}
				if _, n, ok := strings.Cut(no, "-"); ok {
					if v, err := strconv.Atoi(n); err == nil && v > seq {
						seq = v
					}
				}
				return nil
			})
		if err != nil {
			return err
		}
		if err := t.QueryRowContext(ctx, `INSERT INTO catalogue_versions (batch_id, number, status, note, published_at, published_by, created_at)
			VALUES ($1,$2,'published',$3,$4,$5,$4) RETURNING id`, batchID, number+1, in.Note, now, p.Username).Scan(&vid); err != nil {
			return err
		}
		var added, removed []string
		for _, id := range selected {
			no, ok := numbers[id]
			if !ok {
				seq++
				no = fmt.Sprintf("%d-%03d", year, seq)
				if _, err := t.ExecContext(ctx, `INSERT INTO catalogue_numbers (entry_no, plan_id) VALUES ($1,$2)`, no, id); err != nil {
					if isUniqueViolation(err) { // another batch published at the same moment
						return anbao.Errorf(anbao.ECONFLICT, "error.version_conflict", number)
					}
					return err
				}
			}
			if _, err := t.ExecContext(ctx, `INSERT INTO catalogue_entries (version_id, batch_id, plan_id, entry_no, created_at)
				VALUES ($1,$2,$3,$4,$5)`, vid, batchID, id, no, now); err != nil {
				return err
			}
			if _, ok := prev[id]; !ok {
				added = append(added, no)
				if err := t.planEvent(id, "catalogued", no, true); err != nil {
					return err
				}
			}
		}
		for id, no := range prev {
			if !slices.Contains(selected, id) {
				removed = append(removed, no)
				if err := t.planEvent(id, "delisted", no, true); err != nil {
					return err
				}
			}
		}
		slices.Sort(removed)
		if b.Status == anbao.BatchReviewing {
			if _, err := t.ExecContext(ctx, `UPDATE pilot_batches SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
				string(anbao.BatchPublished), now, batchID); err != nil {
				return err
			}
		}
		return t.audit(auditChange{"catalogue.publish", "catalogue_version", vid, p.OrgID, nil,
			map[string]any{"batch_id": batchID, "number": number + 1, "entries": len(selected), "added": added, "removed": removed,
				"note": in.Note}})
	})
	if err != nil {
		return nil, err
	}
	return s.GetCatalogueVersion(ctx, vid)
}

const catVersionColumns = `cv.id, cv.batch_id, cv.number, cv.status, cv.note, cv.published_at, cv.published_by,
	(SELECT COUNT(*) FROM catalogue_entries ce WHERE ce.version_id = cv.id)`

func scanCatVersion(sc scanner) (*anbao.CatalogueVersion, error) {
	v := &anbao.CatalogueVersion{}
	err := sc.Scan(&v.ID, &v.BatchID, &v.Number, &v.Status, &v.Note, &v.PublishedAt, &v.PublishedBy, &v.Entries)
	return v, err
}

// ListCatalogueVersions lists the published versions of a batch's catalogue, newest first.
func (s *Store) ListCatalogueVersions(ctx context.Context, batchID int64) ([]*anbao.CatalogueVersion, error) {
	if _, err := s.GetBatch(ctx, batchID); err != nil {
		return nil, err
	}
	out := []*anbao.CatalogueVersion{}
	err := eachRow(ctx, s.read, "SELECT "+catVersionColumns+" FROM catalogue_versions cv WHERE cv.batch_id = $1 AND cv.status = 'published' "+
		"ORDER BY cv.number DESC", []any{batchID}, func(sc scanner) error {
		v, err := scanCatVersion(sc)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// GetCatalogueVersion reads a published version with the entry numbers it
// added and removed against the previous one.
func (s *Store) GetCatalogueVersion(ctx context.Context, id int64) (*anbao.CatalogueVersion, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	v, err := scanCatVersion(s.read.QueryRowContext(ctx, "SELECT "+catVersionColumns+" FROM catalogue_versions cv WHERE cv.id = $1 AND cv.status = 'published'", id))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("catalogue_version")
	}
	if err != nil {
		return nil, err
	}
	entries := func(vid int64) (map[string]bool, error) {
		m := map[string]bool{}
		err := eachRow(ctx, s.read, "SELECT entry_no FROM catalogue_entries WHERE version_id = $1", []any{vid}, func(sc scanner) error {
			var no string
			if err := sc.Scan(&no); err != nil {
				return err
			}
			m[no] = true
			return nil
		})
		return m, err
	}
	cur, err := entries(v.ID)
	if err != nil {
		return nil, err
	}
	var prevID int64
	err = s.read.QueryRowContext(ctx, `SELECT id FROM catalogue_versions WHERE batch_id = $1 AND number < $2 AND status = 'published'
		ORDER BY number DESC LIMIT 1`, v.BatchID, v.Number).Scan(&prevID)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	prev := map[string]bool{}
	if prevID != 0 {
		if prev, err = entries(prevID); err != nil {
			return nil, err
		}
	}
	for no := range cur {
		if !prev[no] {
			v.Added = append(v.Added, no)
		}
	}
	for no := range prev {
		if !cur[no] {
			v.Removed = append(v.Removed, no)
		}
	}
	slices.Sort(v.Added)
	slices.Sort(v.Removed)
	return v, nil
}

const entryColumns = `ce.id, ce.version_id, cv.number, ce.batch_id, b.code, ce.plan_id, ce.entry_no, pl.title, pl.summary, pl.lead_org_id,
	o.name_zh, pl.jurisdiction, pl.product_type, pl.industries, pl.subject_types, pl.coverages, pl.services, pl.pricing, pl.registrations,
	cv.published_at`

const entryFrom = ` FROM catalogue_entries ce JOIN catalogue_versions cv ON cv.id = ce.version_id JOIN pilot_batches b ON b.id = ce.batch_id
	JOIN service_plans pl ON pl.id = ce.plan_id JOIN organisations o ON o.id = pl.lead_org_id`

func scanEntry(sc scanner) (*anbao.CatalogueEntry, error) {
	e := &anbao.CatalogueEntry{}
	var inds, subj, cov, svc, regs string
	if err := sc.Scan(&e.ID, &e.VersionID, &e.VersionNumber, &e.BatchID, &e.BatchCode, &e.PlanID, &e.EntryNo, &e.Title, &e.Summary,
		&e.LeadOrgID, &e.LeadName, &e.Jurisdiction, &e.ProductType, &inds, &subj, &cov, &svc, &e.Pricing, &regs, &e.PublishedAt); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		raw string
		v   any
	}{{inds, &e.Industries}, {subj, &e.SubjectTypes}, {cov, &e.Coverages}, {svc, &e.Services}, {regs, &e.Registrations}} {
		if err := json.Unmarshal([]byte(x.raw), x.v); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// CatalogueEntry reads one entry of a published catalogue version with its consortium.
func (s *Store) CatalogueEntry(ctx context.Context, id int64) (*anbao.CatalogueEntry, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	e, err := scanEntry(s.read.QueryRowContext(ctx, "SELECT "+entryColumns+entryFrom+" WHERE ce.id = $1 AND cv.status = 'published'", id))
	if isNoRows(err) {
		return nil, anbao.ErrNotFound("catalogue_entry")
	}
	if err != nil {
		return nil, err
	}
	if e.Partners, err = s.planPartners(ctx, s.read, e.PlanID); err != nil {
		return nil, err
	}
	return e, nil
}

// ListCatalogue searches the catalogue: the latest published version of
// each batch (or the version asked for), by industry section, jurisdiction,
// subject type, product type and free text (title, summary, entry number,
// consortium member names). Entries come with their consortium.
func (s *Store) ListCatalogue(ctx context.Context, f anbao.CatalogueFilter) (*anbao.CatalogueList, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActPilotRead); err != nil {
		return nil, err
	}
	w := &where{}
	w.add("cv.status = 'published'")
	if f.VersionID != 0 {
		w.add("ce.version_id = ?", f.VersionID)
	} else {
		w.add("ce.version_id = (SELECT MAX(x.id) FROM catalogue_versions x WHERE x.batch_id = ce.batch_id AND x.status = 'published')")
	}
	if f.BatchID != 0 {
		w.add("ce.batch_id = ?", f.BatchID)
	}
	if f.Industry != "" {
		w.add("pl.industries LIKE ?", `%"`+f.Industry+`"%`)
	}
	if f.Jurisdiction != "" {
		w.add("pl.jurisdiction = ?", f.Jurisdiction)
	}
	if f.SubjectType != "" {
		w.add("pl.subject_types LIKE ?", `%"`+string(f.SubjectType)+`"%`)
	}
	if f.ProductType != "" {
		w.add("pl.product_type = ?", string(f.ProductType))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + strings.ToLower(q) + "%"
		w.add(`(LOWER(pl.title) LIKE ? OR LOWER(pl.summary) LIKE ? OR ce.entry_no LIKE ? OR EXISTS (SELECT 1 FROM plan_partners pq
			JOIN organisations oq ON oq.id = pq.org_id WHERE pq.plan_id = pl.id AND (LOWER(oq.name_zh) LIKE ? OR LOWER(oq.name_en) LIKE ?)))`,
			like, like, like, like, like)
	}
	out := &anbao.CatalogueList{Items: []*anbao.CatalogueEntry{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*)"+entryFrom+w.String(), w.args...).Scan(&out.Total); err != nil {
		return nil, err
	}
	pg := f.Page.Normalize()
	lim, off := w.next(pg.Limit), w.next(pg.Offset)
	err := eachRow(ctx, s.read, "SELECT "+entryColumns+entryFrom+w.String()+" ORDER BY b.opens_at DESC, ce.entry_no LIMIT "+lim+
		" OFFSET "+off, w.args, func(sc scanner) error {
		e, err := scanEntry(sc)
		if err != nil {
			return err
		}
		out.Items = append(out.Items, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, e := range out.Items {
		if e.Partners, err = s.planPartners(ctx, s.read, e.PlanID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
