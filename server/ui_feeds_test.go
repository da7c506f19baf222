package server

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/anbao/anbao/vulnfeed"
)

// postFile submits a one-file multipart form as the browser b.
func (b *uiBrowser) postFile(from, path string, data []byte) *httptest.ResponseRecorder {
	b.e.t.Helper()
	page := b.get(from)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrfOf(b.e.t, page.Body.String()))
	fw, _ := mw.CreateFormFile("file", "feed")
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.RemoteAddr = "192.0.2.10:50000"
	for name, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: name, Value: v})
	}
	rec := httptest.NewRecorder()
	b.e.h.ServeHTTP(rec, req)
	return rec
}

func TestFeedsPage(t *testing.T) {
	e := newUIEnv(t)
	op := e.as("op.admin")
	rec := op.postFile("/vulnfeeds", "/vulnfeeds/kev", vulnfeed.GenerateKEV(25, 3))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="feed-done"`) {
		t.Fatalf("KEV upload: %d", rec.Code)
	}
	rec = op.postFile("/vulnfeeds", "/vulnfeeds/epss", []byte("not,a,feed\n"))
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "epss") {
		t.Errorf("bad EPSS upload: %d", rec.Code)
	}
	ent := e.as("ent1.admin")
	rec = ent.get("/vulnfeeds")
	if rec.Code != 200 || strings.Contains(rec.Body.String(), `id="feed-kev-form"`) || !strings.Contains(rec.Body.String(), "<td>kev</td>") {
		t.Errorf("an enterprise's view: %d", rec.Code)
	}
	if rec := ent.postFile("/vulnfeeds", "/vulnfeeds/kev", vulnfeed.GenerateKEV(5, 3)); rec.Code != http.StatusForbidden {
		t.Errorf("an enterprise importing: %d, want 403", rec.Code)
	}
}
