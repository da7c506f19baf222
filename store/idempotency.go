package store

import (
	"context"
	"time"

	"github.com/anbao/anbao"
)

// IdemRecord is a stored response to a POST that carried an Idempotency-Key.
type IdemRecord struct {
	RequestHash string
	Status      int // 0 while the first request is still running
	ContentType string
	Body        []byte
}

// IdempotencyTTL is how long a key is remembered.
const IdempotencyTTL = 24 * time.Hour

// BeginIdempotent claims (owner, key) for a request. It returns nil when the
// caller should run the request, or the record of an earlier one with the same key.
func (s *Store) BeginIdempotent(ctx context.Context, owner, key, method, path, reqHash string) (*IdemRecord, error) {
	now := s.Now()
	var rec *IdemRecord
	err := s.inTx(ctx, func(t *tx) error {
		r := &IdemRecord{}
		var created string
		err := t.QueryRowContext(ctx, `SELECT request_hash, status, content_type, body, created_at FROM idempotency_keys
			WHERE owner = $1 AND idem_key = $2`, owner, key).Scan(&r.RequestHash, &r.Status, &r.ContentType, &r.Body, &created)
		if err == nil && created > anbao.FormatTime(now.Add(-IdempotencyTTL)) {
			rec = r
			return nil
		}
		if err != nil && !isNoRows(err) {
			return err
		}
		if err == nil { // expired: forget it and start afresh
			if _, err := t.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE owner = $1 AND idem_key = $2", owner, key); err != nil {
				return err
			}
		}
		res, err := t.ExecContext(ctx, `INSERT INTO idempotency_keys (owner, idem_key, method, path, request_hash, created_at)
			VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (owner, idem_key) DO NOTHING`, owner, key, method, path, reqHash, anbao.FormatTime(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// A concurrent request claimed the key first; its row is committed by
			// now, so report what it holds (a different request is then refused).
			r := &IdemRecord{}
			err := t.QueryRowContext(ctx, `SELECT request_hash, status, content_type, body FROM idempotency_keys
				WHERE owner = $1 AND idem_key = $2`, owner, key).Scan(&r.RequestHash, &r.Status, &r.ContentType, &r.Body)
			if isNoRows(err) { // released meanwhile by a failed first attempt: treat as still running
				r = &IdemRecord{RequestHash: reqHash}
			} else if err != nil {
				return err
			}
			rec = r
		}
		return nil
	})
	return rec, err
}

// FinishIdempotent stores the response of a claimed key. A response with a
// server error releases the key instead, so the client may retry.
func (s *Store) FinishIdempotent(ctx context.Context, owner, key string, status int, contentType string, body []byte) error {
	if status >= 500 {
		_, err := s.write.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE owner = $1 AND idem_key = $2", owner, key)
		return err
	}
	_, err := s.write.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3
		WHERE owner = $4 AND idem_key = $5`, status, contentType, body, owner, key)
	return err
}

// PurgeExpired removes expired sessions and idempotency keys; the server runs it periodically.
func (s *Store) PurgeExpired(ctx context.Context) error {
	now := s.Now()
	if _, err := s.write.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2",
		anbao.FormatTime(now), anbao.FormatTime(now.Add(-SessionIdle))); err != nil {
		return err
	}
	_, err := s.write.ExecContext(ctx, "DELETE FROM idempotency_keys WHERE created_at < $1", anbao.FormatTime(now.Add(-IdempotencyTTL)))
	return err
}
