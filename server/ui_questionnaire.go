package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
	"github.com/anbao/anbao/qbank"
	"github.com/anbao/anbao/store"
)

// The questionnaire page (/enterprises/{id}/questionnaire): questions grouped
// by control domain, typed inputs with help, skip logic, save (all or
// nothing, each refused answer shown beside its question), attest, the
// attestation history with each snapshot, and carrying answers forward.

func (s *Server) registerQuestionnaireUI() error {
	for _, name := range []string{"questionnaire", "attestation"} {
		if err := s.ui.addExtraPage(name); err != nil {
			return err
		}
	}
	const base = "/enterprises/{id}/questionnaire"
	s.mux.HandleFunc("GET "+base, s.uiAuth(s.uiQuestionnaire))
	s.mux.HandleFunc("POST "+base, s.uiAuth(s.uiSaveQuestionnaire))
	s.mux.HandleFunc("POST "+base+"/attest", s.uiAuth(s.uiAttest))
	s.mux.HandleFunc("POST "+base+"/carry-forward", s.uiAuth(s.uiCarryForward))
	s.mux.HandleFunc("GET "+base+"/attestations/{attestation_id}", s.uiAuth(s.uiAttestation))
	s.mux.HandleFunc("POST "+base+"/evidence", s.uiAuth(s.uiAnswerEvidence))
	s.allowBodySuffix("/questionnaire/evidence", store.MaxEvidenceBytes+1<<20)
	return nil
}

type uiQuestion struct {
	Q        *qbank.Question
	Applies  bool
	Answer   *store.AnswerRow
	Err      string
	Evidence []*store.AnswerEvidence
}

type uiDomain struct {
	ID        string
	Questions []*uiQuestion
}

type uiQuestionnaireData struct {
	Org          *anbao.Organisation
	QN           *store.Questionnaire
	Bank         *qbank.Bank
	Domains      []uiDomain
	CanAnswer    bool
	CanAttest    bool
	Attestations []*store.Attestation
	Posted       bool // the page shows posted values after an error
	Problems     int
}

func (s *Server) uiQuestionnaire(w http.ResponseWriter, r *http.Request) {
	s.showQuestionnaire(w, r, nil, nil)
}

// showQuestionnaire renders the page; posted and errs are the refused form.
func (s *Server) showQuestionnaire(w http.ResponseWriter, r *http.Request, posted map[string]store.AnswerInput, saveErr error) {
	p := s.newPage(r, "ui.qn.title", "enterprises")
	ctx := r.Context()
	ent, err := pathID(r, "id")
	if err == nil {
		err = s.store.ReadableAssessment(ctx, ent)
	}
	var o *anbao.Organisation
	if err == nil {
		o, err = s.store.GetOrganisation(ctx, ent)
	}
	var qn *store.Questionnaire
	if err == nil {
		qn, err = s.store.GetQuestionnaire(ctx, ent)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	bank, _ := qbank.Get(qn.BankVersion)
	d := &uiQuestionnaireData{Org: o, QN: qn, Bank: bank,
		CanAnswer: store.MayActForOwn(p.P, ent, anbao.ActQuestionnaireAnswer) == nil && !qn.Outdated,
		CanAttest: store.MayActForOwn(p.P, ent, anbao.ActQuestionnaireAttest) == nil && !qn.Outdated}
	d.Attestations, _ = s.store.ListAttestations(ctx, ent)
	evidence, _ := s.store.ListAnswerEvidence(ctx, ent)
	probs := map[string]string{}
	var ae *store.AnswerErrors
	if errors.As(saveErr, &ae) {
		for _, pr := range ae.Problems {
			probs[pr.Question] = i18n.T(p.Lang, pr.Key, pr.Args...)
		}
		d.Posted, d.Problems = true, len(ae.Problems)
	}
	for _, dom := range qbank.Domains {
		ud := uiDomain{ID: dom}
		for i := range bank.Questions {
			q := &bank.Questions[i]
			if q.Domain != dom {
				continue
			}
			uq := &uiQuestion{Q: q, Applies: qn.Applicable[q.ID], Err: probs[q.ID], Evidence: evidence[q.ID]}
			if a, ok := qn.Answers[q.ID]; ok {
				uq.Answer = &a
			}
			if in, ok := posted[q.ID]; ok && d.Posted {
				v, _ := qbank.DecodeValue(in.Value)
				uq.Answer = &store.AnswerRow{Question: q.ID, Value: v, EvidenceNote: in.EvidenceNote}
			}
			ud.Questions = append(ud.Questions, uq)
		}
		if len(ud.Questions) > 0 {
			d.Domains = append(d.Domains, ud)
		}
	}
	p.Data = d
	p.Title = p.OrgName(o) + " · " + p.T("ui.qn.title")
	status := http.StatusOK
	if saveErr != nil {
		status = p.setError("qn", nil, saveErr, s, r)
	}
	s.render(w, r, status, "questionnaire", p)
}

// readAnswers turns the form into answers: q_<id> holds the value; m_<id>
// marks a multiple-choice question (so that no box ticked means "none");
// n_<id> is the evidence note. Questions absent from the form are left alone.
func readAnswers(r *http.Request, bank *qbank.Bank) map[string]store.AnswerInput {
	out := map[string]store.AnswerInput{}
	f := r.PostForm
	for i := range bank.Questions {
		q := &bank.Questions[i]
		key := "q_" + q.ID
		_, has := f[key]
		_, multi := f["m_"+q.ID]
		if !has && !multi {
			continue
		}
		raw := strings.TrimSpace(f.Get(key))
		var v qbank.Value
		switch q.Type {
		case qbank.TBool:
			if raw != "" {
				b := raw == "yes"
				v.Bool = &b
			}
		case qbank.TChoice:
			v.Choice = raw
		case qbank.TMulti:
			v.Choices = []string{}
			for _, c := range f[key] {
				if c != "" {
					v.Choices = append(v.Choices, c)
				}
			}
		case qbank.TMoney:
			if raw != "" {
				if n, err := strconv.ParseInt(strings.NewReplacer(",", "", "，", "", " ", "").Replace(raw), 10, 64); err == nil {
					v.Int = &n
				} else {
					v.Text = raw // refused by the check with a clear message
				}
			}
		case qbank.TNumber:
			if raw != "" {
				if x, err := strconv.ParseFloat(raw, 64); err == nil {
					v.Number = &x
				} else {
					v.Text = raw
				}
			}
		case qbank.TList:
			if raw != "" {
				v.List = strings.FieldsFunc(raw, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' || r == '，' })
			}
		default:
			v.Text = raw
		}
		b, _ := json.Marshal(v)
		if v.Empty() {
			b = []byte("null")
		}
		out[q.ID] = store.AnswerInput{Value: b, EvidenceNote: f.Get("n_" + q.ID)}
	}
	return out
}

func (s *Server) uiSaveQuestionnaire(w http.ResponseWriter, r *http.Request) {
	ent, err := pathID(r, "id")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	bank, ok := qbank.Get(r.PostFormValue("bank_version"))
	if !ok {
		s.writeError(w, r, anbao.FieldError("bank_version", "qn.bank_unknown", r.PostFormValue("bank_version")))
		return
	}
	answers := readAnswers(r, bank)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err = s.store.SaveAnswers(r.Context(), ent, store.AnswersInput{BankVersion: bank.Version, Answers: answers, Version: version})
	var ae *store.AnswerErrors
	if errors.As(err, &ae) {
		s.showQuestionnaire(w, r, answers, err)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/enterprises/%d/questionnaire?ok=saved", ent), http.StatusSeeOther)
}

func (s *Server) uiAttest(w http.ResponseWriter, r *http.Request) {
	ent, err := pathID(r, "id")
	if err == nil {
		_, err = s.store.Attest(r.Context(), ent, r.PostFormValue("statement"))
	}
	if err != nil {
		var e *anbao.Error
		if errors.As(err, &e) && e.Code == anbao.EINVALID {
			s.showQuestionnaire(w, r, nil, err)
			return
		}
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/enterprises/%d/questionnaire?ok=saved#attestations", ent), http.StatusSeeOther)
}

func (s *Server) uiCarryForward(w http.ResponseWriter, r *http.Request) {
	ent, err := pathID(r, "id")
	if err == nil {
		_, err = s.store.CarryForward(r.Context(), ent)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/enterprises/%d/questionnaire?ok=saved", ent), http.StatusSeeOther)
}

type uiAttestationData struct {
	Org  *anbao.Organisation
	A    *store.Attestation
	Rows []uiAttestRow
}

type uiAttestRow struct {
	Q     *qbank.Question
	Value string
}

func (s *Server) uiAttestation(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, "ui.qn.attestation", "enterprises")
	ent, id, err := ids(r, "attestation_id")
	var a *store.Attestation
	if err == nil {
		a, err = s.store.GetAttestation(r.Context(), ent, id)
	}
	var o *anbao.Organisation
	if err == nil {
		o, err = s.store.GetOrganisation(r.Context(), ent)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	bank, _ := qbank.Get(a.BankVersion)
	d := &uiAttestationData{Org: o, A: a}
	for i := range bank.Questions {
		q := &bank.Questions[i]
		if v, ok := a.Snapshot[q.ID]; ok {
			d.Rows = append(d.Rows, uiAttestRow{Q: q, Value: p.AnswerText(q, v)})
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "attestation", p)
}

// AnswerText shows an answer in the page's language.
func (p *uiPage) AnswerText(q *qbank.Question, v qbank.Value) string {
	label := func(c string) string {
		for _, ch := range q.Choices {
			if ch.Value == c {
				return p.Pick(ch.ZH, ch.EN)
			}
		}
		return c
	}
	switch {
	case v.Bool != nil:
		if *v.Bool {
			return p.T("ui.qn.yes")
		}
		return p.T("ui.qn.no")
	case v.Choice != "":
		return label(v.Choice)
	case v.Choices != nil:
		if len(v.Choices) == 0 {
			return p.T("ui.qn.none_of_these")
		}
		var out []string
		for _, c := range v.Choices {
			out = append(out, label(c))
		}
		return strings.Join(out, "、")
	case v.Int != nil:
		return groupDigits(*v.Int)
	case v.Number != nil:
		return strconv.FormatFloat(*v.Number, 'f', -1, 64)
	case v.List != nil:
		return strings.Join(v.List, ", ")
	}
	return v.Text
}

// AnswerInput is the value of a question's text input.
func (p *uiPage) AnswerInput(uq *uiQuestion) string {
	if uq.Answer == nil {
		return ""
	}
	v := uq.Answer.Value
	switch {
	case v.Int != nil:
		return strconv.FormatInt(*v.Int, 10)
	case v.Number != nil:
		return strconv.FormatFloat(*v.Number, 'f', -1, 64)
	case v.List != nil:
		return strings.Join(v.List, "\n")
	}
	return v.Text
}

// Answered reports whether the question's answer is value (a bool "yes"/"no", a choice).
func (uq *uiQuestion) Answered(value string) bool {
	if uq.Answer == nil {
		return false
	}
	v := uq.Answer.Value
	switch {
	case v.Bool != nil:
		return (value == "yes") == *v.Bool
	case v.Choice != "":
		return v.Choice == value
	}
	for _, c := range v.Choices {
		if c == value {
			return true
		}
	}
	return false
}

// uiAnswerEvidence attaches an uploaded file to an answer.
func (s *Server) uiAnswerEvidence(w http.ResponseWriter, r *http.Request) {
	ent, err := pathID(r, "id")
	if err == nil {
		err = store.MayActForOwn(anbao.PrincipalFrom(r.Context()), ent, anbao.ActQuestionnaireAnswer)
	}
	if err == nil {
		err = r.ParseMultipartForm(store.MaxEvidenceBytes)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		s.showQuestionnaire(w, r, nil, anbao.FieldError("file", "evidence.empty"))
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, store.MaxEvidenceBytes+1))
	if err == nil {
		_, err = s.store.AddAnswerEvidence(r.Context(), ent, r.FormValue("question"), &store.EvidenceUpload{Filename: hdr.Filename, Data: data})
	}
	if err != nil {
		var e *anbao.Error
		if errors.As(err, &e) && (e.Code == anbao.EINVALID || e.Code == anbao.ETOOLARGE || e.Code == anbao.ECONFLICT) {
			s.showQuestionnaire(w, r, nil, err)
			return
		}
		s.writeError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/enterprises/%d/questionnaire?ok=saved#q-%s", ent, r.FormValue("question")), http.StatusSeeOther)
}
