// Package freshdb gives a benchmark a PostgreSQL database of its own,
// created for the run and dropped afterwards.
package freshdb

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx database/sql driver
)

// Create makes a fresh database on the server of base (a URL with rights to
// create databases) and returns its URL and a function that drops it.
func Create(base string) (string, func(), error) {
	db, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "anbao_bench_" + hex.EncodeToString(b)
	if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
		db.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		db.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		db.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		db.Close()
	}, nil
}
