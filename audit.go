package anbao

import "encoding/json"

// AuditEntry is one link of the tamper-evident audit chain. Hash covers every
// other field and PrevHash, so editing, deleting or reordering entries breaks the chain.
type AuditEntry struct {
	Seq        int64           `json:"seq"`
	At         string          `json:"at"`
	ActorID    int64           `json:"actor_id"`   // user id; 0 for the system
	ActorName  string          `json:"actor_name"` // username or system component
	ActorOrgID int64           `json:"actor_org_id"`
	OrgID      int64           `json:"org_id"` // the organisation the changed record belongs to
	Action     string          `json:"action"` // e.g. "org.approve"
	EntityKind string          `json:"entity_kind"`
	EntityID   string          `json:"entity_id"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	RequestID  string          `json:"request_id"`
	Algo       string          `json:"algo"` // "sha256" or "sm3"
	PrevHash   string          `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	Action     string // prefix match, e.g. "org." or "user.create"
	EntityKind string
	EntityID   string
	ActorID    int64
	OrgID      int64
	Since      string
	Until      string
	Page
}

// AuditList is a page of entries, newest first, and the total matched.
type AuditList struct {
	Items []*AuditEntry `json:"items"`
	Total int           `json:"total"`
}
