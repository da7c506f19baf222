// Package store is Anbao's one storage layer. The same portable SQL serves an
// embedded SQLite database (modernc.org/sqlite, the default) and PostgreSQL
// (pgx). Every method takes the acting principal from its context, checks the
// permission table, applies organisation, jurisdiction and relationship
// filters in the query itself, and writes its audit entry in the same
// transaction as the change.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"github.com/anbao/anbao"
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Config says which database to open.
type Config struct {
	// DataDir holds the SQLite database file (anbao.db) when DatabaseURL is empty.
	DataDir string
	// DatabaseURL is a PostgreSQL connection string (postgres://…); it wins over DataDir.
	DatabaseURL string
	// AuditHash is the hash algorithm for new audit entries: "sha256" (default) or "sm3".
	AuditHash string
	// Logger receives migration and maintenance messages; nil discards them.
	Logger *slog.Logger
	// RequireTOTPByDefault makes new operator and regulator organisations
	// require a second factor (on everywhere but in demo mode).
	RequireTOTPByDefault bool
}

// Store is the database handle shared by the whole process.
type Store struct {
	engine Engine
	read   *sql.DB // readers: a pool
	write  *sql.DB // writers: one connection on SQLite, the same pool on PostgreSQL
	path   string  // SQLite file path
	algo   string
	log    *slog.Logger
	// RequireTOTPByDefault: see Config.
	RequireTOTPByDefault bool
	// Now is the clock; tests replace it.
	Now func() time.Time
	// SimulateLoss gives quotes their expected loss (SimulateLibraryLoss by
	// default); nil rates without it.
	SimulateLoss LossSimulator
}

// Open opens (creating if needed) the database and applies pending migrations.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	s := &Store{algo: cfg.AuditHash, log: cfg.Logger, Now: time.Now, RequireTOTPByDefault: cfg.RequireTOTPByDefault,
		SimulateLoss: SimulateLibraryLoss}
	if s.algo == "" {
		s.algo = "sha256"
	}
	if s.algo != "sha256" && s.algo != "sm3" {
		return nil, fmt.Errorf("audit hash %q: want sha256 or sm3", s.algo)
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if cfg.DatabaseURL != "" {
		err = s.openPostgres(cfg.DatabaseURL)
	} else {
		err = s.openSQLite(cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	return s, nil
}

func (s *Store) openSQLite(dir string) error {
	if dir == "" {
		dir = "anbao-data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	s.engine = SQLite
	s.path = filepath.Join(dir, "anbao.db")
	// busy_timeout first, so that the following pragmas wait rather than fail.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)&_pragma=cache_size(-16000)&_pragma=temp_store(MEMORY)"
	dsn := "file:" + s.path + "?" + pragmas
	var err error
	if s.write, err = sql.Open("sqlite", dsn+"&_txlock=immediate"); err != nil {
		return err
	}
	s.write.SetMaxOpenConns(1) // one writer: SQLite serialises writes anyway; queueing here avoids SQLITE_BUSY
	s.write.SetMaxIdleConns(1)
	s.write.SetConnMaxLifetime(0)
	if s.read, err = sql.Open("sqlite", dsn+"&mode=ro"); err != nil {
		return err
	}
	s.read.SetMaxOpenConns(8)
	s.read.SetMaxIdleConns(8)
	return s.write.Ping()
}

func (s *Store) openPostgres(url string) error {
	s.engine = Postgres
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(24)
	db.SetMaxIdleConns(24)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.Ping(); err != nil {
		db.Close()
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	s.read, s.write = db, db
	return nil
}

// Engine reports the database engine in use.
func (s *Store) Engine() Engine { return s.engine }

// Path is the SQLite database file, "" on PostgreSQL.
func (s *Store) Path() string { return s.path }

// AuditAlgo is the hash algorithm used for new audit entries.
func (s *Store) AuditAlgo() string { return s.algo }

// Close closes the database handles.
func (s *Store) Close() error {
	var errs []error
	if s.read != nil {
		errs = append(errs, s.read.Close())
	}
	if s.write != nil && s.write != s.read {
		errs = append(errs, s.write.Close())
	}
	return errors.Join(errs...)
}

// Ping checks that the database answers; /readyz uses it.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.read.PingContext(ctx); err != nil {
		return err
	}
	var one int
	return s.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// PoolStats reports connection pool figures for /metrics.
func (s *Store) PoolStats() map[string]sql.DBStats {
	if s.write == s.read {
		return map[string]sql.DBStats{"main": s.read.Stats()}
	}
	return map[string]sql.DBStats{"read": s.read.Stats(), "write": s.write.Stats()}
}

func (s *Store) now() string { return anbao.FormatTime(s.Now()) }

// tx is a write transaction that knows who acts, so it can append audit entries.
type tx struct {
	*sql.Tx
	s   *Store
	ctx context.Context
}

// inTx runs fn in one write transaction; any error rolls everything back,
// audit entries included.
func (s *Store) inTx(ctx context.Context, fn func(*tx) error) error {
	t, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&tx{Tx: t, s: s, ctx: ctx}); err != nil {
		var ct *commitThen
		if errors.As(err, &ct) {
			if cerr := t.Commit(); cerr != nil {
				return fmt.Errorf("commit: %w", cerr)
			}
			return ct.err
		}
		_ = t.Rollback()
		return err
	}
	if err := t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// forUpdate locks the rows a read-then-write transaction reads. PostgreSQL
// needs it at READ COMMITTED; SQLite write transactions are already serial
// (BEGIN IMMEDIATE on the one writer connection) and have no such clause.
func (t *tx) forUpdate() string {
	if t.s.engine == Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// lockUser takes the row lock on a user (PostgreSQL) before its counters or
// secrets are read and changed; by username when id is 0.
func (t *tx) lockUser(id int64, username string) error {
	if t.s.engine != Postgres {
		return nil
	}
	var got int64
	var err error
	if id != 0 {
		err = t.QueryRowContext(t.ctx, "SELECT id FROM users WHERE id = $1 FOR UPDATE", id).Scan(&got)
	} else {
		err = t.QueryRowContext(t.ctx, "SELECT id FROM users WHERE username = $1 FOR UPDATE", username).Scan(&got)
	}
	if isNoRows(err) {
		return nil
	}
	return err
}

// commitThen makes inTx commit what was written and still return err: a failed
// second factor must count towards lockout although the login fails.
type commitThen struct{ err error }

func (c *commitThen) Error() string { return c.err.Error() }

func errCommitThen(err error) error { return &commitThen{err} }

// isUniqueViolation reports whether err is a unique-constraint failure on either engine.
func isUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint failed") || strings.Contains(msg, "SQLSTATE 23505")
}

// placeholders returns "$start, $start+1, …" for n values.
func placeholders(start, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", start+i)
	}
	return b.String()
}

// where builds a WHERE clause from conditions with $n placeholders numbered in order.
type where struct {
	conds []string
	args  []any
}

// add appends a condition; each "?" in cond becomes the next $n.
func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// next returns the placeholder for one more argument appended after the conditions.
func (w *where) next(a any) string {
	w.args = append(w.args, a)
	return fmt.Sprintf("$%d", len(w.args))
}

// RawDB exposes the write handle for tests and tools that must bypass the
// store, such as the audit tamper tests. Application code never uses it.
func (s *Store) RawDB() *sql.DB { return s.write }
