package store_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/qbank"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

func ans(raw string) store.AnswerInput { return store.AnswerInput{Value: json.RawMessage(raw)} }

// Answers are validated as a batch (all or nothing, every problem named),
// versioned per question, attested as an immutable snapshot, scoped to the
// assessment's readers, and carried forward from a retired bank.
func TestQuestionnaire(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		setClock(st, t0)
		ent := firstEnterprise(t, st)
		member, admin := as(t, st, "ent1.member"), as(t, st, "ent1.admin")
		cur := qbank.Latest().Version
		audits := auditCount(t, st)

		_, err := st.SaveAnswers(member, ent, store.AnswersInput{BankVersion: cur, Answers: map[string]store.AnswerInput{
			"mfa_email": ans(`{"bool":true}`), "edr": ans(`{"choice":"xdr"}`), "telepathy": ans(`{"bool":true}`), "revenue": ans(`{"int":-5}`)}})
		var ae *store.AnswerErrors
		if !errors.As(err, &ae) || len(ae.Problems) != 3 {
			t.Fatalf("bad batch: %v", err)
		}
		_, err = st.SaveAnswers(member, ent, store.AnswersInput{BankVersion: "2026.1", Answers: map[string]store.AnswerInput{"mfa_email": ans(`{"bool":true}`)}})
		wantErr(t, err, anbao.EINVALID, "qn.bank_retired")
		_, err = st.SaveAnswers(member, ent, store.AnswersInput{BankVersion: "1999.9", Answers: map[string]store.AnswerInput{"mfa_email": ans(`{"bool":true}`)}})
		wantErr(t, err, anbao.EINVALID, "qn.bank_unknown")
		_, err = st.SaveAnswers(as(t, st, "ent2.admin"), ent, store.AnswersInput{BankVersion: cur, Answers: map[string]store.AnswerInput{"mfa_email": ans(`{"bool":true}`)}})
		wantErr(t, err, anbao.ENOTFOUND, "")
		_, err = st.SaveAnswers(as(t, st, "prov1.admin"), ent, store.AnswersInput{BankVersion: cur, Answers: map[string]store.AnswerInput{"mfa_email": ans(`{"bool":true}`)}})
		wantErr(t, err, anbao.EFORBIDDEN, "")
		if n := count(t, st, "SELECT COUNT(*) FROM answers"); n != 0 {
			t.Fatalf("refused batches wrote %d answers", n)
		}
		audits += 2 // the two logins above
		if got := auditCount(t, st); got != audits {
			t.Errorf("refused batches audited: %d → %d", audits, got)
		}

		q, err := st.SaveAnswers(member, ent, store.AnswersInput{BankVersion: cur, Answers: map[string]store.AnswerInput{
			"mfa_email": ans(`{"bool":false}`), "backup_frequency": ans(`{"choice":"none"}`), "revenue": ans(`{"int":80000000}`)}})
		must(t, err)
		if q.Answers["mfa_email"].Revision != 1 || q.Applicable["backup_offline"] || len(q.Missing) == 0 {
			t.Errorf("after saving: %+v", q)
		}
		q, err = st.SaveAnswers(member, ent, store.AnswersInput{BankVersion: cur, Version: q.Version, Answers: map[string]store.AnswerInput{
			"mfa_email": ans(`{"bool":true}`), "revenue": ans(`null`)}})
		must(t, err)
		if q.Answers["mfa_email"].Revision != 2 || q.Answers["revenue"].Revision != 0 {
			t.Errorf("second save: %+v", q.Answers)
		}
		if n := count(t, st, "SELECT COUNT(*) FROM answers WHERE enterprise_id = $1 AND question = 'mfa_email'", ent); n != 2 {
			t.Errorf("%d revisions of mfa_email kept, want 2", n)
		}
		_, err = st.SaveAnswers(member, ent, store.AnswersInput{BankVersion: cur, Version: 1, Answers: map[string]store.AnswerInput{"pam": ans(`{"bool":true}`)}})
		wantErr(t, err, anbao.ECONFLICT, "")

		// Attesting needs every required answer; then the snapshot is immutable.
		_, err = st.Attest(admin, ent, "以上信息真实、准确、完整。")
		wantErr(t, err, anbao.EINVALID, "qn.incomplete")
		_, err = st.Attest(member, ent, "x")
		wantErr(t, err, anbao.EFORBIDDEN, "")
		// Answer what is missing until nothing is: answers open further questions.
		for round := 0; len(q.Missing) > 0 && round < 3; round++ {
			all := map[string]store.AnswerInput{}
			for _, id := range q.Missing {
				all[id] = validAnswer(id)
			}
			q, err = st.SaveAnswers(member, ent, store.AnswersInput{BankVersion: cur, Answers: all})
			must(t, err)
		}
		at, err := st.Attest(admin, ent, "以上信息真实、准确、完整。")
		must(t, err)
		if !at.Verified || len(at.SHA256) != 64 || at.Snapshot["mfa_email"].Bool == nil {
			t.Fatalf("attestation %+v", at)
		}
		_, err = st.SaveAnswers(member, ent, store.AnswersInput{BankVersion: cur, Answers: map[string]store.AnswerInput{"mfa_email": ans(`{"bool":false}`)}})
		must(t, err)
		got, err := st.GetAttestation(as(t, st, "ins1.uw"), ent, at.ID)
		must(t, err)
		if !got.Verified || !*got.Snapshot["mfa_email"].Bool {
			t.Errorf("the insurer's view of the attestation changed with a later answer: %+v", got.Snapshot["mfa_email"])
		}
		if _, err := st.RawDB().Exec("UPDATE attestations SET snapshot = REPLACE(snapshot, 'true', 'false') WHERE id = $1", at.ID); err != nil {
			t.Fatal(err)
		}
		got, err = st.GetAttestation(admin, ent, at.ID)
		must(t, err)
		if got.Verified {
			t.Error("a tampered snapshot still verifies")
		}
		_, err = st.GetQuestionnaire(as(t, st, "miit.admin"), ent)
		wantErr(t, err, anbao.EFORBIDDEN, "")
		_, err = st.GetQuestionnaire(as(t, st, "ent2.admin"), ent)
		wantErr(t, err, anbao.ENOTFOUND, "")

		// A set on the retired bank carries forward.
		_, err = st.CarryForward(member, ent)
		wantErr(t, err, anbao.ECONFLICT, "qn.bank_current")
		if _, err := st.RawDB().Exec("UPDATE answer_sets SET bank_version = '2026.1' WHERE enterprise_id = $1", ent); err != nil {
			t.Fatal(err)
		}
		if _, err := st.RawDB().Exec(`INSERT INTO answers (enterprise_id, question, bank_version, value, revision, is_current, answered_by, answered_at)
			VALUES ($1, 'log_monitoring', '2026.1', '{"bool":true}', 1, TRUE, 'x', 'x')`, ent); err != nil {
			t.Fatal(err)
		}
		q, err = st.GetQuestionnaire(member, ent)
		must(t, err)
		if !q.Outdated {
			t.Fatal("a set on 2026.1 is not outdated")
		}
		rep, err := st.CarryForward(member, ent)
		must(t, err)
		q, err = st.GetQuestionnaire(member, ent)
		must(t, err)
		if q.Outdated || q.Answers["security_monitoring"].Value.Bool == nil || rep.To != cur {
			t.Errorf("after carrying forward: %+v %+v", rep, q.Answers["security_monitoring"])
		}
	})
}

// validAnswer is a valid answer to question id of the current bank.
func validAnswer(id string) store.AnswerInput {
	qq, _ := qbank.Latest().Question(id)
	switch qq.Type {
	case qbank.TBool:
		return ans(`{"bool":true}`)
	case qbank.TChoice:
		return ans(`{"choice":"` + qq.Choices[len(qq.Choices)-1].Value + `"}`)
	case qbank.TMulti:
		return ans(`{"choices":[]}`)
	case qbank.TMoney:
		return ans(`{"int":1000000}`)
	case qbank.TNumber:
		return ans(`{"number":8}`)
	case qbank.TList:
		return ans(`{"list":["ent1.example.cn"]}`)
	}
	return ans(`{"text":"张三 010-12345678"}`)
}

// The fast path reads stored answers exactly as encoding/json does.
func TestDecodeStoredValue(t *testing.T) {
	for _, raw := range []string{`{"bool":true}`, `{"bool":false}`, `{"choice":"edr"}`, `{"choice":"a\"b"}`, `{"choices":[]}`,
		`{"int":5}`, `{"list":["a.cn"]}`, `{"choice":"x","text":"y"}`} {
		got, err := store.DecodeStoredValueForTest(raw)
		var want qbank.Value
		werr := json.Unmarshal([]byte(raw), &want)
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		if (err == nil) != (werr == nil) || string(a) != string(b) {
			t.Errorf("%s: %s %v, want %s %v", raw, a, err, b, werr)
		}
	}
}

// Evidence files on answers: checked like a finding's, hashed, scoped.
func TestAnswerEvidence(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		ent := firstEnterprise(t, st)
		member := as(t, st, "ent1.member")
		pdf := append([]byte("%PDF-1.4\n"), make([]byte, 100)...)
		_, err := st.AddAnswerEvidence(member, ent, "mfa_email", &store.EvidenceUpload{Filename: "x.exe", Data: []byte("MZ\x90\x00binary")})
		wantErr(t, err, anbao.EINVALID, "evidence.type")
		_, err = st.AddAnswerEvidence(member, ent, "mfa_email", &store.EvidenceUpload{Filename: "big.pdf", Data: append(pdf, make([]byte, store.MaxEvidenceBytes)...)})
		wantErr(t, err, anbao.ETOOLARGE, "evidence.too_large")
		_, err = st.AddAnswerEvidence(member, ent, "telepathy", &store.EvidenceUpload{Filename: "a.pdf", Data: pdf})
		wantErr(t, err, anbao.EINVALID, "qn.question_unknown")
		_, err = st.AddAnswerEvidence(as(t, st, "ent2.admin"), ent, "mfa_email", &store.EvidenceUpload{Filename: "a.pdf", Data: pdf})
		wantErr(t, err, anbao.ENOTFOUND, "")
		if n := count(t, st, "SELECT COUNT(*) FROM answer_evidence"); n != 0 {
			t.Fatalf("refused uploads wrote %d files", n)
		}
		ev, err := st.AddAnswerEvidence(member, ent, "mfa_email", &store.EvidenceUpload{Filename: "MFA 策略.pdf", Data: pdf})
		must(t, err)
		if ev.ContentType != "application/pdf" || len(ev.SHA256) != 64 {
			t.Errorf("stored %+v", ev)
		}
		l, err := st.ListAnswerEvidence(as(t, st, "ins1.uw"), ent)
		must(t, err)
		if len(l["mfa_email"]) != 1 {
			t.Errorf("the insurer sees %+v", l)
		}
		_, data, err := st.GetAnswerEvidence(member, ent, ev.ID)
		must(t, err)
		if string(data) != string(pdf) {
			t.Error("the bytes differ")
		}
		_, _, err = st.GetAnswerEvidence(as(t, st, "miit.admin"), ent, ev.ID)
		wantErr(t, err, anbao.EFORBIDDEN, "")
	})
}

// The demo's complete questionnaires are attested, and their snapshots verify.
func TestDemoAttestations(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	p := demo.Generate(pilotSeed, pilotEnterprises)
	must(t, st.LoadDemo(sys(), p))
	must(t, st.LoadDemoAssessments(sys(), p, demo.GenerateAssessments(p, pilotSeed)))
	ent := firstEnterprise(t, st)
	q, err := st.GetQuestionnaire(as(t, st, "ent1.admin"), ent)
	must(t, err)
	if len(q.Missing) != 0 || q.Attestation == nil || !q.Attestation.Verified {
		t.Fatalf("ent1's demo questionnaire: missing %v, attestation %+v", q.Missing, q.Attestation)
	}
}
