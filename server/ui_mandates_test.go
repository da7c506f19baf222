package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestUIMandates(t *testing.T) {
	e := newUIEnv(t)
	admin := e.as("ent1.admin")
	ins2 := e.principal("ins2.admin").OrgID
	prov := e.principal("prov1.admin").OrgID
	rec := admin.get("/quotes")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `id="mandates"`) {
		t.Fatalf("the admin's quotes page lacks the intermediaries: %d", rec.Code)
	}
	if rec := e.as("ent1.member").get("/quotes"); strings.Contains(rec.Body.String(), `id="mandates"`) {
		t.Error("a member sees the intermediaries section")
	}
	// A provider is no intermediary: refused on the page, nothing written.
	seq := e.auditSeq()
	rec = admin.post("/quotes", "/quote-mandates", url.Values{"intermediary_id": {strconv.FormatInt(prov, 10)}})
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "不是正常经营的保险公司或保险中介机构") || e.auditSeq() != seq {
		t.Errorf("mandating a provider: %d", rec.Code)
	}
	rec = admin.post("/quotes", "/quote-mandates", url.Values{"intermediary_id": {strconv.FormatInt(ins2, 10)}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("mandate: %d %s", rec.Code, rec.Body)
	}
	name := e.org(ins2).NameZH
	if rec := admin.get("/quotes"); !strings.Contains(rec.Body.String(), "/quote-mandates/"+strconv.FormatInt(ins2, 10)+"/revoke") ||
		!strings.Contains(rec.Body.String(), name) {
		t.Error("the mandate is not listed with its revoke button")
	}
	rec = admin.post("/quotes", "/quote-mandates/"+strconv.FormatInt(ins2, 10)+"/revoke", url.Values{})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", rec.Code, rec.Body)
	}
	if rec := e.as("ent1.member").post("/quotes", "/quote-mandates", url.Values{"intermediary_id": {strconv.FormatInt(ins2, 10)}}); rec.Code != http.StatusForbidden {
		t.Errorf("a member mandates: %d", rec.Code)
	}
}
