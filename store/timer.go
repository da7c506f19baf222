package store

import (
	"context"
	"time"

	"github.com/anbao/anbao"
)

// Timers are the incident's deadlines kept as rows, so that they survive a
// restart: the statutory report (1, 2 or 4 hours from discovery), the
// insurer's notice window, the 30-day summary, and a dispatch's SLA clocks.
// FireTimers, run by the server every half minute and once at start, warns
// when a timer reaches its warning instant and expires it at its due
// instant; meeting the duty closes it. A timer met after its due instant
// stays expired and records when it was met, so lateness is never lost.

// Timer kinds.
const (
	TimerStatutory     = "statutory_report"
	TimerInsurerNotice = "insurer_notice"
	TimerSummary       = "summary_report"
	TimerSLAAck        = "sla_acknowledge"
	TimerSLAAssign     = "sla_engineer"
	TimerSLAContain    = "sla_contain"
)

// Timer states.
const (
	TimerPending   = "pending"
	TimerWarned    = "warned"
	TimerExpired   = "expired"
	TimerMet       = "met"
	TimerCancelled = "cancelled"
)

// Timer is one deadline.
type Timer struct {
	ID         int64  `json:"id"`
	IncidentID int64  `json:"incident_id"`
	DispatchID int64  `json:"dispatch_id,omitempty"`
	Kind       string `json:"kind"`
	StartedAt  string `json:"started_at"`
	WarnAt     string `json:"warn_at"`
	DueAt      string `json:"due_at"`
	State      string `json:"state"`
	WarnedAt   string `json:"warned_at,omitempty"`
	ExpiredAt  string `json:"expired_at,omitempty"`
	MetAt      string `json:"met_at,omitempty"`
	// Late is set when the duty was met after the due instant.
	Late bool `json:"late,omitempty"`
}

// warnAt is when a timer warns: a quarter of its window before it is due,
// at most a day and at least five minutes before.
func warnAt(start, due time.Time) time.Time {
	lead := due.Sub(start) / 4
	if lead > 24*time.Hour {
		lead = 24 * time.Hour
	}
	if lead < 5*time.Minute {
		lead = 5 * time.Minute
	}
	return due.Add(-lead)
}

// startTimer starts a timer of kind on incident id (and dispatch, if not 0)
// that warns at warnAt(start, due).
func (t *tx) startTimer(id, dispatch int64, kind string, start, due time.Time) error {
	return t.startTimerWarn(id, dispatch, kind, start, warnAt(start, due), due)
}

// startTimerWarn starts a timer with its own warning instant.
func (t *tx) startTimerWarn(id, dispatch int64, kind string, start, warn, due time.Time) error {
	var d any
	if dispatch != 0 {
		d = dispatch
	}
	_, err := t.ExecContext(t.ctx, `INSERT INTO timers (incident_id, dispatch_id, kind, started_at, warn_at, due_at, state)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, id, d, kind, anbao.FormatTime(start), anbao.FormatTime(warn), anbao.FormatTime(due),
		TimerPending)
	return err
}

// restartTimer gives an incident's timer of kind new warning and due
// instants (after a re-grade), or starts one; met is whether the duty is
// already met.
func (t *tx) restartTimer(id int64, kind string, start, warn, due time.Time, met bool) error {
	var n int
	if err := t.QueryRowContext(t.ctx, `SELECT COUNT(*) FROM timers WHERE incident_id = $1 AND kind = $2 AND state <> $3`, id, kind,
		TimerCancelled).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		_, err := t.ExecContext(t.ctx, `UPDATE timers SET due_at = $1, warn_at = $2 WHERE incident_id = $3 AND kind = $4 AND state IN ($5, $6)`,
			anbao.FormatTime(due), anbao.FormatTime(warn), id, kind, TimerPending, TimerWarned)
		return err
	}
	if met {
		return nil
	}
	return t.startTimerWarn(id, 0, kind, start, warn, due)
}

// cancelTimers cancels an incident's open timers of kind (the duty fell away).
func (t *tx) cancelTimers(id int64, kind string) error {
	_, err := t.ExecContext(t.ctx, `UPDATE timers SET state = $1 WHERE incident_id = $2 AND kind = $3 AND state IN ($4, $5)`,
		TimerCancelled, id, kind, TimerPending, TimerWarned)
	return err
}

// meetTimers records that the duty of kind was met at: an open timer is
// met; an expired one keeps its state and records the late instant.
func (t *tx) meetTimers(id, dispatch int64, kind string, at time.Time) error {
	q := `UPDATE timers SET met_at = $1, state = CASE WHEN state = 'expired' THEN 'expired' ELSE 'met' END
		WHERE incident_id = $2 AND kind = $3 AND met_at = '' AND state <> 'cancelled'`
	args := []any{anbao.FormatTime(at), id, kind}
	if dispatch != 0 {
		q += " AND dispatch_id = $4"
		args = append(args, dispatch)
	}
	_, err := t.ExecContext(t.ctx, q, args...)
	return err
}

func (s *Store) listTimers(ctx context.Context, id int64) ([]*Timer, error) {
	out := []*Timer{}
	err := eachRow(ctx, s.read, `SELECT id, incident_id, COALESCE(dispatch_id, 0), kind, started_at, warn_at, due_at, state, warned_at,
		expired_at, met_at FROM timers WHERE incident_id = $1 AND state <> 'cancelled' ORDER BY due_at, id`, []any{id}, func(sc scanner) error {
		tm, err := scanTimer(sc)
		if err == nil {
			out = append(out, tm)
		}
		return err
	})
	return out, err
}

func scanTimer(sc scanner) (*Timer, error) {
	var tm Timer
	if err := sc.Scan(&tm.ID, &tm.IncidentID, &tm.DispatchID, &tm.Kind, &tm.StartedAt, &tm.WarnAt, &tm.DueAt, &tm.State, &tm.WarnedAt,
		&tm.ExpiredAt, &tm.MetAt); err != nil {
		return nil, err
	}
	tm.Late = tm.MetAt != "" && tm.MetAt > tm.DueAt
	return &tm, nil
}

// TimerReport counts what one FireTimers pass did.
type TimerReport struct {
	Warned  int `json:"warned"`
	Expired int `json:"expired"`
}

// FireTimers warns and expires every timer whose instant has come, each in
// its own transaction with an incident event and an audit entry. It runs as
// the platform; a timer that came due while the server was down fires on the
// first pass after the restart.
func (s *Store) FireTimers(ctx context.Context) (*TimerReport, error) {
	ctx = anbao.WithPrincipal(ctx, anbao.SystemPrincipal("timers"))
	now := s.now()
	var due []*Timer
	err := eachRow(ctx, s.read, `SELECT id, incident_id, COALESCE(dispatch_id, 0), kind, started_at, warn_at, due_at, state, warned_at,
		expired_at, met_at FROM timers WHERE (state = 'pending' AND warn_at <= $1) OR (state = 'warned' AND due_at <= $1)
		ORDER BY due_at, id LIMIT 1000`, []any{now}, func(sc scanner) error {
		tm, err := scanTimer(sc)
		if err == nil {
			due = append(due, tm)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	rep := &TimerReport{}
	for _, tm := range due {
		state := TimerWarned
		if tm.DueAt <= now {
			state = TimerExpired
		}
		err := s.inTx(ctx, func(t *tx) error {
			col := "warned_at"
			if state == TimerExpired {
				col = "expired_at"
			}
			r, err := t.ExecContext(ctx, `UPDATE timers SET state = $1, `+col+` = $2 WHERE id = $3 AND state = $4`, state, now, tm.ID, tm.State)
			if err != nil {
				return err
			}
			if n, err := r.RowsAffected(); err != nil || n == 0 {
				return err // met or fired meanwhile
			}
			var enterprise int64
			if err := t.QueryRowContext(ctx, `SELECT enterprise_id FROM incidents WHERE id = $1`, tm.IncidentID).Scan(&enterprise); err != nil {
				return err
			}
			detail := map[string]any{"timer_id": tm.ID, "timer": tm.Kind, "due_at": tm.DueAt}
			if tm.DispatchID != 0 {
				detail["dispatch_id"] = tm.DispatchID
			}
			if err := t.incidentEvent(tm.IncidentID, "timer_"+state, detail); err != nil {
				return err
			}
			if state == TimerExpired {
				rep.Expired++
			} else {
				rep.Warned++
			}
			return t.audit(auditChange{"timer." + state, "incident", tm.IncidentID, enterprise, nil, detail})
		})
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// dbReader reads rows one at a time and in sets: *sql.DB and *tx.
type dbReader interface {
	queryer
	querier
}
