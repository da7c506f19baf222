package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"strings"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/vulnfeed"
)

// VulnIntel is what the imported feeds say of one CVE.
type VulnIntel struct {
	CVE             string  `json:"cve"`
	KEV             bool    `json:"kev"`
	KEVDateAdded    string  `json:"kev_date_added,omitempty"`
	KEVDueDate      string  `json:"kev_due_date,omitempty"`
	KEVName         string  `json:"kev_name,omitempty"`
	KnownRansomware bool    `json:"known_ransomware,omitempty"`
	EPSS            float64 `json:"epss"`
	Percentile      float64 `json:"percentile"`
	EPSSDate        string  `json:"epss_date,omitempty"`
}

// FeedImport is one import of a feed file.
type FeedImport struct {
	ID         int64  `json:"id"`
	Feed       string `json:"feed"`    // kev or epss
	Version    string `json:"version"` // KEV catalogue version, EPSS model version
	Released   string `json:"released"`
	Rows       int    `json:"rows"`
	SHA256     string `json:"sha256"`
	Bytes      int64  `json:"bytes"`
	DurationMS int64  `json:"duration_ms"`
	ImportedBy string `json:"imported_by"`
	ImportedAt string `json:"imported_at"`
}

// VulnIntel looks CVE ids up in the imported feeds; ids in neither feed are
// absent from the map. The feeds are public data: any principal may read them.
func (s *Store) VulnIntel(ctx context.Context, cves []string) (map[string]VulnIntel, error) {
	return vulnIntel(ctx, s.read, cves)
}

func vulnIntel(ctx context.Context, db querier, cves []string) (map[string]VulnIntel, error) {
	out := map[string]VulnIntel{}
	var ids []string
	seen := map[string]bool{}
	for _, c := range cves {
		c = strings.ToUpper(strings.TrimSpace(c))
		if vulnfeed.ValidCVE(c) && !seen[c] {
			seen[c] = true
			ids = append(ids, c)
		}
	}
	epssDate := ""
	if len(ids) > 0 {
		eachRow(ctx, db, "SELECT released FROM feed_imports WHERE feed = 'epss' ORDER BY id DESC LIMIT 1", nil,
			func(sc scanner) error { return sc.Scan(&epssDate) })
	}
	for start := 0; start < len(ids); start += 400 {
		part := ids[start:min(start+400, len(ids))]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c
		}
		in := placeholders(1, len(part))
		err := eachRow(ctx, db, `SELECT cve, date_added, due_date, name, ransomware FROM kev_entries WHERE cve IN (`+in+`)`, args,
			func(sc scanner) error {
				var v VulnIntel
				if err := sc.Scan(&v.CVE, &v.KEVDateAdded, &v.KEVDueDate, &v.KEVName, &v.KnownRansomware); err != nil {
					return err
				}
				v.KEV = true
				out[v.CVE] = v
				return nil
			})
		if err != nil {
			return nil, err
		}
		err = eachRow(ctx, db, `SELECT cve, epss, percentile FROM epss_scores WHERE cve IN (`+in+`)`, args, func(sc scanner) error {
			var c string
			var e, p float64
			if err := sc.Scan(&c, &e, &p); err != nil {
				return err
			}
			v := out[c]
			v.CVE, v.EPSS, v.Percentile, v.EPSSDate = c, e, p, epssDate
			out[c] = v
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FeedStatus lists the latest imports, newest first.
func (s *Store) FeedStatus(ctx context.Context) ([]FeedImport, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActVulnFeedRead); err != nil {
		return nil, err
	}
	out := []FeedImport{}
	err := eachRow(ctx, s.read, `SELECT id, feed, version, released, rows_imported, sha256, bytes, duration_ms, imported_by, imported_at
		FROM feed_imports ORDER BY id DESC LIMIT 20`, nil, func(sc scanner) error {
		var f FeedImport
		if err := sc.Scan(&f.ID, &f.Feed, &f.Version, &f.Released, &f.Rows, &f.SHA256, &f.Bytes, &f.DurationMS, &f.ImportedBy, &f.ImportedAt); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	return out, err
}

// countingHash hashes and counts what is read through it.
type countingHash struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (c *countingHash) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}

// feedError makes a reader's error a user-facing one naming its place.
func feedError(err error) error {
	var fe *vulnfeed.Error
	if errors.As(err, &fe) {
		return &anbao.Error{Code: anbao.EINVALID, Key: "feed.invalid", Args: []any{fe.Feed, fe.Error()}, Field: "file", Err: err}
	}
	return err
}

// ImportKEV replaces the KEV snapshot with the catalogue read from r
// (plain or gzipped JSON). A malformed file writes nothing.
func (s *Store) ImportKEV(ctx context.Context, r io.Reader) (*FeedImport, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActVulnFeedImport); err != nil {
		return nil, err
	}
	start := time.Now()
	src := &countingHash{r: r, h: sha256.New()}
	cat, err := vulnfeed.ReadKEV(src)
	if err != nil {
		return nil, feedError(err)
	}
	io.Copy(io.Discard, src)
	rec := &FeedImport{Feed: "kev", Version: cat.CatalogVersion, Released: anbao.FormatTime(cat.DateReleased), Rows: len(cat.Vulnerabilities),
		SHA256: hex.EncodeToString(src.h.Sum(nil)), Bytes: src.n}
	err = s.inTx(ctx, func(t *tx) error {
		if _, err := t.ExecContext(ctx, "DELETE FROM kev_entries"); err != nil {
			return err
		}
		rows := make([][]any, 0, len(cat.Vulnerabilities))
		for _, e := range cat.Vulnerabilities {
			rows = append(rows, []any{e.CVEID, e.VendorProject, e.Product, e.VulnerabilityName,
				e.DateAdded.Format(time.DateOnly), e.DueDate.Format(time.DateOnly), e.Ransomware()})
		}
		if err := t.insertRows("kev_entries", "cve, vendor, product, name, date_added, due_date, ransomware", rows); err != nil {
			return err
		}
		return t.logImport(rec, start, p)
	})
	return rec, err
}

// ImportEPSS replaces the EPSS snapshot with the scores read from r (plain
// or gzipped CSV, streamed). A malformed file writes nothing.
func (s *Store) ImportEPSS(ctx context.Context, r io.Reader) (*FeedImport, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActVulnFeedImport); err != nil {
		return nil, err
	}
	start := time.Now()
	src := &countingHash{r: r, h: sha256.New()}
	var rec *FeedImport
	err := s.inTx(ctx, func(t *tx) error {
		if _, err := t.ExecContext(ctx, "DELETE FROM epss_scores"); err != nil {
			return err
		}
		// Rows stream in chunks to insertRows, which batches them per engine.
		const chunk = 3000
		rows := make([][]any, 0, chunk)
		flush := func() error {
			err := t.insertRows("epss_scores", "cve, epss, percentile", rows)
			rows = rows[:0]
			return err
		}
		h, err := vulnfeed.ReadEPSS(src, func(row vulnfeed.Row) error {
			rows = append(rows, []any{row.CVE, row.EPSS, row.Percentile})
			if len(rows) == chunk {
				return flush()
			}
			return nil
		})
		if err != nil {
			return feedError(err)
		}
		if err := flush(); err != nil {
			return err
		}
		io.Copy(io.Discard, src)
		rec = &FeedImport{Feed: "epss", Version: h.ModelVersion, Released: anbao.FormatTime(h.ScoreDate), Rows: h.Rows,
			SHA256: hex.EncodeToString(src.h.Sum(nil)), Bytes: src.n}
		return t.logImport(rec, start, p)
	})
	return rec, err
}

func (t *tx) logImport(rec *FeedImport, start time.Time, p *anbao.Principal) error {
	rec.DurationMS, rec.ImportedBy, rec.ImportedAt = time.Since(start).Milliseconds(), p.Username, t.s.now()
	if err := t.QueryRowContext(t.ctx, `INSERT INTO feed_imports (feed, version, released, rows_imported, sha256, bytes, duration_ms, imported_by, imported_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`, rec.Feed, rec.Version, rec.Released, rec.Rows, rec.SHA256, rec.Bytes,
		rec.DurationMS, rec.ImportedBy, rec.ImportedAt).Scan(&rec.ID); err != nil {
		return err
	}
	return t.audit(auditChange{"vulnfeed.import", "platform", rec.ID, 0, nil, rec})
}
