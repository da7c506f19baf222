package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/qbank"
)

// The questionnaire through the web form: a refused answer is shown beside
// its question and nothing is saved; a good save is kept; the admin attests
// once every required question is answered; the snapshot page verifies.
func TestQuestionnairePage(t *testing.T) {
	e := newUIEnv(t)
	ent := e.principal("ent1.admin").OrgID
	page := fmt.Sprintf("/enterprises/%d/questionnaire", ent)
	member := e.as("ent1.member")
	rec := member.get(page)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="qn-form"`) || !strings.Contains(rec.Body.String(), `name="q_mfa_email"`) {
		t.Fatalf("page: %d", rec.Code)
	}
	cur := qbank.Latest().Version
	rec = member.post(page, page, url.Values{"bank_version": {cur}, "q_revenue": {"lots"}, "q_mfa_email": {"yes"}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), `id="err-revenue"`) {
		t.Fatalf("bad revenue: %d", rec.Code)
	}
	if q, _ := e.st.GetQuestionnaire(uiSysFor(e, "ent1.member"), ent); len(q.Answers) != 0 {
		t.Fatalf("a refused form saved %d answers", len(q.Answers))
	}
	form := url.Values{"bank_version": {cur}}
	bank := qbank.Latest()
	for _, q := range bank.Questions {
		switch q.Type {
		case qbank.TBool:
			form.Set("q_"+q.ID, "yes")
		case qbank.TChoice:
			form.Set("q_"+q.ID, q.Choices[len(q.Choices)-1].Value)
		case qbank.TMulti:
			form.Set("m_"+q.ID, "1")
		case qbank.TMoney:
			form.Set("q_"+q.ID, "120,000,000")
		case qbank.TNumber:
			form.Set("q_"+q.ID, "8")
		case qbank.TList:
			form.Set("q_"+q.ID, "ent1.example.cn\nmail.ent1.example.cn")
		default:
			form.Set("q_"+q.ID, "王五 010-88886666")
		}
	}
	rec = member.post(page, page, form)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %.500s", rec.Code, rec.Body)
	}
	q, _ := e.st.GetQuestionnaire(uiSysFor(e, "ent1.member"), ent)
	if len(q.Missing) != 0 || q.Answers["revenue"].Value.Int == nil || *q.Answers["revenue"].Value.Int != 120_000_000 ||
		q.Answers["funds_transfer_controls"].Value.Choices == nil {
		t.Fatalf("saved %+v missing %v", q.Answers["revenue"], q.Missing)
	}
	if rec := member.post(page, page+"/attest", url.Values{"statement": {"确认"}}); rec.Code != http.StatusForbidden {
		t.Errorf("a member attesting: %d, want 403", rec.Code)
	}
	admin := e.as("ent1.admin")
	rec = admin.post(page, page+"/attest", url.Values{"statement": {"本单位确认以上回答真实、准确、完整。"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("attest: %d", rec.Code)
	}
	l, _ := e.st.ListAttestations(uiSysFor(e, "ent1.admin"), ent)
	if len(l) != 1 {
		t.Fatalf("%d attestations", len(l))
	}
	rec = admin.get(fmt.Sprintf("%s/attestations/%d", page, l[0].ID))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="att-verified"`) {
		t.Errorf("attestation page: %d", rec.Code)
	}
	if rec := e.as("ent2.admin").get(page); rec.Code != http.StatusNotFound {
		t.Errorf("another enterprise: %d", rec.Code)
	}
	if rec := e.as("miit.admin").get(page); rec.Code != http.StatusForbidden {
		t.Errorf("a regulator: %d", rec.Code)
	}
}

func uiSysFor(e *uiEnv, username string) context.Context {
	return anbao.WithPrincipal(context.Background(), e.principal(username))
}
