package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/uscc"
)

// childEnv makes the test binary act as the anbao command: the crash test
// starts it as a separate process running main(), so that the server it
// kills is the real binary's code path (flags, signals, store) without a
// separate go build.
const childEnv = "ANBAO_CRASH_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// Crash test parameters.
const (
	crashKills       = 3                       // SIGKILLs in one test
	crashWriters     = 4                       // concurrent writers
	crashWriteFor    = 1500 * time.Millisecond // writing before each kill
	crashEnterprises = 50                      // demo enterprises
)

var runningRE = regexp.MustCompile(`is running at (http://\S+)`)

// childProcess is one anbao process started from the test binary.
type childProcess struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, set before done closes
}

// childCmd builds the command for anbao args, with no ANBAO_* variables of the
// caller's environment (ANBAO_DATABASE_URL would switch engines).
func childCmd(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	env := []string{childEnv + "=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ANBAO_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	return cmd
}

// startServer runs "anbao serve --demo" on dir and waits until /readyz answers.
func startServer(t *testing.T, dir string, logFile *os.File) *childProcess {
	t.Helper()
	cmd := childCmd("serve", "--demo", "--enterprises", strconv.Itoa(crashEnterprises), "--data", dir,
		"--addr", "127.0.0.1:0", "--log-level", "warn")
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &childProcess{cmd: cmd, done: make(chan struct{})}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() { // keep draining until the process exits
			if m := runningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urlc <- m[1]:
				default:
				}
			}
		}
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			cmd.Process.Kill()
			<-p.done
		}
	})
	select {
	case p.url = <-urlc:
	case <-p.done:
		t.Fatalf("server exited before listening: %v\n%s", p.err, tail(logFile))
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not print its URL within 20 s\n%s", tail(logFile))
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server at %s not ready: %v\n%s", p.url, err, tail(logFile))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *childProcess) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatalf("kill: %v", err)
	}
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatal("server still running 10 s after SIGKILL")
	}
}

// tail returns the end of the server's log, for failure messages.
func tail(f *os.File) string {
	b, err := os.ReadFile(f.Name())
	if err != nil {
		return err.Error()
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return "server log (tail):\n" + string(b)
}

// apiCall sends one JSON request; out, when not nil, receives the decoded body.
func apiCall(c *http.Client, method, url string, hdr map[string]string, in, out any) (*http.Response, []byte, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return nil, nil, err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, b, err
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp, b, fmt.Errorf("decode %s %s: %w", method, url, err)
		}
	}
	return resp, b, nil
}

// crashOrg is the subset of an organisation the test reads back.
type crashOrg struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"`
	USCC string `json:"uscc"`
}

type crashAudit struct {
	Seq      int64  `json:"seq"`
	Action   string `json:"action"`
	EntityID string `json:"entity_id"`
}

type listPage[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// crashState is what the writers learnt across all rounds.
type crashState struct {
	mu      sync.Mutex
	acked   map[string]int64    // USCC → id of every create answered 201
	unknown map[string]struct{} // USCCs sent without a 201 (in flight at the kill, or refused)
	bad     []string            // unexpected HTTP answers while the server was up
	// demoCreated are the organisations the demo itself registered (the
	// pilot's extra service institutions), audited as org.create at load.
	demoCreated map[string]bool
}

// login opens a session as username and returns the cookie and CSRF headers.
func login(t *testing.T, c *http.Client, base, username string) map[string]string {
	t.Helper()
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	resp, body, err := apiCall(c, "POST", base+"/api/v1/sessions", nil,
		map[string]string{"username": username, "password": demo.Password}, &sess)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("login %s: %v %s", username, err, body)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "anbao_session" {
			return map[string]string{"Cookie": ck.Name + "=" + ck.Value, "X-CSRF-Token": sess.CSRF}
		}
	}
	t.Fatalf("login %s: no anbao_session cookie", username)
	return nil
}

// listAll fetches every page of a list endpoint (query must already hold its filters).
func listAll[T any](t *testing.T, c *http.Client, url string, hdr map[string]string) ([]T, int) {
	t.Helper()
	var all []T
	total := -1
	for offset := 0; ; offset += 500 {
		var pg listPage[T]
		resp, body, err := apiCall(c, "GET", fmt.Sprintf("%s&limit=500&offset=%d", url, offset), hdr, nil, &pg)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %v %s", url, err, body)
		}
		if total == -1 {
			total = pg.Total
		} else if pg.Total != total {
			t.Fatalf("GET %s: total changed from %d to %d while paging an idle server", url, total, pg.Total)
		}
		all = append(all, pg.Items...)
		if len(pg.Items) < 500 || len(all) >= total {
			return all, total
		}
	}
}

// crashUSCC is the n-th valid enterprise code of the test: the "MK" bodies
// never occur in the demo pilot.
func crashUSCC(n int64) string {
	code, err := uscc.Make('9', '1', "320102", fmt.Sprintf("MK%06d", n))
	if err != nil {
		panic(err)
	}
	return code
}

// writeUntilKilled runs the writers against p, kills p after crashWriteFor
// while requests are in flight, and returns when every writer has stopped.
func writeUntilKilled(t *testing.T, p *childProcess, auth map[string]string, st *crashState, seq *atomic.Int64) (sent int64) {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: crashWriters}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var inflight, count atomic.Int64
	var killed atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < crashWriters; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := seq.Add(1)
				code := crashUSCC(n)
				org := map[string]any{"kind": "enterprise", "name_zh": fmt.Sprintf("崩溃测试企业%06d有限公司", n),
					"uscc": code, "jurisdiction": "32", "profile": map[string]any{"industry": "13", "size": "small",
						"revenue_fen": 100_000_00 * n, "employees": 10 + n%90}}
				var got crashOrg
				inflight.Add(1)
				count.Add(1)
				resp, body, err := apiCall(client, "POST", p.url+"/api/v1/organisations", auth, org, &got)
				inflight.Add(-1)
				st.mu.Lock()
				switch {
				case err == nil && resp.StatusCode == http.StatusCreated && got.USCC == code && got.ID > 0:
					st.acked[code] = got.ID
				case err == nil && !killed.Load():
					st.unknown[code] = struct{}{}
					st.bad = append(st.bad, fmt.Sprintf("POST %s: %d %s", code, resp.StatusCode, body))
				default:
					st.unknown[code] = struct{}{}
				}
				st.mu.Unlock()
				if err != nil {
					select { // the server is gone: don't spin until the writers are stopped
					case <-ctx.Done():
					case <-time.After(5 * time.Millisecond):
					}
				}
			}
		}()
	}
	time.Sleep(crashWriteFor)
	// Kill while at least one write is on the wire (there nearly always is).
	for i := 0; i < 1000 && inflight.Load() == 0; i++ {
		time.Sleep(100 * time.Microsecond)
	}
	t.Logf("SIGKILL with %d writes in flight, %d sent", inflight.Load(), count.Load())
	killed.Store(true)
	p.kill(t)
	cancel()
	wg.Wait()
	return count.Load()
}

// verifyAfterCrash checks, on a freshly restarted server, that every
// acknowledged create survived, that no organisation appeared that was never
// sent, and that the audit log holds exactly one org.create per created one.
func verifyAfterCrash(t *testing.T, base string, auth map[string]string, st *crashState, demoUSCCs map[string]bool) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, b := range st.bad {
		t.Errorf("unexpected answer while the server was up: %s", b)
	}
	st.bad = nil

	// 1. Every acknowledged organisation reads back with its code.
	type ack struct {
		code string
		id   int64
	}
	work := make(chan ack)
	var mu sync.Mutex
	var lost []string
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range work {
				var o crashOrg
				resp, body, err := apiCall(client, "GET", fmt.Sprintf("%s/api/v1/organisations/%d", base, a.id), auth, nil, &o)
				if err != nil || resp.StatusCode != http.StatusOK || o.USCC != a.code {
					status := 0
					if resp != nil {
						status = resp.StatusCode
					}
					mu.Lock()
					lost = append(lost, fmt.Sprintf("id %d %s: status %d err %v body %.200s", a.id, a.code, status, err, body))
					mu.Unlock()
				}
			}
		}()
	}
	for code, id := range st.acked {
		work <- ack{code, id}
	}
	close(work)
	wg.Wait()
	if len(lost) > 0 {
		t.Fatalf("%d of %d acknowledged creates lost after SIGKILL, e.g. %s", len(lost), len(st.acked), lost[0])
	}

	// 2. The enterprises beyond the demo are exactly acknowledged ones plus
	// some of those in flight at a kill, none other.
	orgs, _ := listAll[crashOrg](t, client, base+"/api/v1/organisations?kind=enterprise", auth)
	created := map[string]bool{} // organisation id → created by the writers
	inflightKept := 0
	for _, o := range orgs {
		if demoUSCCs[o.USCC] {
			continue
		}
		if _, ok := st.acked[o.USCC]; ok {
			created[strconv.FormatInt(o.ID, 10)] = true
			continue
		}
		if _, ok := st.unknown[o.USCC]; ok {
			created[strconv.FormatInt(o.ID, 10)] = true
			inflightKept++
			continue
		}
		t.Errorf("enterprise %d %s exists but was never sent", o.ID, o.USCC)
	}

	// 3. The audit log has one org.create per created enterprise, and the chain holds.
	entries, total := listAll[crashAudit](t, client, base+"/api/v1/audit?action=org.create", auth)
	if total != len(created)+len(st.demoCreated) {
		t.Errorf("audit has %d org.create entries; %d enterprises were created through the API after %d by the demo",
			total, len(created), len(st.demoCreated))
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if e.Action != "org.create" || st.demoCreated[e.EntityID] {
			continue
		}
		if !created[e.EntityID] {
			t.Errorf("audit entry %d: org.create of organisation %s, which is not one the writers created", e.Seq, e.EntityID)
		}
		if seen[e.EntityID] {
			t.Errorf("audit entry %d: second org.create of organisation %s", e.Seq, e.EntityID)
		}
		seen[e.EntityID] = true
	}
	var rep struct {
		OK      bool  `json:"ok"`
		Entries int64 `json:"entries"`
	}
	if resp, body, err := apiCall(client, "GET", base+"/api/v1/audit/verify", auth, nil, &rep); err != nil ||
		resp.StatusCode != http.StatusOK || !rep.OK {
		t.Errorf("GET /api/v1/audit/verify: %v %s", err, body)
	}
	t.Logf("after restart: %d acknowledged all present, %d of %d unacknowledged kept, %d org.create entries, %d audit entries",
		len(st.acked), inflightKept, len(st.unknown), total, rep.Entries)
}

// auditVerifyCLI runs "anbao audit verify" on the stopped server's data.
func auditVerifyCLI(t *testing.T, dir string) {
	t.Helper()
	cmd := childCmd("audit", "verify", "--data", dir, "--log-level", "warn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("anbao audit verify after SIGKILL: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "audit chain OK") {
		t.Fatalf("anbao audit verify: unexpected output\n%s", out)
	}
}

// TestCrashSafety kills the server with SIGKILL in the middle of concurrent
// writes, several times on the same SQLite data directory, and checks after
// each restart that no acknowledged write was lost, that nothing half-written
// appeared and that the audit chain is intact and complete.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: starts and kills server processes")
	}
	start := time.Now()
	dir := filepath.Join(t.TempDir(), "data")
	logFile, err := os.Create(filepath.Join(t.TempDir(), "server.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()

	st := &crashState{acked: map[string]int64{}, unknown: map[string]struct{}{}}
	var seq atomic.Int64
	client := &http.Client{Timeout: 10 * time.Second}

	p := startServer(t, dir, logFile)
	// One login for the whole test: the API token outlives the restarts.
	sess := login(t, client, p.url, "op.admin")
	var tok struct {
		Token string `json:"token"`
	}
	resp, body, err := apiCall(client, "POST", p.url+"/api/v1/tokens", sess,
		map[string]any{"name": "crash test", "scopes": []string{"read", "write"}, "expires_in_days": 1}, &tok)
	if err != nil || resp.StatusCode != http.StatusCreated || tok.Token == "" {
		t.Fatalf("create token: %v %s", err, body)
	}
	auth := map[string]string{"Authorization": "Bearer " + tok.Token}

	demoOrgs, _ := listAll[crashOrg](t, client, p.url+"/api/v1/organisations?kind=enterprise", auth)
	demoUSCCs := map[string]bool{}
	for _, o := range demoOrgs {
		demoUSCCs[o.USCC] = true
	}
	if len(demoOrgs) < crashEnterprises {
		t.Fatalf("demo has %d enterprises, want at least %d", len(demoOrgs), crashEnterprises)
	}
	// The demo registers the pilot's extra service institutions through the
	// store, so they are audited; the writers' creates come on top of them.
	st.demoCreated = map[string]bool{}
	demoEntries, _ := listAll[crashAudit](t, client, p.url+"/api/v1/audit?action=org.create", auth)
	for _, e := range demoEntries {
		if e.Action == "org.create" {
			st.demoCreated[e.EntityID] = true
		}
	}

	for kill := 1; kill <= crashKills; kill++ {
		sent := writeUntilKilled(t, p, auth, st, &seq)
		if sent == 0 {
			t.Fatalf("kill %d: no write was sent", kill)
		}
		auditVerifyCLI(t, dir)
		p = startServer(t, dir, logFile)
		verifyAfterCrash(t, p.url, auth, st, demoUSCCs)
		if t.Failed() {
			t.Fatalf("kill %d: checks failed\n%s", kill, tail(logFile))
		}
	}
	if len(st.acked) == 0 {
		t.Fatal("no create was acknowledged: the test proved nothing")
	}

	// Finally a graceful stop: SIGTERM ends the server with status 0.
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("server exited with %v after SIGTERM\n%s", p.err, tail(logFile))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server still running 20 s after SIGTERM")
	}
	auditVerifyCLI(t, dir)
	t.Logf("%d kills, %d creates acknowledged, %d unacknowledged, in %v",
		crashKills, len(st.acked), len(st.unknown), time.Since(start).Round(time.Millisecond))
}
