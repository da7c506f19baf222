// Command anbao runs the Anbao cyber-insurance service platform and its tools.
//
//	anbao serve [--demo]      run the web server (API, UI, metrics)
//	anbao migrate             apply database migrations and report the schema version
//	anbao demo                fill an empty database with the demo pilot
//	anbao user create         create a user, e.g. the first operator admin
//	anbao user password       reset a user's password
//	anbao audit verify        verify the audit log's hash chain
//	anbao backup FILE         write a consistent copy of the SQLite database
//	anbao quant run MODEL     run a Monte Carlo risk model (see docs/quant/model-format.md)
//	anbao version             print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "anbao:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitError carries a specific exit status (audit verify exits 2 on a broken chain).
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 1
}

const usage = `Anbao — cyber-insurance service platform (网络安全保险服务平台)

Usage:
  anbao serve [--addr 127.0.0.1:8080] [--data ./anbao-data | --database-url postgres://…] [--demo]
  anbao migrate       [--data DIR | --database-url URL]
  anbao demo          [--data DIR | --database-url URL] [--seed N] [--enterprises N]
  anbao user create   [--data DIR | --database-url URL] --org ID|--operator --username NAME [--role admin] [--password-file FILE]
  anbao user password [--data DIR | --database-url URL] --username NAME [--password-file FILE]
  anbao audit verify  [--data DIR | --database-url URL]
  anbao backup        [--data DIR] FILE
  anbao quant run     MODEL.yaml [--trials 100000] [--seed 1] [--workers N] [--format table|json|csv]
                      [--lec FILE] [--compare AFTER.yaml] [--levels 0.9,0.95,0.99] [--quantiles …] [--lec-points 40]
  anbao vulnfeed import [--data DIR | --database-url URL] [--kev FILE] [--epss FILE]
  anbao version

Every flag also reads an environment variable: ANBAO_ADDR, ANBAO_DATA, ANBAO_DATABASE_URL,
ANBAO_AUDIT_HASH, ANBAO_LOG_FORMAT, ANBAO_LOG_LEVEL. Run "anbao COMMAND -h" for a command's flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return &exitError{2, errors.New("no command given")}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, rest, stdout, stderr)
	case "demo":
		return cmdDemo(ctx, rest, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr)
	case "quant":
		return cmdQuant(ctx, rest, stdout, stderr)
	case "vulnfeed":
		return cmdVulnfeed(ctx, rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "anbao", versionString())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return &exitError{2, fmt.Errorf("unknown command %q", cmd)}
}

func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
