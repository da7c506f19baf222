package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/anbao/anbao/store"
)

// cmdVulnfeed imports the KEV and EPSS files offline: "anbao vulnfeed import
// --kev known_exploited_vulnerabilities.json --epss epss_scores.csv.gz".
func cmdVulnfeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return &exitError{2, errors.New("usage: anbao vulnfeed import [--kev FILE] [--epss FILE] [flags]")}
	}
	fs := newFlagSet("vulnfeed import", stderr)
	var db dbFlags
	db.register(fs)
	kev := fs.String("kev", "", "CISA KEV catalogue (known_exploited_vulnerabilities.json, plain or gzipped)")
	epss := fs.String("epss", "", "FIRST EPSS scores (epss_scores-YYYY-MM-DD.csv, plain or gzipped)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *kev == "" && *epss == "" {
		return &exitError{2, errors.New("give --kev, --epss or both")}
	}
	st, err := db.open(ctx, db.logger(stderr), true)
	if err != nil {
		return err
	}
	defer st.Close()
	sys := systemCtx(ctx, "cli")
	for _, f := range []struct {
		path string
		imp  func(context.Context, io.Reader) (*store.FeedImport, error)
	}{{*kev, st.ImportKEV}, {*epss, st.ImportEPSS}} {
		if f.path == "" {
			continue
		}
		r, err := os.Open(f.path)
		if err != nil {
			return err
		}
		rec, err := f.imp(sys, r)
		r.Close()
		if err != nil {
			return fmt.Errorf("%s: %w", f.path, describe(err))
		}
		fmt.Fprintf(stdout, "%s: %d rows (version %s, released %s) in %d ms; sha256 %s\n",
			rec.Feed, rec.Rows, rec.Version, rec.Released, rec.DurationMS, rec.SHA256)
	}
	return nil
}
