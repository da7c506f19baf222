// Package harness starts and stops the anbao binary for the benchmark
// programs under bench/, logs in through the JSON API, reads process memory
// figures from /proc and summarises latencies. Standard library only.
package harness

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// DemoPassword is every demo user's password (demo.Password; repeated here so
// that the benchmarks import nothing of the project).
const DemoPassword = "anbao-demo-2026"

// Build compiles ./cmd/anbao of the module that holds the working directory
// into dir and returns the binary's path.
func Build(dir string) (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("run from inside the anbao module (go env GOMOD is empty)")
	}
	bin := filepath.Join(dir, "anbao")
	cmd := exec.Command("go", "build", "-buildvcs=false", "-o", bin, "./cmd/anbao")
	cmd.Dir = filepath.Dir(gomod)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/anbao: %w\n%s", err, b)
	}
	return bin, nil
}

var runningRE = regexp.MustCompile(`is running at (http://\S+)`)

// Server is one running anbao process.
type Server struct {
	Cmd     *exec.Cmd
	URL     string    // base URL printed by serve
	Started time.Time // just before the process was started
	LogPath string    // its standard error
	done    chan struct{}
	err     error
}

// Command builds an anbao command with no ANBAO_* variables from the caller's
// environment, so that only the given flags count.
func Command(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ANBAO_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

// Start runs "anbao serve ARGS" (args must include --addr 127.0.0.1:0 or
// another loopback address), waits until it prints its URL and returns. Its
// standard error goes to logPath.
func Start(bin, logPath string, args ...string) (*Server, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close() // the child holds its own descriptor
	cmd := Command(bin, append([]string{"serve"}, args...)...)
	cmd.Stderr = logf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	s := &Server{Cmd: cmd, LogPath: logPath, done: make(chan struct{})}
	s.Started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := runningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urlc <- m[1]:
				default:
				}
			}
		}
		s.err = cmd.Wait()
		close(s.done)
	}()
	select {
	case s.URL = <-urlc:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("anbao serve exited before listening: %v\n%s", s.err, s.LogTail())
	case <-time.After(5 * time.Minute):
		s.Kill()
		return nil, fmt.Errorf("anbao serve printed no URL within 5 minutes\n%s", s.LogTail())
	}
}

// PID is the server's process id.
func (s *Server) PID() int { return s.Cmd.Process.Pid }

// Exited reports whether the process has ended.
func (s *Server) Exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// ExitError describes how the process ended ("" while it runs).
func (s *Server) ExitError() string {
	if !s.Exited() {
		return ""
	}
	if s.err == nil {
		return "exited with status 0"
	}
	return s.err.Error()
}

// WaitReady polls GET /readyz every few milliseconds until it answers 200 and
// returns the time since the process was started.
func (s *Server) WaitReady(timeout time.Duration) (time.Duration, error) {
	c := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(timeout)
	for {
		resp, err := c.Get(s.URL + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(s.Started), nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if s.Exited() {
			return 0, fmt.Errorf("server exited: %v\n%s", s.err, s.LogTail())
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("/readyz not 200 after %v: %v", timeout, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Stop sends SIGTERM and waits for a clean exit; after timeout it kills.
func (s *Server) Stop(timeout time.Duration) (time.Duration, error) {
	t := time.Now()
	if s.Exited() {
		return 0, s.err
	}
	if err := s.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return 0, err
	}
	select {
	case <-s.done:
		return time.Since(t), s.err
	case <-time.After(timeout):
		s.Kill()
		return time.Since(t), fmt.Errorf("no exit %v after SIGTERM; killed", timeout)
	}
}

// Kill ends the process at once and waits for it.
func (s *Server) Kill() {
	if !s.Exited() {
		s.Cmd.Process.Kill()
		<-s.done
	}
}

// LogTail is the end of the server's standard error.
func (s *Server) LogTail() string {
	b, err := os.ReadFile(s.LogPath)
	if err != nil {
		return ""
	}
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// Session is a logged-in user: send Header with every request.
type Session struct {
	Username string
	Header   http.Header // Cookie and X-CSRF-Token
}

// Login opens a session through POST /api/v1/sessions. The session cookie is
// Secure, so it is put in a Cookie header by hand rather than through a jar.
func Login(c *http.Client, base, username string) (*Session, error) {
	body, _ := json.Marshal(map[string]string{"username": username, "password": DemoPassword})
	resp, err := c.Post(base+"/api/v1/sessions", "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("login %s: status %d: %s", username, resp.StatusCode, b)
	}
	var sr struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal(b, &sr); err != nil {
		return nil, fmt.Errorf("login %s: %w", username, err)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "anbao_session" && ck.Value != "" {
			h := http.Header{}
			h.Set("Cookie", ck.Name+"="+ck.Value)
			h.Set("X-CSRF-Token", sr.CSRF)
			return &Session{Username: username, Header: h}, nil
		}
	}
	return nil, fmt.Errorf("login %s: no anbao_session cookie", username)
}

// Get fetches path with the session and returns the status and body.
func (s *Session) Get(c *http.Client, base, path string) (int, []byte, error) {
	req, err := http.NewRequest("GET", base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	for k, v := range s.Header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// EnterpriseIDs lists up to limit enterprise ids the session may see, from
// GET /api/v1/enterprises (query, e.g. "jurisdiction=32", narrows it).
func (s *Session) EnterpriseIDs(c *http.Client, base, query string, limit int) ([]int64, int, error) {
	var ids []int64
	total := 0
	for offset := 0; len(ids) < limit; offset += 500 {
		path := fmt.Sprintf("/api/v1/enterprises?limit=500&offset=%d", offset)
		if query != "" {
			path += "&" + query
		}
		status, b, err := s.Get(c, base, path)
		if err != nil {
			return nil, 0, err
		}
		if status != http.StatusOK {
			return nil, 0, fmt.Errorf("GET %s: status %d: %.200s", path, status, b)
		}
		var page struct {
			Items []struct {
				ID int64 `json:"id"`
			} `json:"items"`
			Total int `json:"total"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, 0, err
		}
		total = page.Total
		for _, it := range page.Items {
			ids = append(ids, it.ID)
		}
		if len(page.Items) < 500 {
			break
		}
	}
	if len(ids) > limit {
		ids = ids[:limit]
	}
	return ids, total, nil
}

// ProcMem is a process's memory as /proc/PID/status reports it.
type ProcMem struct {
	RSS, HWM int64 // VmRSS and VmHWM in bytes
}

// ReadProcMem reads VmRSS and VmHWM of pid.
func ReadProcMem(pid int) (ProcMem, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ProcMem{}, err
	}
	var m ProcMem
	for _, line := range strings.Split(string(b), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || (name != "VmRSS" && name != "VmHWM") {
			continue
		}
		f := strings.Fields(rest) // "123456 kB"
		if len(f) != 2 || f[1] != "kB" {
			return m, fmt.Errorf("unexpected %s line %q", name, line)
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return m, err
		}
		if name == "VmRSS" {
			m.RSS = kb << 10
		} else {
			m.HWM = kb << 10
		}
	}
	if m.RSS == 0 {
		return m, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
	}
	return m, nil
}

// MB formats bytes in mebibytes.
func MB(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

// Ms formats a duration in milliseconds.
func Ms(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.1f ms", ms)
	}
	return fmt.Sprintf("%.0f ms", ms)
}

// Percentile returns the nearest-rank q-quantile (0 < q <= 1) of sorted durations.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999999) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// MinMedMax returns the minimum, median and maximum of xs (which it sorts).
func MinMedMax[T int64 | time.Duration](xs []T) (lo, med, hi T) {
	if len(xs) == 0 {
		return
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		med = xs[n/2]
	} else {
		med = (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[0], med, xs[n-1]
}

// Table prints rows with columns padded to the widest cell (display width, so
// that Chinese text would line up too).
func Table(w io.Writer, header []string, rows [][]string) {
	width := make([]int, len(header))
	all := append([][]string{header}, rows...)
	for _, r := range all {
		for i, c := range r {
			width[i] = max(width[i], displayWidth(c))
		}
	}
	line := func(r []string) {
		var b strings.Builder
		for i, c := range r {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-displayWidth(c)))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = strings.Repeat("-", width[i])
	}
	line(sep)
	for _, r := range rows {
		line(r)
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || (r >= 0x2e80 && r <= 0xa4cf) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xff00 && r <= 0xff60) || (r >= 0xffe0 && r <= 0xffe6)) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// ProcCPU is the user plus system CPU time pid has used, from /proc/PID/stat
// (clock ticks of 1/100 s, USER_HZ on Linux).
func ProcCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces: count from after it.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b[i+1:])) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64) // field 14
	stime, err2 := strconv.ParseInt(f[12], 10, 64) // field 15
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// LoadAvg is the machine's 1, 5 and 15 minute load averages from /proc/loadavg.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
