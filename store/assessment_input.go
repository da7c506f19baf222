package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/anbao/anbao/assess"
)

// The score's input is assembled from the enterprise's directory profile, its
// risk profile, its questionnaire answers and its providers' findings. The
// loaders work on a set of enterprises at once, so that re-scoring every
// enterprise after a methodology change takes a handful of queries.

// enterpriseSet is a SQL condition on column col selecting ids (all
// enterprises when ids is nil), with its arguments from $start.
func enterpriseSet(col string, ids []int64, start int) (string, []any) {
	if ids == nil {
		return col + " IN (SELECT id FROM organisations WHERE kind = 'enterprise')", nil
	}
	if len(ids) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return col + " IN (" + placeholders(start, len(ids)) + ")", args
}

// rpPIBand maps the risk profile's bands to the question bank's.
var rpPIBand = map[PIBand]string{PINone: "none", PIUnder10K: "lt10k", PI10KTo100K: "10k_100k", PI100KTo1M: "100k_1m",
	PI1MTo10M: "1m_10m", PIOver10M: "ge10m"}

var rpMLPSResult = map[MLPSResult]string{MLPSConform: "pass", MLPSBasicallyConform: "basic_pass", MLPSNonconform: "fail"}

var rpDepKind = map[DependencyKind]string{DepCloudProvider: "cloud", DepSoftwareVendor: "software", DepITOutsourcer: "outsourcer"}

// loadProfiles reads the scoring profile of the enterprises ids (nil: all).
func (s *Store) loadProfiles(ctx context.Context, db querier, ids []int64) (map[int64]*assess.Profile, error) {
	out := map[int64]*assess.Profile{}
	cond, args := enterpriseSet("id", ids, 1)
	err := eachRow(ctx, db, `SELECT id, industry, revenue_fen, employees, cii FROM organisations WHERE kind = 'enterprise' AND `+cond, args,
		func(sc scanner) error {
			var id, revenue int64
			p := &assess.Profile{}
			if err := sc.Scan(&id, &p.Industry, &revenue, &p.Employees, &p.CII); err != nil {
				return err
			}
			p.Revenue = float64(revenue) / 100
			out[id] = p
			return nil
		})
	if err != nil {
		return nil, err
	}
	cond, args = enterpriseSet("enterprise_id", ids, 1)
	err = eachRow(ctx, db, `SELECT enterprise_id, level, last_evaluation_date, last_evaluation_result FROM mlps_systems WHERE `+cond+
		` ORDER BY enterprise_id, level DESC, id`, args, func(sc scanner) error {
		var id int64
		var m assess.MLPSSystem
		var res MLPSResult
		if err := sc.Scan(&id, &m.Level, &m.LastEvaluation, &res); err != nil {
			return err
		}
		m.Result = rpMLPSResult[res]
		if p := out[id]; p != nil {
			p.MLPS = append(p.MLPS, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, db, `SELECT enterprise_id, COUNT(*),
			SUM(CASE WHEN internet_facing THEN 1 ELSE 0 END), SUM(CASE WHEN eol AND kind = 'software' THEN 1 ELSE 0 END)
		FROM assets WHERE `+cond+` GROUP BY enterprise_id`, args, func(sc scanner) error {
		var id int64
		var n, inet, eol int
		if err := sc.Scan(&id, &n, &inet, &eol); err != nil {
			return err
		}
		if p := out[id]; p != nil {
			p.Assets, p.InternetFacingAssets, p.EOLSoftware = n, inet, eol
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, db, `SELECT enterprise_id, kind, critical FROM dependencies WHERE `+cond+` ORDER BY enterprise_id, kind`, args,
		func(sc scanner) error {
			var id int64
			var kind DependencyKind
			var critical bool
			if err := sc.Scan(&id, &kind, &critical); err != nil {
				return err
			}
			p := out[id]
			if p == nil {
				return nil
			}
			p.Dependencies.Count++
			if critical {
				p.Dependencies.Critical++
			}
			k := rpDepKind[kind]
			if k != "" && (len(p.Dependencies.Kinds) == 0 || p.Dependencies.Kinds[len(p.Dependencies.Kinds)-1] != k) {
				p.Dependencies.Kinds = append(p.Dependencies.Kinds, k)
			}
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, db, `SELECT enterprise_id, pi_records, sensitive_pi, important_data, cross_border, rto_hours, rpo_hours, offline_backups
		FROM data_holdings WHERE `+cond, args, func(sc scanner) error {
		var id int64
		var band PIBand
		var d assess.DataHoldings
		var rto, rpo *int64
		var offline bool
		if err := sc.Scan(&id, &band, &d.SensitivePI, &d.ImportantData, &d.CrossBorder, &rto, &rpo, &offline); err != nil {
			return err
		}
		p := out[id]
		if p == nil {
			return nil
		}
		d.PIRecordsBand = rpPIBand[band]
		p.Data = d
		if rto != nil {
			v := float64(*rto)
			p.Continuity.RTOHours = &v
		}
		if rpo != nil {
			v := float64(*rpo)
			p.Continuity.RPOHours = &v
		}
		p.Continuity.OfflineBackups = &offline
		return nil
	})
	return out, err
}

type scanner interface{ Scan(...any) error }

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// eachRow runs q and calls fn for every row.
func eachRow(ctx context.Context, db querier, q string, args []any, fn func(scanner) error) error {
	rows, err := db.QueryContext(ctx, strings.TrimSpace(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
