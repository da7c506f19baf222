package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/cvss"
	"github.com/anbao/anbao/demo"
)

// LoadDemoAssessments adds the demo assessments to a loaded demo pilot: each
// enterprise's risk profile, questionnaire answers, its provider's
// engagement and findings, and two scores, an earlier one under the
// superseded methodology and the current one, so that the history and the
// methodology change show. One transaction, one audit entry.
func (s *Store) LoadDemoAssessments(ctx context.Context, pilot *demo.Pilot, as []demo.Assessment) error {
	p := anbao.PrincipalFrom(ctx)
	if p == nil || !p.System {
		return anbao.Errorf(anbao.EFORBIDDEN, "error.forbidden")
	}
	return s.inTx(ctx, func(t *tx) error {
		ids := map[string]int64{}
		err := eachRow(ctx, t, "SELECT id, uscc FROM organisations", nil, func(sc scanner) error {
			var id int64
			var code string
			if err := sc.Scan(&id, &code); err != nil {
				return err
			}
			ids[code] = id
			return nil
		})
		if err != nil {
			return err
		}
		ref := func(r int) int64 { return ids[pilot.Orgs[r].USCC] }
		now := s.now()
		today := s.today()
		l := &demoLoader{t: t, now: now}
		var entIDs []int64
		findings := 0
		for _, a := range as {
			ent := ref(a.EnterpriseRef)
			if ent == 0 {
				return fmt.Errorf("demo assessment: enterprise %d not loaded", a.EnterpriseRef)
			}
			entIDs = append(entIDs, ent)
			for _, m := range a.MLPS {
				in := MLPSSystemInput{Name: m.Name, Level: m.Level, FilingNumber: m.Filing, LastEvaluationDate: m.EvalDate,
					LastEvaluationResult: demoMLPSResult[m.Result]}
				if err := normalizeMLPS(&in, today); err != nil {
					return fmt.Errorf("demo MLPS system of %d: %w", ent, err)
				}
				l.add("mlps_systems", "enterprise_id, name, level, filing_number, last_evaluation_date, last_evaluation_result, created_at, updated_at",
					ent, in.Name, in.Level, in.FilingNumber, in.LastEvaluationDate, string(in.LastEvaluationResult), now, now)
			}
			for _, x := range a.Assets {
				in := AssetInput{Kind: AssetKind(x.Kind), Value: x.Value, SoftwareVersion: x.Version, EOL: x.EOL, InternetFacing: x.InternetFacing}
				if err := NormalizeAsset(&in); err != nil {
					return fmt.Errorf("demo asset %s of %d: %w", x.Value, ent, err)
				}
				l.add("assets", "enterprise_id, kind, value, software_version, eol, internet_facing, note, created_at, updated_at",
					ent, string(in.Kind), in.Value, in.SoftwareVersion, in.EOL, in.InternetFacing, "", now, now)
			}
			rto, rpo := int64(a.RTOHours), int64(a.RPOHours)
			sens := answerBool(a.Answers["sensitive_pi"]) && a.PIRecords != "none"
			l.add("data_holdings", "enterprise_id, pi_records, sensitive_pi, important_data, cross_border, rto_hours, rpo_hours, offline_backups, created_at, updated_at",
				ent, string(demoPIBand[a.PIRecords]), sens, answerBool(a.Answers["important_data"]),
				answerBool(a.Answers["cross_border_data"]), rto, rpo, a.Offline, now, now)
			if a.ProviderRef >= 0 && len(a.Findings) > 0 {
				n, err := l.engagement(ent, ref(a.ProviderRef), a)
				if err != nil {
					return err
				}
				findings += n
			}
		}
		if err := l.flush(); err != nil {
			return err
		}
		if err := s.loadDemoAnswers(t, ref, as); err != nil {
			return err
		}
		var kev, epss [][]any
		for _, f := range demo.Feeds {
			kev = append(kev, []any{f.CVE, f.Vendor, f.Product, f.Name, f.DateAdded, f.DueDate, f.Ransomware})
			epss = append(epss, []any{f.CVE, f.EPSS, f.Percentile})
		}
		if err := t.insertRows("kev_entries", "cve, vendor, product, name, date_added, due_date, ransomware", kev); err != nil {
			return err
		}
		if err := t.insertRows("epss_scores", "cve, epss, percentile", epss); err != nil {
			return err
		}
		for _, feed := range []string{"kev", "epss"} {
			if _, err := t.ExecContext(ctx, `INSERT INTO feed_imports (feed, version, released, rows_imported, sha256, bytes, duration_ms, imported_by, imported_at)
				VALUES ($1, 'demo', $2, $3, '', 0, 0, 'demo', $2)`, feed, now, len(demo.Feeds)); err != nil {
				return err
			}
		}
		// Scores: one in June under the superseded methodology from the
		// inputs as they were (the findings since fixed still open), and the
		// current one.
		inputs, err := s.assessmentInputs(ctx, t, entIDs)
		if err != nil {
			return err
		}
		methods := assess.Methodologies()
		// Scoring is pure: spread it over the cores, keeping the order.
		per := 1
		if len(methods) > 1 {
			per = 2
		}
		recs := make([]*ScoreRecord, per*len(entIDs))
		errs := make([]error, len(entIDs))
		var wg sync.WaitGroup
		next := make(chan int)
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					ent, in := entIDs[i], inputs[entIDs[i]]
					if per == 2 {
						old := *in
						old.AsOf = "2026-06-15"
						old.Findings = make([]assess.Finding, len(in.Findings))
						for i, f := range in.Findings {
							if f.Status == StatusFixed || f.Status == StatusFixedPending {
								f.Status = StatusOpen
							}
							old.Findings[i] = f
						}
						r, err := scoreRecord(ent, methods[len(methods)-2].Version, ScoreFirst, &old)
						if err != nil {
							errs[i] = fmt.Errorf("demo score of %d: %w", ent, err)
							continue
						}
						r.ComputedAt = "2026-06-15T02:00:00.000000Z"
						recs[per*i] = r
					}
					r, err := scoreRecord(ent, assess.Current().Version, ScoreMethodology, in)
					if err != nil {
						errs[i] = fmt.Errorf("demo score of %d: %w", ent, err)
						continue
					}
					recs[per*i+per-1] = r
				}
			}()
		}
		for i := range entIDs {
			next <- i
		}
		close(next)
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		if err := t.insertScores(recs, p); err != nil {
			return err
		}
		return t.audit(auditChange{"demo.assessments", "platform", "demo", 0, nil, map[string]any{
			"enterprises": len(as), "findings": findings, "scores": len(recs)}})
	})
}

var demoMLPSResult = map[string]MLPSResult{"pass": MLPSConform, "basic_pass": MLPSBasicallyConform, "fail": MLPSNonconform}

var demoPIBand = map[string]PIBand{"none": PINone, "lt10k": PIUnder10K, "10k_100k": PI10KTo100K, "100k_1m": PI100KTo1M,
	"1m_10m": PI1MTo10M, "ge10m": PIOver10M}

func answerBool(a demo.Answer) bool { return a.Bool != nil && *a.Bool }

// demoLoader batches the demo's rows into multi-row INSERTs per table.
type demoLoader struct {
	t    *tx
	now  string
	rows map[string][][]any
	cols map[string]string
}

func (l *demoLoader) add(table, cols string, vals ...any) {
	if l.rows == nil {
		l.rows, l.cols = map[string][][]any{}, map[string]string{}
	}
	l.cols[table] = cols
	l.rows[table] = append(l.rows[table], vals)
}

// flush writes the batched rows, tables in dependency order.
func (l *demoLoader) flush() error {
	for _, table := range []string{"mlps_systems", "assets", "data_holdings"} {
		if err := l.t.insertRows(table, l.cols[table], l.rows[table]); err != nil {
			return fmt.Errorf("demo %s: %w", table, err)
		}
	}
	return nil
}

// insertRows inserts rows in batches through one prepared statement.
func (t *tx) insertRows(table, cols string, rows [][]any) error {
	return t.insertRowsPer(table, cols, rows, t.batchParams())
}

// batchParams is the number of parameters of a multi-row INSERT. SQLite looks
// "$n" parameters up by name in a list, so a statement's cost grows with the
// square of its parameter count: small batches of a prepared statement are
// fastest. PostgreSQL pays a round trip per statement: large batches are.
func (t *tx) batchParams() int {
	if t.s.engine == Postgres {
		return 3000
	}
	return 120
}

// insertRowsPer is insertRows with batches of about params parameters.
func (t *tx) insertRowsPer(table, cols string, rows [][]any, params int) error {
	if len(rows) == 0 {
		return nil
	}
	per := len(rows[0])
	batch := max(1, params/per)
	stmtFor := func(n int) string {
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		for i := range n {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("(" + placeholders(i*per+1, per) + ")")
		}
		return sb.String()
	}
	var full *sql.Stmt
	if len(rows) >= batch {
		var err error
		if full, err = t.PrepareContext(t.ctx, stmtFor(batch)); err != nil {
			return err
		}
		defer full.Close()
	}
	args := make([]any, 0, batch*per)
	for start := 0; start < len(rows); start += batch {
		part := rows[start:min(start+batch, len(rows))]
		args = args[:0]
		for _, r := range part {
			args = append(args, r...)
		}
		var err error
		if len(part) == batch {
			_, err = full.ExecContext(t.ctx, args...)
		} else {
			_, err = t.ExecContext(t.ctx, stmtFor(len(part)), args...)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// engagement inserts the provider's engagement on the enterprise and its findings.
func (l *demoLoader) engagement(ent, prov int64, a demo.Assessment) (int, error) {
	t := l.t
	status := EngAccepted
	if a.Maturity > 0.6 {
		status = EngCompleted
	}
	completed := ""
	if status == EngCompleted {
		completed = "2026-10-30T08:00:00.000000Z"
	}
	var eid int64
	err := t.QueryRowContext(t.ctx, `INSERT INTO engagements (enterprise_id, provider_id, status, scope, test_types, window_start, window_end,
		authorisation_text, authorised_by, authorised_at, requested_by, responded_at, completed_at, created_at, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$14) RETURNING id`,
		ent, prov, string(status), "互联网暴露面、边界设备及核心业务系统", "漏洞扫描, 渗透测试, 配置核查", "2026-09-01", "2026-12-31",
		"兹授权贵司于授权期间内对本单位列明范围内的信息系统开展安全评估，测试不得影响业务连续性。", "demo", "2026-08-25T02:00:00.000000Z",
		"demo", "2026-08-26T02:00:00.000000Z", completed, "2026-08-25T02:00:00.000000Z").Scan(&eid)
	if err != nil {
		return 0, fmt.Errorf("demo engagement of %d: %w", ent, err)
	}
	for _, f := range a.Findings {
		var score any
		version := ""
		if f.CVSS != "" {
			v, err := cvss.Parse(f.CVSS)
			if err != nil {
				return 0, fmt.Errorf("demo finding %s: %w", f.Title, err)
			}
			score, version = v.Score, string(v.Version)
		}
		if _, err := t.ExecContext(t.ctx, `INSERT INTO findings (engagement_id, enterprise_id, provider_id, type, asset_text, title, description,
			severity, cve_ids, cvss_vector, cvss_version, cvss_score, internet_facing, remediation, status, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16)`,
			eid, ent, prov, f.Type, f.Asset, f.Title, f.TitleEN, f.Severity, f.CVE, f.CVSS, version, score, f.InternetFacing,
			f.Remedy, f.Status, "2026-09-20T03:00:00.000000Z"); err != nil {
			return 0, fmt.Errorf("demo finding %s: %w", f.Title, err)
		}
	}
	return len(a.Findings), nil
}
