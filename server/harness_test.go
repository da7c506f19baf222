package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
)

// testEnv is a server over a demo pilot with helpers to call it as any demo user.
type testEnv struct {
	t     *testing.T
	st    *store.Store
	srv   *Server
	h     http.Handler
	pilot *demo.Pilot
	sess  map[string]*testSession // username → session
}

type testSession struct {
	cookie string
	csrf   string
}

func sysCtx() context.Context {
	return anbao.WithPrincipal(context.Background(), anbao.SystemPrincipal("test"))
}

func newTestEnv(t *testing.T, st *store.Store, enterprises int) *testEnv {
	t.Helper()
	pilot := demo.Generate(11, enterprises)
	if err := st.LoadDemo(sysCtx(), pilot); err != nil {
		t.Fatal(err)
	}
	if err := st.LoadDemoUnderwriting(sysCtx(), pilot, demo.GenerateUnderwriting(pilot, demo.GenerateAssessments(pilot, 11), 11, st.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := st.LoadDemoIncidents(sysCtx(), 11); err != nil {
		t.Fatal(err)
	}
	srv, err := New(st, nil, Config{Demo: true, LoginRate: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{t: t, st: st, srv: srv, h: srv.Handler(), pilot: pilot, sess: map[string]*testSession{}}
}

// login opens (once) an API session for a demo user.
func (e *testEnv) login(username string) *testSession {
	e.t.Helper()
	if s, ok := e.sess[username]; ok {
		return s
	}
	rec := e.raw("POST", "/api/v1/sessions", `{"username":"`+username+`","password":"`+demo.Password+`"}`, nil)
	if rec.Code != http.StatusCreated {
		e.t.Fatalf("login %s: %d %s", username, rec.Code, rec.Body)
	}
	var resp SessionResponse
	json.Unmarshal(rec.Body.Bytes(), &resp)
	var cookie string
	for _, c := range rec.Result().Cookies() {
		if c.Name == sessionCookie {
			cookie = c.Value
		}
	}
	s := &testSession{cookie: cookie, csrf: resp.CSRFToken}
	e.sess[username] = s
	return s
}

// raw sends one request with optional extra headers.
func (e *testEnv) raw(method, path, body string, hdr map[string]string) *httptest.ResponseRecorder {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.RemoteAddr = "127.0.0.1:40000"
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// as sends a request as a demo user ("" for anonymous), with the CSRF header on writes.
func (e *testEnv) as(username, method, path, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	hdr := map[string]string{}
	if username != "" {
		s := e.login(username)
		hdr["Cookie"] = sessionCookie + "=" + s.cookie
		if method != "GET" {
			hdr["X-CSRF-Token"] = s.csrf
		}
	}
	return e.raw(method, path, body, hdr)
}

func decodeBody[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
	return v
}

// auditHead returns the audit chain length, to prove a refused request wrote nothing.
func (e *testEnv) auditHead() int64 {
	rep, err := e.st.VerifyAudit(sysCtx())
	if err != nil || !rep.OK {
		e.t.Fatalf("audit verify: %+v %v", rep, err)
	}
	return rep.HeadSeq
}

func compactJSON(v any) string {
	var b bytes.Buffer
	json.NewEncoder(&b).Encode(v)
	return strings.TrimSpace(b.String())
}
