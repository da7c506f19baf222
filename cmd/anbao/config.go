package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// dbFlags are the flags of every command that opens the database.
type dbFlags struct {
	data        string
	databaseURL string
	auditHash   string
	logFormat   string
	logLevel    string
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func (d *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&d.data, "data", env("ANBAO_DATA", "./anbao-data"), "data directory for the embedded SQLite database (ANBAO_DATA)")
	fs.StringVar(&d.databaseURL, "database-url", env("ANBAO_DATABASE_URL", ""), "PostgreSQL URL; when set, used instead of SQLite (ANBAO_DATABASE_URL)")
	fs.StringVar(&d.auditHash, "audit-hash", env("ANBAO_AUDIT_HASH", "sha256"), "hash for new audit entries: sha256 or sm3 (ANBAO_AUDIT_HASH)")
	fs.StringVar(&d.logFormat, "log-format", env("ANBAO_LOG_FORMAT", "text"), "log format: text or json (ANBAO_LOG_FORMAT)")
	fs.StringVar(&d.logLevel, "log-level", env("ANBAO_LOG_LEVEL", "info"), "log level: debug, info, warn, error (ANBAO_LOG_LEVEL)")
}

func (d *dbFlags) open(ctx context.Context, log *slog.Logger, requireTOTP bool) (*store.Store, error) {
	return store.Open(ctx, store.Config{DataDir: d.data, DatabaseURL: d.databaseURL, AuditHash: d.auditHash,
		Logger: log, RequireTOTPByDefault: requireTOTP})
}

func (d *dbFlags) logger(w io.Writer) *slog.Logger { return newLogger(w, d.logFormat, d.logLevel) }

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("anbao "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func versionString() string {
	v := anbao.Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return v
}

// systemCtx acts as the platform itself, for command-line tools.
func systemCtx(ctx context.Context, name string) context.Context {
	return anbao.WithPrincipal(ctx, anbao.SystemPrincipal(name))
}
