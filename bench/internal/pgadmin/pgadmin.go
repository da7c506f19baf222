// Package pgadmin runs administrative statements (CREATE and DROP DATABASE)
// on a PostgreSQL server through the simple-query protocol, with the standard
// library only. It supports what a benchmark on this machine needs: a
// loopback server, no TLS, and trust authentication.
package pgadmin

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"
)

// Error is an ErrorResponse from the server.
type Error struct {
	Severity, Code, Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("postgres: %s %s: %s", e.Severity, e.Code, e.Message)
}

// Conn is one connection in the simple-query protocol.
type Conn struct {
	c      net.Conn
	r      *bufio.Reader
	Params map[string]string // ParameterStatus values, e.g. server_version
}

// LoopbackHost reports whether the URL's host is a loopback address.
func LoopbackHost(u *url.URL) bool {
	h := u.Hostname()
	if h == "" || h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Connect opens a connection to the server and database of a postgres:// URL.
func Connect(raw string) (*Conn, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return nil, fmt.Errorf("pgadmin: %q is not a postgres:// URL", raw)
	}
	if !LoopbackHost(u) {
		return nil, fmt.Errorf("pgadmin: only a loopback server is allowed, not %q", u.Hostname())
	}
	switch u.Query().Get("sslmode") {
	case "", "disable", "allow", "prefer":
	default:
		return nil, errors.New("pgadmin: TLS is not supported; use sslmode=disable on loopback")
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "127.0.0.1"
	}
	if port == "" {
		port = "5432"
	}
	user := u.User.Username()
	if user == "" {
		user = "postgres"
	}
	db := strings.TrimPrefix(u.Path, "/")
	if db == "" {
		db = user
	}
	nc, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 5*time.Second)
	if err != nil {
		return nil, err
	}
	c := &Conn{c: nc, r: bufio.NewReader(nc), Params: map[string]string{}}
	nc.SetDeadline(time.Now().Add(30 * time.Second))
	// StartupMessage: length, protocol 3.0, then name/value pairs and a final NUL.
	var body []byte
	body = binary.BigEndian.AppendUint32(body, 3<<16)
	for _, kv := range [][2]string{{"user", user}, {"database", db}, {"application_name", "anbao-bench"}} {
		body = append(append(append(append(body, kv[0]...), 0), kv[1]...), 0)
	}
	body = append(body, 0)
	msg := binary.BigEndian.AppendUint32(nil, uint32(len(body)+4))
	if _, err := nc.Write(append(msg, body...)); err != nil {
		nc.Close()
		return nil, err
	}
	for {
		typ, payload, err := c.read()
		if err != nil {
			nc.Close()
			return nil, err
		}
		switch typ {
		case 'R':
			if code := binary.BigEndian.Uint32(payload); code != 0 {
				nc.Close()
				return nil, fmt.Errorf("pgadmin: the server asks for authentication method %d; only trust authentication is supported", code)
			}
		case 'S':
			parts := strings.Split(string(payload), "\x00")
			if len(parts) >= 2 {
				c.Params[parts[0]] = parts[1]
			}
		case 'E':
			nc.Close()
			return nil, parseError(payload)
		case 'Z':
			nc.SetDeadline(time.Time{})
			return c, nil
		}
	}
}

// read returns the next backend message.
func (c *Conn) read() (byte, []byte, error) {
	var hdr [5]byte
	if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(hdr[1:])
	if n < 4 || n > 64<<20 {
		return 0, nil, fmt.Errorf("pgadmin: bad message length %d", n)
	}
	payload := make([]byte, n-4)
	if _, err := io.ReadFull(c.r, payload); err != nil {
		return 0, nil, err
	}
	return hdr[0], payload, nil
}

func parseError(p []byte) *Error {
	e := &Error{}
	for len(p) > 1 {
		field := p[0]
		end := 1
		for end < len(p) && p[end] != 0 {
			end++
		}
		v := string(p[1:end])
		switch field {
		case 'S':
			e.Severity = v
		case 'C':
			e.Code = v
		case 'M':
			e.Message = v
		}
		if end >= len(p) {
			break
		}
		p = p[end+1:]
	}
	return e
}

// Exec runs one statement and waits for the server to be ready again.
func (c *Conn) Exec(sql string) error {
	c.c.SetDeadline(time.Now().Add(2 * time.Minute))
	defer c.c.SetDeadline(time.Time{})
	body := append([]byte(sql), 0)
	msg := append([]byte{'Q'}, binary.BigEndian.AppendUint32(nil, uint32(len(body)+4))...)
	if _, err := c.c.Write(append(msg, body...)); err != nil {
		return err
	}
	var qerr error
	for {
		typ, payload, err := c.read()
		if err != nil {
			return err
		}
		switch typ {
		case 'E':
			qerr = parseError(payload)
		case 'Z':
			return qerr
		}
	}
}

// Close says goodbye and closes the connection.
func (c *Conn) Close() error {
	c.c.Write([]byte{'X', 0, 0, 0, 4})
	return c.c.Close()
}

// QuoteIdent quotes an identifier.
func QuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// WithDatabase returns the URL with its database replaced.
func WithDatabase(raw, db string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.Path = "/" + db
	u.RawPath = ""
	return u.String(), nil
}
