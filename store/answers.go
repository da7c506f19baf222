package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/qbank"
)

// AnswerRow is the current answer to one question.
type AnswerRow struct {
	Question     string      `json:"question"`
	Value        qbank.Value `json:"value"`
	EvidenceNote string      `json:"evidence_note,omitempty"`
	Revision     int         `json:"revision"`
	AnsweredBy   string      `json:"answered_by"`
	AnsweredAt   string      `json:"answered_at"`
}

// Questionnaire is an enterprise's questionnaire: the bank its answers are
// on, the answers, which questions apply, what is still missing, and the
// latest attestation.
type Questionnaire struct {
	EnterpriseID int64                `json:"enterprise_id"`
	BankVersion  string               `json:"bank_version"`
	Outdated     bool                 `json:"outdated"` // a newer bank is current: carry forward
	Answers      map[string]AnswerRow `json:"answers"`
	Applicable   map[string]bool      `json:"applicable"`
	Missing      []string             `json:"missing"`
	Version      int                  `json:"version"` // of the answer set, for optimistic concurrency
	Attestation  *Attestation         `json:"latest_attestation,omitempty"`
}

// AnswerInput is one answer to save: a null or empty value clears it.
type AnswerInput struct {
	Value        json.RawMessage `json:"value"`
	EvidenceNote string          `json:"evidence_note,omitempty"`
}

// AnswersInput is a batch of answers to one bank version; all or nothing.
type AnswersInput struct {
	BankVersion string                 `json:"bank_version"`
	Answers     map[string]AnswerInput `json:"answers"`
	Version     int                    `json:"version,omitempty"` // the answer set's version; 0 skips the check
}

// Attestation is an immutable snapshot of attested answers.
type Attestation struct {
	ID           int64                  `json:"id"`
	EnterpriseID int64                  `json:"enterprise_id"`
	BankVersion  string                 `json:"bank_version"`
	Snapshot     map[string]qbank.Value `json:"snapshot,omitempty"`
	SHA256       string                 `json:"sha256"`
	Statement    string                 `json:"statement"`
	AttestedBy   string                 `json:"attested_by"`
	AttestedName string                 `json:"attested_name"`
	AttestedAt   string                 `json:"attested_at"`
	Verified     bool                   `json:"verified"` // the snapshot still hashes to SHA256
}

// AnswerErrors lists every refused answer of a batch.
type AnswerErrors struct {
	Problems []AnswerProblem
}

// AnswerProblem is one refused answer.
type AnswerProblem struct {
	Question string `json:"question"`
	Key      string `json:"key"`
	Args     []any  `json:"args,omitempty"`
}

func (e *AnswerErrors) Error() string {
	var parts []string
	for _, p := range e.Problems {
		parts = append(parts, p.Question+": "+p.Key)
	}
	return "answers refused: " + strings.Join(parts, "; ")
}

// MaxEvidenceNote bounds the evidence note of an answer.
const MaxEvidenceNote = 1000

// GetQuestionnaire returns enterprise id's questionnaire.
func (s *Store) GetQuestionnaire(ctx context.Context, enterpriseID int64) (*Questionnaire, error) {
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	return s.questionnaire(ctx, s.read, enterpriseID)
}

func (s *Store) questionnaire(ctx context.Context, db querier, ent int64) (*Questionnaire, error) {
	out := &Questionnaire{EnterpriseID: ent, BankVersion: qbank.Latest().Version, Answers: map[string]AnswerRow{}}
	err := eachRow(ctx, db, "SELECT bank_version, version FROM answer_sets WHERE enterprise_id = $1", []any{ent}, func(sc scanner) error {
		return sc.Scan(&out.BankVersion, &out.Version)
	})
	if err != nil {
		return nil, err
	}
	vals := map[string]qbank.Value{}
	err = eachRow(ctx, db, `SELECT question, value, evidence_note, revision, answered_by, answered_at FROM answers
		WHERE enterprise_id = $1 AND is_current ORDER BY question`, []any{ent}, func(sc scanner) error {
		var a AnswerRow
		var raw string
		if err := sc.Scan(&a.Question, &raw, &a.EvidenceNote, &a.Revision, &a.AnsweredBy, &a.AnsweredAt); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(raw), &a.Value); err != nil {
			return err
		}
		out.Answers[a.Question] = a
		vals[a.Question] = a.Value
		return nil
	})
	if err != nil {
		return nil, err
	}
	bank, ok := qbank.Get(out.BankVersion)
	if !ok {
		bank = qbank.Latest()
	}
	out.Outdated = bank.Status != qbank.Current
	out.Applicable = bank.Applicable(vals)
	out.Missing = bank.Missing(vals)
	if out.Missing == nil {
		out.Missing = []string{}
	}
	atts, err := s.attestations(ctx, db, ent, 1)
	if err != nil {
		return nil, err
	}
	if len(atts) > 0 {
		out.Attestation = atts[0]
	}
	return out, nil
}

// SaveAnswers validates every answer of in against its bank version and, if
// all are valid, stores them in one transaction (a new revision of each
// changed answer), else stores nothing and returns *AnswerErrors naming each
// refused answer. Answers go to the current bank only; an enterprise on an
// older bank carries forward first.
func (s *Store) SaveAnswers(ctx context.Context, enterpriseID int64, in AnswersInput) (*Questionnaire, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayActForOwn(p, enterpriseID, anbao.ActQuestionnaireAnswer); err != nil {
		return nil, err
	}
	bank, ok := qbank.Get(in.BankVersion)
	if !ok {
		return nil, anbao.FieldError("bank_version", "qn.bank_unknown", in.BankVersion)
	}
	if bank.Status != qbank.Current {
		return nil, anbao.FieldError("bank_version", "qn.bank_retired", in.BankVersion, qbank.Latest().Version)
	}
	if len(in.Answers) == 0 {
		return nil, anbao.FieldError("answers", "qn.answers_empty")
	}
	clean := map[string]qbank.Value{}
	notes := map[string]string{}
	var probs []AnswerProblem
	ids := make([]string, 0, len(in.Answers))
	for id := range in.Answers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		a := in.Answers[id]
		q, ok := bank.Question(id)
		if !ok {
			probs = append(probs, AnswerProblem{Question: id, Key: "qn.question_unknown", Args: []any{id, bank.Version}})
			continue
		}
		var v qbank.Value
		if raw := strings.TrimSpace(string(a.Value)); raw != "" && raw != "null" {
			var err error
			if v, err = qbank.DecodeValue(a.Value); err != nil {
				probs = append(probs, AnswerProblem{Question: id, Key: "qn.answer.bad_json"})
				continue
			}
		}
		v, err := q.Check(v)
		var qe *qbank.Error
		if errors.As(err, &qe) {
			probs = append(probs, AnswerProblem{Question: id, Key: qe.Key, Args: qe.Args})
			continue
		}
		note := strings.TrimSpace(a.EvidenceNote)
		if len([]rune(note)) > MaxEvidenceNote {
			probs = append(probs, AnswerProblem{Question: id, Key: "qn.answer.too_long", Args: []any{MaxEvidenceNote}})
			continue
		}
		clean[id], notes[id] = v, note
	}
	if len(probs) > 0 {
		return nil, &anbao.Error{Code: anbao.EINVALID, Key: "qn.answers_invalid", Args: []any{len(probs)},
			Field: "answers." + probs[0].Question, Err: &AnswerErrors{Problems: probs}}
	}
	var out *Questionnaire
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		cur, err := s.questionnaire(ctx, t, enterpriseID)
		if err != nil {
			return err
		}
		if cur.BankVersion != bank.Version {
			return anbao.FieldError("bank_version", "qn.bank_retired", cur.BankVersion, bank.Version)
		}
		if in.Version != 0 && in.Version != cur.Version {
			return anbao.Errorf(anbao.ECONFLICT, "rp.version_conflict")
		}
		now := s.now()
		changed := map[string]any{}
		for _, id := range ids {
			v, note := clean[id], notes[id]
			old, had := cur.Answers[id]
			if had && sameValue(old.Value, v) && old.EvidenceNote == note {
				continue
			}
			if !had && v.Empty() {
				continue
			}
			if had {
				if _, err := t.ExecContext(ctx, "UPDATE answers SET is_current = FALSE WHERE enterprise_id = $1 AND question = $2 AND is_current",
					enterpriseID, id); err != nil {
					return err
				}
			}
			if !v.Empty() {
				raw, _ := json.Marshal(v)
				if _, err := t.ExecContext(ctx, `INSERT INTO answers (enterprise_id, question, bank_version, value, evidence_note, revision, is_current, answered_by, answered_at)
					VALUES ($1,$2,$3,$4,$5,$6,TRUE,$7,$8)`, enterpriseID, id, bank.Version, string(raw), note, old.Revision+1, p.Username, now); err != nil {
					return err
				}
				changed[id] = v
			} else {
				changed[id] = nil
			}
		}
		if len(changed) > 0 {
			if _, err := t.ExecContext(ctx, `INSERT INTO answer_sets (enterprise_id, bank_version, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (enterprise_id) DO UPDATE SET updated_at = excluded.updated_at, version = answer_sets.version + 1`,
				enterpriseID, bank.Version, now); err != nil {
				return err
			}
			if err := t.audit(auditChange{"questionnaire.answer", "organisation", enterpriseID, enterpriseID, nil,
				map[string]any{"bank_version": bank.Version, "answers": changed}}); err != nil {
				return err
			}
		}
		out, err = s.questionnaire(ctx, t, enterpriseID)
		return err
	})
	return out, err
}

func sameValue(a, b qbank.Value) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// Attest freezes the current answers of enterprise id (its admin only). Every
// required question that applies must be answered.
func (s *Store) Attest(ctx context.Context, enterpriseID int64, statement string) (*Attestation, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayActForOwn(p, enterpriseID, anbao.ActQuestionnaireAttest); err != nil {
		return nil, err
	}
	statement = strings.TrimSpace(statement)
	if statement == "" {
		return nil, anbao.FieldError("statement", "qn.statement_required")
	}
	if len([]rune(statement)) > MaxEvidenceNote {
		return nil, anbao.FieldError("statement", "qn.answer.too_long", MaxEvidenceNote)
	}
	var out *Attestation
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		cur, err := s.questionnaire(ctx, t, enterpriseID)
		if err != nil {
			return err
		}
		if cur.Outdated {
			return anbao.FieldError("bank_version", "qn.bank_retired", cur.BankVersion, qbank.Latest().Version)
		}
		if len(cur.Missing) > 0 {
			return anbao.Errorf(anbao.EINVALID, "qn.incomplete", len(cur.Missing), strings.Join(cur.Missing[:min(5, len(cur.Missing))], ", "))
		}
		snap := map[string]qbank.Value{}
		for id, a := range cur.Answers {
			if cur.Applicable[id] {
				snap[id] = a.Value
			}
		}
		raw, _ := json.Marshal(snap) // map keys are sorted: canonical
		sum := sha256.Sum256(raw)
		name := p.Username
		if u, err := s.GetUser(ctx, p.UserID); err == nil && u.DisplayName != "" {
			name = u.DisplayName
		}
		out = &Attestation{EnterpriseID: enterpriseID, BankVersion: cur.BankVersion, Snapshot: snap, SHA256: hex.EncodeToString(sum[:]),
			Statement: statement, AttestedBy: p.Username, AttestedName: name, AttestedAt: s.now(), Verified: true}
		if err := t.QueryRowContext(ctx, `INSERT INTO attestations (enterprise_id, bank_version, snapshot, sha256, statement, attested_by, attested_name, attested_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`, enterpriseID, out.BankVersion, string(raw), out.SHA256, statement,
			out.AttestedBy, out.AttestedName, out.AttestedAt).Scan(&out.ID); err != nil {
			return err
		}
		return t.audit(auditChange{"questionnaire.attest", "attestation", out.ID, enterpriseID, nil,
			map[string]any{"bank_version": out.BankVersion, "sha256": out.SHA256, "answers": len(snap)}})
	})
	return out, err
}

// ListAttestations lists enterprise id's attestations, newest first, without snapshots.
func (s *Store) ListAttestations(ctx context.Context, enterpriseID int64) ([]*Attestation, error) {
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	l, err := s.attestations(ctx, s.read, enterpriseID, 200)
	for _, a := range l {
		a.Snapshot = nil
	}
	return l, err
}

// GetAttestation returns one attestation with its snapshot, its hash checked.
func (s *Store) GetAttestation(ctx context.Context, enterpriseID, id int64) (*Attestation, error) {
	if err := s.readableAssessment(ctx, s.read, anbao.PrincipalFrom(ctx), enterpriseID); err != nil {
		return nil, err
	}
	l, err := s.attestationsWhere(ctx, s.read, "enterprise_id = $1 AND id = $2", []any{enterpriseID, id}, 1)
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, anbao.ErrNotFound("attestation")
	}
	return l[0], nil
}

func (s *Store) attestations(ctx context.Context, db querier, ent int64, limit int) ([]*Attestation, error) {
	return s.attestationsWhere(ctx, db, "enterprise_id = $1", []any{ent}, limit)
}

func (s *Store) attestationsWhere(ctx context.Context, db querier, cond string, args []any, limit int) ([]*Attestation, error) {
	out := []*Attestation{}
	err := eachRow(ctx, db, `SELECT id, enterprise_id, bank_version, snapshot, sha256, statement, attested_by, attested_name, attested_at
		FROM attestations WHERE `+cond+` ORDER BY id DESC LIMIT `+itoa(limit), args, func(sc scanner) error {
		a := &Attestation{}
		var raw string
		if err := sc.Scan(&a.ID, &a.EnterpriseID, &a.BankVersion, &raw, &a.SHA256, &a.Statement, &a.AttestedBy, &a.AttestedName, &a.AttestedAt); err != nil {
			return err
		}
		sum := sha256.Sum256([]byte(raw))
		a.Verified = hex.EncodeToString(sum[:]) == a.SHA256
		if err := json.Unmarshal([]byte(raw), &a.Snapshot); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}

// CarryForwardReport says what moving to the current bank did.
type CarryForwardReport struct {
	From    string          `json:"from"`
	To      string          `json:"to"`
	Carried []qbank.Carried `json:"carried"`
}

// CarryForward moves enterprise id's answers to the current bank.
func (s *Store) CarryForward(ctx context.Context, enterpriseID int64) (*CarryForwardReport, error) {
	p := anbao.PrincipalFrom(ctx)
	if err := MayActForOwn(p, enterpriseID, anbao.ActQuestionnaireAnswer); err != nil {
		return nil, err
	}
	var rep *CarryForwardReport
	err := s.inTx(ctx, func(t *tx) error {
		if err := t.writableEnterpriseFor(enterpriseID); err != nil {
			return err
		}
		cur, err := s.questionnaire(ctx, t, enterpriseID)
		if err != nil {
			return err
		}
		to := qbank.Latest()
		if !cur.Outdated {
			return anbao.Errorf(anbao.ECONFLICT, "qn.bank_current", to.Version)
		}
		from, _ := qbank.Get(cur.BankVersion)
		vals := map[string]qbank.Value{}
		for id, a := range cur.Answers {
			vals[id] = a.Value
		}
		next, carried := qbank.CarryForward(from, to, vals)
		rep = &CarryForwardReport{From: from.Version, To: to.Version, Carried: carried}
		now := s.now()
		if _, err := t.ExecContext(ctx, "UPDATE answers SET is_current = FALSE WHERE enterprise_id = $1 AND is_current", enterpriseID); err != nil {
			return err
		}
		for id, v := range next {
			raw, _ := json.Marshal(v)
			old := cur.Answers[id]
			for _, c := range carried {
				if c.To == id && c.From != id {
					old = cur.Answers[c.From]
				}
			}
			if _, err := t.ExecContext(ctx, `INSERT INTO answers (enterprise_id, question, bank_version, value, evidence_note, revision, is_current, answered_by, answered_at)
				VALUES ($1,$2,$3,$4,$5,$6,TRUE,$7,$8)`, enterpriseID, id, to.Version, string(raw), old.EvidenceNote, old.Revision+1, old.AnsweredBy, now); err != nil {
				return err
			}
		}
		if _, err := t.ExecContext(ctx, "UPDATE answer_sets SET bank_version = $1, updated_at = $2, version = version + 1 WHERE enterprise_id = $3",
			to.Version, now, enterpriseID); err != nil {
			return err
		}
		return t.audit(auditChange{"questionnaire.carry_forward", "organisation", enterpriseID, enterpriseID, nil, rep})
	})
	return rep, err
}

// loadScoreAnswers reads the current, applicable answers of the enterprises
// ids (nil: all) in the score's form.
func (s *Store) loadScoreAnswers(ctx context.Context, db querier, ids []int64) (map[int64]map[string]assess.Answer, error) {
	vals := map[int64]map[string]qbank.Value{}
	banks := map[int64]string{}
	cond, args := enterpriseSet("enterprise_id", ids, 1)
	err := eachRow(ctx, db, "SELECT enterprise_id, bank_version FROM answer_sets WHERE "+cond, args, func(sc scanner) error {
		var id int64
		var v string
		if err := sc.Scan(&id, &v); err != nil {
			return err
		}
		banks[id] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, db, "SELECT enterprise_id, question, value FROM answers WHERE is_current AND "+cond, args, func(sc scanner) error {
		var id int64
		var q, raw string
		if err := sc.Scan(&id, &q, &raw); err != nil {
			return err
		}
		v, err := decodeStoredValue(raw)
		if err != nil {
			return err
		}
		if vals[id] == nil {
			vals[id] = map[string]qbank.Value{}
		}
		vals[id][q] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]map[string]assess.Answer, len(vals))
	for id, m := range vals {
		bank, ok := qbank.Get(banks[id])
		if !ok {
			bank = qbank.Latest()
		}
		app := bank.Applicable(m)
		a := make(map[string]assess.Answer, len(m))
		for q, v := range m {
			if app[q] {
				a[q] = assess.Answer(v)
			}
		}
		out[id] = a
	}
	return out, nil
}

// loadDemoAnswers stores the demo answers on the current bank, attested by
// each enterprise's admin for the first enterprises.
func (s *Store) loadDemoAnswers(t *tx, ref func(int) int64, as []demo.Assessment) error {
	bank := qbank.Latest()
	var rows, sets, atts [][]any
	for _, a := range as {
		ent := ref(a.EnterpriseRef)
		vals := map[string]qbank.Value{}
		for id, v := range a.Answers {
			q, ok := bank.Question(id)
			if !ok {
				return errors.New("demo answer to an unknown question " + id)
			}
			cv, err := q.Check(qbank.Value(v))
			if err != nil {
				return err
			}
			raw, _ := json.Marshal(cv)
			rows = append(rows, []any{ent, id, bank.Version, string(raw), 1, true, "demo", "2026-10-15T02:00:00.000000Z"})
			vals[id] = cv
		}
		sets = append(sets, []any{ent, bank.Version, "2026-10-15T02:00:00.000000Z"})
		// Complete questionnaires were attested by the enterprise's admin.
		if len(bank.Missing(vals)) == 0 {
			app := bank.Applicable(vals)
			snap := map[string]qbank.Value{}
			for id, v := range vals {
				if app[id] {
					snap[id] = v
				}
			}
			raw, _ := json.Marshal(snap)
			sum := sha256.Sum256(raw)
			atts = append(atts, []any{ent, bank.Version, string(raw), hex.EncodeToString(sum[:]), "本单位确认以上回答真实、准确、完整。",
				"demo", "企业管理员", "2026-10-15T03:00:00.000000Z"})
		}
	}
	if err := t.insertRows("answer_sets", "enterprise_id, bank_version, updated_at", sets); err != nil {
		return err
	}
	if err := t.insertRows("attestations", "enterprise_id, bank_version, snapshot, sha256, statement, attested_by, attested_name, attested_at", atts); err != nil {
		return err
	}
	return t.insertRows("answers", "enterprise_id, question, bank_version, value, revision, is_current, answered_by, answered_at", rows)
}

var (
	storedTrue  = true
	storedFalse = false
)

// decodeStoredValue reads a stored answer, with a fast path for the forms
// most answers take (a yes/no, a plain choice): re-scoring every enterprise
// reads some 80,000 of them.
func decodeStoredValue(raw string) (qbank.Value, error) {
	switch raw {
	case `{"bool":true}`:
		return qbank.Value{Bool: &storedTrue}, nil
	case `{"bool":false}`:
		return qbank.Value{Bool: &storedFalse}, nil
	}
	if c, ok := strings.CutPrefix(raw, `{"choice":"`); ok {
		if c, ok = strings.CutSuffix(c, `"}`); ok && !strings.ContainsAny(c, `"\`) {
			return qbank.Value{Choice: c}, nil
		}
	}
	var v qbank.Value
	err := json.Unmarshal([]byte(raw), &v)
	return v, err
}
