package store

import (
	"fmt"
	"strings"

	"github.com/anbao/anbao"
)

// auditBatch appends several entries to the chain in one go: one update of
// the head reserves their sequence numbers and yields the previous hash, the
// entries are chained here and inserted in multi-row statements, and the head
// takes the last hash. The entries and the chain are the same as len(cs)
// calls of audit would make, at a fraction of the round trips, which a large
// import on PostgreSQL needs. (A candidate to move beside audit in audit.go.)
func (t *tx) auditBatch(cs []auditChange) error {
	if len(cs) == 0 {
		return nil
	}
	p := anbao.PrincipalFrom(t.ctx)
	var last int64
	var prev string
	if err := t.QueryRowContext(t.ctx, "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash",
		len(cs)).Scan(&last, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	at := t.s.now()
	entries := make([]*anbao.AuditEntry, len(cs))
	for i, c := range cs {
		e := &anbao.AuditEntry{Seq: last - int64(len(cs)) + int64(i) + 1, At: at, OrgID: c.orgID, Action: c.action,
			EntityKind: c.entityKind, EntityID: fmt.Sprint(c.entityID), RequestID: anbao.RequestIDFrom(t.ctx),
			Algo: t.s.algo, ActorName: "anonymous", PrevHash: prev}
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
		e.Hash = AuditHash(e)
		prev = e.Hash
		entries[i] = e
	}
	n := t.batchRows()
	for start := 0; start < len(entries); start += n {
		batch := entries[start:min(start+n, len(entries))]
		var q strings.Builder
		q.WriteString(`INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_org_id, org_id, action, entity_kind,
			entity_id, before_json, after_json, request_id, algo, prev_hash, hash) VALUES `)
		args := make([]any, 0, len(batch)*15)
		for i, e := range batch {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString("(" + placeholders(len(args)+1, 15) + ")")
			args = append(args, e.Seq, e.At, e.ActorID, e.ActorName, e.ActorOrgID, e.OrgID, e.Action, e.EntityKind,
				e.EntityID, string(e.Before), string(e.After), e.RequestID, e.Algo, e.PrevHash, e.Hash)
		}
		if _, err := t.ExecContext(t.ctx, q.String(), args...); err != nil {
			return fmt.Errorf("audit insert: %w", err)
		}
	}
	_, err := t.ExecContext(t.ctx, "UPDATE audit_head SET hash = $1 WHERE id = 1", prev)
	return err
}
