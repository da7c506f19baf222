package server

import (
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/qbank"
	"github.com/anbao/anbao/store"
)

// The questionnaire API: the versioned question bank, an enterprise's
// answers (batch, all or nothing, every refused answer named in
// "problems"), attestations, and carrying answers forward to a new bank.

// BankSummary describes one bank version.
type BankSummary struct {
	Version   string `json:"version"`
	Status    string `json:"status"`
	Published string `json:"published"`
	NotesZH   string `json:"notes_zh"`
	NotesEN   string `json:"notes_en"`
	Questions int    `json:"questions"`
}

// AttestRequest is the body of POST …/questionnaire/attest.
type AttestRequest struct {
	Statement string `json:"statement"`
}

func (s *Server) registerQuestionnaireAPI() {
	const tag = "questionnaire"
	const base = "/api/v1/enterprises/{id}/questionnaire"
	s.api(route{Method: "GET", Path: "/api/v1/questionnaire/banks", OpID: "listBanks", Tag: tag,
		Summary: "The question-bank versions, oldest first", Resp: []BankSummary{}, handle: s.apiBanks})
	s.api(route{Method: "GET", Path: "/api/v1/questionnaire/banks/{version}", OpID: "getBank", Tag: tag,
		Summary: "One bank version: every question with its type, choices, help, effects, domain, GB/T 22239 clause and skip condition",
		Resp:    qbank.Bank{}, handle: s.apiBank})
	s.api(route{Method: "GET", Path: base, OpID: "getQuestionnaire", Tag: tag,
		Summary: "The enterprise's current answers, which questions apply, what is missing and the latest attestation",
		Resp:    store.Questionnaire{}, handle: s.apiQuestionnaire})
	s.api(route{Method: "PUT", Path: base + "/answers", OpID: "saveAnswers", Tag: tag,
		Summary: "Save answers to the current bank (the enterprise's admins and members): all or nothing; a null value clears an answer; " +
			"every refused answer is listed in problems",
		Body: store.AnswersInput{}, Resp: store.Questionnaire{}, handle: s.apiSaveAnswers})
	s.api(route{Method: "POST", Path: base + "/attest", OpID: "attest", Tag: tag, Status: 201,
		Summary: "Attest the current answers (the enterprise's admin): an immutable snapshot with its SHA-256",
		Body:    AttestRequest{}, Resp: store.Attestation{}, handle: s.apiAttest})
	s.api(route{Method: "GET", Path: base + "/attestations", OpID: "listAttestations", Tag: tag,
		Summary: "Attestations, newest first", Resp: []*store.Attestation{}, handle: s.apiAttestations})
	s.api(route{Method: "GET", Path: base + "/attestations/{attestation_id}", OpID: "getAttestation", Tag: tag,
		Summary: "One attestation with its snapshot; verified says whether the snapshot still matches its hash",
		Resp:    store.Attestation{}, handle: s.apiAttestation})
	s.api(route{Method: "POST", Path: base + "/carry-forward", OpID: "carryForward", Tag: tag,
		Summary: "Move the answers from a retired bank to the current one; reports what was carried and what was dropped",
		Resp:    store.CarryForwardReport{}, handle: s.apiCarryForward})
}

func (s *Server) apiBanks(w http.ResponseWriter, r *http.Request) (any, error) {
	out := []BankSummary{}
	for _, b := range qbank.Versions() {
		out = append(out, BankSummary{b.Version, b.Status, b.Published, b.NotesZH, b.NotesEN, len(b.Questions)})
	}
	return out, nil
}

func (s *Server) apiBank(w http.ResponseWriter, r *http.Request) (any, error) {
	b, ok := qbank.Get(r.PathValue("version"))
	if !ok {
		return nil, anbao.ErrNotFound("bank")
	}
	return b, nil
}

func (s *Server) apiQuestionnaire(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.GetQuestionnaire(r.Context(), ent)
}

func (s *Server) apiSaveAnswers(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if err := store.MayActForOwn(anbao.PrincipalFrom(r.Context()), ent, anbao.ActQuestionnaireAnswer); err != nil {
		return nil, err
	}
	var in store.AnswersInput
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.SaveAnswers(r.Context(), ent, in)
}

func (s *Server) apiAttest(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if err := store.MayActForOwn(anbao.PrincipalFrom(r.Context()), ent, anbao.ActQuestionnaireAttest); err != nil {
		return nil, err
	}
	var in AttestRequest
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return s.store.Attest(r.Context(), ent, in.Statement)
}

func (s *Server) apiAttestations(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.ListAttestations(r.Context(), ent)
}

func (s *Server) apiAttestation(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, id, err := ids(r, "attestation_id")
	if err != nil {
		return nil, err
	}
	return s.store.GetAttestation(r.Context(), ent, id)
}

func (s *Server) apiCarryForward(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.CarryForward(r.Context(), ent)
}

func (s *Server) registerAnswerEvidenceAPI() {
	const base = "/api/v1/enterprises/{id}/questionnaire/evidence"
	s.allowBodySuffix("/questionnaire/evidence", store.MaxEvidenceBytes+1<<20)
	s.api(route{Method: "POST", Path: base, OpID: "addAnswerEvidence", Tag: "questionnaire", Status: 201,
		Summary: "Attach a file (the request body; ?question=ID&filename=NAME) to an answer: at most 10 MiB, PDF, PNG, JPEG, text, CSV, JSON or ZIP",
		Query:   []qparam{{Name: "question", Type: "string", Desc: "question id"}, {Name: "filename", Type: "string", Desc: "the file's name"}},
		Resp:    store.AnswerEvidence{}, handle: s.apiAddAnswerEvidence})
	s.api(route{Method: "GET", Path: base, OpID: "listAnswerEvidence", Tag: "questionnaire",
		Summary: "Files attached to the answers, by question", Resp: map[string][]*store.AnswerEvidence{}, handle: s.apiListAnswerEvidence})
	s.mux.HandleFunc("GET "+base+"/{evid}", s.downloadAnswerEvidence)
}

func (s *Server) apiAddAnswerEvidence(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	if err := store.MayActForOwn(anbao.PrincipalFrom(r.Context()), ent, anbao.ActQuestionnaireAnswer); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, store.MaxEvidenceBytes+1))
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	return s.store.AddAnswerEvidence(r.Context(), ent, q.Get("question"), &store.EvidenceUpload{Filename: q.Get("filename"), Data: data})
}

func (s *Server) apiListAnswerEvidence(w http.ResponseWriter, r *http.Request) (any, error) {
	ent, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.store.ListAnswerEvidence(r.Context(), ent)
}

// downloadAnswerEvidence serves a file as an attachment (API token or session).
func (s *Server) downloadAnswerEvidence(w http.ResponseWriter, r *http.Request) {
	if anbao.PrincipalFrom(r.Context()) == nil {
		s.writeError(w, r, anbao.Errorf(anbao.EUNAUTHORIZED, "error.unauthorized"))
		return
	}
	ent, id, err := ids(r, "evid")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ev, data, err := s.store.GetAnswerEvidence(r.Context(), ent, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", ev.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Anbao-SHA256", ev.SHA256)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="evidence-%d"; filename*=UTF-8''%s`, ev.ID, rfc5987(ev.Filename)))
	w.Write(data)
}
