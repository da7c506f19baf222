package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/sm3"
)

// auditChange describes one state change for the audit log.
type auditChange struct {
	action     string
	entityKind string
	entityID   any
	orgID      int64 // the organisation the record belongs to
	before     any   // nil when created
	after      any   // nil when removed
}

// audit appends an entry to the chain inside the transaction. The UPDATE of
// audit_head takes a row lock, so concurrent transactions append in commit order.
func (t *tx) audit(c auditChange) error {
	p := anbao.PrincipalFrom(t.ctx)
	e := &anbao.AuditEntry{
		At:         t.s.now(),
		OrgID:      c.orgID,
		Action:     c.action,
		EntityKind: c.entityKind,
		EntityID:   fmt.Sprint(c.entityID),
		RequestID:  anbao.RequestIDFrom(t.ctx),
		Algo:       t.s.algo,
		ActorName:  "anonymous",
	}
	if p != nil {
		e.ActorID, e.ActorName, e.ActorOrgID = p.UserID, p.Username, p.OrgID
	}
	var err error
	if e.Before, err = marshalAudit(c.before); err != nil {
		return err
	}
	if e.After, err = marshalAudit(c.after); err != nil {
		return err
	}
	if err := t.QueryRowContext(t.ctx,
		"UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").Scan(&e.Seq, &e.PrevHash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	e.Hash = AuditHash(e)
	if _, err := t.ExecContext(t.ctx, `INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_org_id, org_id,
		action, entity_kind, entity_id, before_json, after_json, request_id, algo, prev_hash, hash)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`,
		e.Seq, e.At, e.ActorID, e.ActorName, e.ActorOrgID, e.OrgID, e.Action, e.EntityKind, e.EntityID,
		string(e.Before), string(e.After), e.RequestID, e.Algo, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	_, err = t.ExecContext(t.ctx, "UPDATE audit_head SET hash = $1 WHERE id = 1", e.Hash)
	return err
}

func marshalAudit(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit marshal: %w", err)
	}
	return b, nil
}

// AuditHash computes an entry's hash over every field but Hash itself, each
// length-prefixed so that no two different entries share an encoding.
func AuditHash(e *anbao.AuditEntry) string {
	var h hash.Hash
	if e.Algo == "sm3" {
		h = sm3.New()
	} else {
		h = sha256.New()
	}
	field := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, s := range []string{
		strconv.FormatInt(e.Seq, 10), e.At, strconv.FormatInt(e.ActorID, 10), e.ActorName,
		strconv.FormatInt(e.ActorOrgID, 10), strconv.FormatInt(e.OrgID, 10), e.Action, e.EntityKind,
		e.EntityID, string(e.Before), string(e.After), e.RequestID, e.Algo, e.PrevHash,
	} {
		field(s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

const auditColumns = `seq, at, actor_id, actor_name, actor_org_id, org_id, action, entity_kind, entity_id,
	before_json, after_json, request_id, algo, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (*anbao.AuditEntry, error) {
	e := &anbao.AuditEntry{}
	var before, after string
	if err := sc.Scan(&e.Seq, &e.At, &e.ActorID, &e.ActorName, &e.ActorOrgID, &e.OrgID, &e.Action,
		&e.EntityKind, &e.EntityID, &before, &after, &e.RequestID, &e.Algo, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	if before != "" {
		e.Before = json.RawMessage(before)
	}
	if after != "" {
		e.After = json.RawMessage(after)
	}
	return e, nil
}

// ListAudit returns audit entries, newest first. Operators' admins and auditors
// see everything; other organisations' admins and auditors see entries made by
// their members or about their own records.
func (s *Store) ListAudit(ctx context.Context, f anbao.AuditFilter) (*anbao.AuditList, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := anbao.Authorize(p, anbao.ActAuditRead); err != nil {
		return nil, err
	}
	f.Page = f.Page.Normalize()
	var w where
	if !p.System && p.OrgKind != anbao.KindOperator {
		w.add("(org_id = ? OR actor_org_id = ?)", p.OrgID, p.OrgID)
	}
	if f.Action != "" {
		w.add("action LIKE ? ESCAPE '\\'", escapeLike(f.Action)+"%")
	}
	if f.EntityKind != "" {
		w.add("entity_kind = ?", f.EntityKind)
	}
	if f.EntityID != "" {
		w.add("entity_id = ?", f.EntityID)
	}
	if f.ActorID != 0 {
		w.add("actor_id = ?", f.ActorID)
	}
	if f.OrgID != 0 {
		w.add("(org_id = ? OR actor_org_id = ?)", f.OrgID, f.OrgID)
	}
	if f.Since != "" {
		w.add("at >= ?", f.Since)
	}
	if f.Until != "" {
		w.add("at < ?", f.Until)
	}
	list := &anbao.AuditList{Items: []*anbao.AuditEntry{}}
	if err := s.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log"+w.String(), w.args...).Scan(&list.Total); err != nil {
		return nil, err
	}
	q := "SELECT " + auditColumns + " FROM audit_log" + w.String() + " ORDER BY seq DESC LIMIT " +
		w.next(f.Limit) + " OFFSET " + w.next(f.Offset)
	rows, err := s.read.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		list.Items = append(list.Items, e)
	}
	return list, rows.Err()
}

// AuditReport is the outcome of verifying the whole chain.
type AuditReport struct {
	OK      bool  `json:"ok"`
	Entries int64 `json:"entries"`
	HeadSeq int64 `json:"head_seq"`
	// BrokenSeq is the first entry found broken (or the expected seq of a missing one).
	BrokenSeq int64  `json:"broken_seq,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// VerifyAudit walks the chain from the first entry and checks each hash, each
// link and the sequence, and that the head matches the last entry. It reads in
// one snapshot-consistent transaction.
func (s *Store) VerifyAudit(ctx context.Context) (*AuditReport, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(ctx), anbao.ActAuditVerify); err != nil {
		return nil, err
	}
	t, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer t.Rollback()
	r := &AuditReport{}
	var headHash string
	if err := t.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&r.HeadSeq, &headHash); err != nil {
		return nil, fmt.Errorf("audit head: %w", err)
	}
	rows, err := t.QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_log ORDER BY seq")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	prev, want := "", int64(1)
	fail := func(seq int64, reason string) (*AuditReport, error) {
		r.BrokenSeq, r.Reason = seq, reason
		return r, nil
	}
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		r.Entries++
		switch {
		case e.Seq != want:
			return fail(want, fmt.Sprintf("entry %d is missing (next present is %d)", want, e.Seq))
		case e.PrevHash != prev:
			return fail(e.Seq, "link to the previous entry does not match")
		case e.Algo != "sha256" && e.Algo != "sm3":
			return fail(e.Seq, "unknown hash algorithm "+strconv.Quote(e.Algo))
		case AuditHash(e) != e.Hash:
			return fail(e.Seq, "content does not match its hash")
		}
		prev, want = e.Hash, want+1
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	switch last := want - 1; {
	case last > r.HeadSeq:
		return fail(r.HeadSeq+1, fmt.Sprintf("entries after the head (%d) were added: the chain ends at %d", r.HeadSeq, last))
	case last < r.HeadSeq:
		return fail(want, fmt.Sprintf("entries %d to %d are missing: the chain ends at %d", want, r.HeadSeq, last))
	}
	if prev != headHash {
		return fail(r.HeadSeq, "last entry does not match the head")
	}
	r.OK = true
	return r, nil
}

var errNoRows = sql.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }
