package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/server"
	"github.com/anbao/anbao/store"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var db dbFlags
	db.register(fs)
	addr := fs.String("addr", env("ANBAO_ADDR", "127.0.0.1:8080"), "listen address (ANBAO_ADDR)")
	withDemo := fs.Bool("demo", env("ANBAO_DEMO", "") == "1", "load the demo pilot into an empty database and relax the second-factor requirement (ANBAO_DEMO=1)")
	seed := fs.Uint64("seed", 2026, "demo seed")
	enterprises := fs.Int("enterprises", 2000, "demo enterprises")
	insecure := fs.Bool("insecure-cookies", env("ANBAO_INSECURE_COOKIES", "") == "1", "send cookies without the Secure flag, for plain HTTP on a non-loopback address (ANBAO_INSECURE_COOKIES=1)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := db.logger(stderr)
	start := time.Now()
	st, err := db.open(ctx, log, !*withDemo)
	if err != nil {
		return err
	}
	defer st.Close()
	loaded := false
	if *withDemo {
		if *enterprises < 20 || *enterprises > 200000 {
			return fmt.Errorf("--enterprises must be between 20 and 200000")
		}
		if loaded, err = loadDemo(ctx, st, *seed, *enterprises, log); err != nil {
			return err
		}
	}
	srv, err := server.New(st, log, server.Config{Demo: *withDemo, SecureCookies: !*insecure})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	url := "http://" + ln.Addr().String()
	log.Info("anbao listening", "url", url, "engine", st.Engine(), "demo", *withDemo, "startup_ms", time.Since(start).Milliseconds())
	fmt.Fprintf(stdout, "Anbao %s is running at %s\n", versionString(), url)
	if *withDemo {
		printDemoLogins(stdout, loaded)
	}
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go srv.Maintain(mctx)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, scancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer scancel()
	if err := hs.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// loadDemo fills an empty database with the demo pilot; a filled one is left alone.
func loadDemo(ctx context.Context, st *store.Store, seed uint64, n int, log interface{ Info(string, ...any) }) (bool, error) {
	empty, err := st.IsEmpty(ctx)
	if err != nil || !empty {
		return false, err
	}
	t := time.Now()
	pilot := demo.Generate(seed, n)
	if err := st.LoadDemo(systemCtx(ctx, "demo"), pilot); err != nil {
		return false, fmt.Errorf("load demo: %w", err)
	}
	as := demo.GenerateAssessments(pilot, seed)
	if err := st.LoadDemoAssessments(systemCtx(ctx, "demo"), pilot, as); err != nil {
		return false, fmt.Errorf("load demo assessments: %w", err)
	}
	if err := st.LoadDemoUnderwriting(systemCtx(ctx, "demo"), pilot, demo.GenerateUnderwriting(pilot, as, seed, st.Now())); err != nil {
		return false, fmt.Errorf("load demo underwriting: %w", err)
	}
	inc, err := st.LoadDemoIncidents(systemCtx(ctx, "demo"), seed)
	if err != nil {
		return false, fmt.Errorf("load demo incidents: %w", err)
	}
	if err := st.LoadDemoPlans(systemCtx(ctx, "demo"), seed); err != nil {
		return false, fmt.Errorf("load demo pilot plans: %w", err)
	}
	if err := st.LoadDemoProjects(systemCtx(ctx, "demo"), seed); err != nil {
		return false, fmt.Errorf("load demo pilot projects: %w", err)
	}
	if _, err := st.LoadDemoRetail(systemCtx(ctx, "demo"), seed); err != nil {
		return false, fmt.Errorf("load demo retail returns: %w", err)
	}
	log.Info("demo pilot loaded", "seed", seed, "organisations", len(pilot.Orgs), "users", len(pilot.Users), "incidents", inc.Incidents,
		"ms", time.Since(t).Milliseconds())
	return true, nil
}

func printDemoLogins(w io.Writer, loaded bool) {
	what := "Demo pilot loaded."
	if !loaded {
		what = "The database already holds data, so no demo was loaded; if it holds the demo pilot:"
	}
	fmt.Fprintf(w, "\n%s", what)
	fmt.Fprintf(w, ` Every demo user's password is %s
  op.admin        platform operator, administrator
  op.auditor      platform operator, auditor (audit log)
  miit.admin      MIIT Cybersecurity Bureau (national regulator)
  reg32.admin     Jiangsu regulator (one per jurisdiction: reg11, reg44, reg4403, …)
  ins1.uw         insurer 1, underwriter
  prov1.admin     security provider 1, administrator
  ent1.admin      an insured enterprise, administrator
`, demo.Password)
}
