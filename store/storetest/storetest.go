// Package storetest opens fresh stores for tests on every configured engine:
// SQLite always, PostgreSQL when ANBAO_TEST_POSTGRES_URL is set (CI sets it).
// Each PostgreSQL store gets a database of its own, dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/anbao/anbao/store"
)

// PostgresEnv names the variable holding a PostgreSQL URL with rights to create databases.
const PostgresEnv = "ANBAO_TEST_POSTGRES_URL"

// Engines lists the engines the tests run on.
func Engines() []store.Engine {
	if os.Getenv(PostgresEnv) != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

// ForEachEngine runs fn as a subtest per engine with a fresh, empty store.
func ForEachEngine(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// Open returns a fresh, migrated store on engine e, closed (and dropped) at the end of the test.
func Open(t testing.TB, e store.Engine) *store.Store {
	t.Helper()
	cfg := Config(t, e)
	st, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open %s store: %v", e, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// Config returns the configuration of a fresh database on engine e.
func Config(t testing.TB, e store.Engine) store.Config {
	t.Helper()
	if e == store.SQLite {
		return store.Config{DataDir: t.TempDir()}
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip(PostgresEnv + " not set")
	}
	return store.Config{DatabaseURL: NewPostgresDB(t, base)}
}

// NewPostgresDB creates an empty database next to the one base points at and
// returns its URL; it is dropped when the test ends.
func NewPostgresDB(t testing.TB, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "anbao_t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// Exec runs raw SQL against a store's database, bypassing the store (for tamper tests).
func Exec(t testing.TB, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := st.RawDB().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", strings.TrimSpace(q), err)
	}
}
