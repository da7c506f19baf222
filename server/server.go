// Package server is Anbao's HTTP adapter: the JSON API under /api/v1 with its
// OpenAPI document, the server-rendered web UI, and the operational endpoints
// (/healthz, /readyz, /metrics). It decodes requests, puts the principal in the
// context and encodes results; the store decides what the principal may do.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"

	"github.com/anbao/anbao/store"
)

// Config tunes the HTTP server.
type Config struct {
	// Demo relaxes the second-factor requirement and shows the demo logins on the login page.
	Demo bool
	// SecureCookies marks cookies Secure; on unless serving plain HTTP on loopback.
	SecureCookies bool
	// MaxBodyBytes bounds request bodies (default 1 MiB).
	MaxBodyBytes int64
	// LoginRate is the number of login attempts per minute allowed from one address (default 20).
	LoginRate int
	// QuantMaxTrials bounds the trials of one simulation (default 1,000,000).
	QuantMaxTrials int
	// QuantTimeout bounds the run time of one simulation (default 10 s).
	QuantTimeout time.Duration
	// QuantConcurrency is how many simulations run at once (default GOMAXPROCS);
	// further requests wait briefly, then get 429.
	QuantConcurrency int
}

// Server serves the API, the UI and the operational endpoints.
type Server struct {
	store   *store.Store
	log     *slog.Logger
	cfg     Config
	mux     *http.ServeMux
	routes  []*route
	metrics *metrics
	limiter *limiter
	ui      *uiRenderer
	quant   *quantRunner
	started time.Time
	// bodyLimits raises the request-body cap for the few routes that take
	// files (feed imports, evidence); keyed by URL path prefix.
	bodyLimits map[string]int64
	// bodySuffixes does the same for paths ending so (routes with an id inside).
	bodySuffixes map[string]int64
}

// allowBodySuffix raises the body cap to n bytes for request paths ending with suffix.
func (s *Server) allowBodySuffix(suffix string, n int64) {
	if s.bodySuffixes == nil {
		s.bodySuffixes = map[string]int64{}
	}
	s.bodySuffixes[suffix] = n
}

// allowBody raises the body cap to n bytes for requests whose path starts
// with prefix. Call it while registering routes.
func (s *Server) allowBody(prefix string, n int64) {
	if s.bodyLimits == nil {
		s.bodyLimits = map[string]int64{}
	}
	s.bodyLimits[prefix] = n
}

// bodyLimit is the body cap for a request path: the longest matching
// allowBody prefix, else the configured default.
func (s *Server) bodyLimit(path string) int64 {
	for suffix, n := range s.bodySuffixes {
		if strings.HasSuffix(path, suffix) {
			return n
		}
	}
	limit, best := s.cfg.MaxBodyBytes, -1
	for prefix, n := range s.bodyLimits {
		if len(prefix) > best && strings.HasPrefix(path, prefix) {
			limit, best = n, len(prefix)
		}
	}
	return limit
}

// New builds a server around a store.
func New(st *store.Store, log *slog.Logger, cfg Config) (*Server, error) {
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.LoginRate == 0 {
		cfg.LoginRate = 20
	}
	if cfg.QuantMaxTrials == 0 {
		cfg.QuantMaxTrials = defaultQuantMaxTrials
	}
	if cfg.QuantTimeout == 0 {
		cfg.QuantTimeout = defaultQuantTimeout
	}
	if cfg.QuantConcurrency == 0 {
		cfg.QuantConcurrency = runtime.GOMAXPROCS(0)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{store: st, log: log, cfg: cfg, mux: http.NewServeMux(), metrics: newMetrics(),
		limiter: newLimiter(cfg.LoginRate, time.Minute), quant: newQuantRunner(cfg), started: time.Now()}
	var err error
	if s.ui, err = newUIRenderer(); err != nil {
		return nil, err
	}
	s.registerAPI()
	s.registerQuantAPI()
	s.registerRiskProfileAPI()
	s.registerSharingAPI()
	s.registerEngagementAPI()
	s.registerSupervisionAPI()
	s.registerAssessmentAPI()
	s.registerFeedsAPI()
	s.registerQuestionnaireAPI()
	s.registerAnswerEvidenceAPI()
	s.registerReportAPI()
	s.registerUnderwritingAPI()
	s.registerDeclareAPI()
	s.registerIncidentAPI()
	s.registerPilotPlanAPI()
	s.registerPilotProjectAPI()
	s.registerStatsAPI()
	s.registerExportAPI()
	s.registerUI()
	s.registerQuantUI()
	s.registerProductUI()
	s.registerQuoteUI()
	s.registerPolicyDocs()
	s.registerIncidentUI()
	if err := s.registerFeedsUI(); err != nil {
		return nil, err
	}
	if err := s.registerReportUI(); err != nil {
		return nil, err
	}
	if err := s.registerQuestionnaireUI(); err != nil {
		return nil, err
	}
	if err := s.registerAssessmentUI(); err != nil {
		return nil, err
	}
	if err := s.registerSupervisionUI(); err != nil {
		return nil, err
	}
	if err := s.registerRiskProfileUI(); err != nil {
		return nil, err
	}
	if err := s.registerEngagementUI(); err != nil {
		return nil, err
	}
	for _, reg := range []func() error{s.registerPilotPlanUI, s.registerPilotProjectUI, s.registerStatsUI, s.registerExportUI} {
		if err := reg(); err != nil {
			return nil, err
		}
	}
	s.mux.HandleFunc("GET /healthz", s.healthz)
	s.mux.HandleFunc("GET /readyz", s.readyz)
	s.mux.HandleFunc("GET /metrics", s.serveMetrics)
	s.mux.HandleFunc("GET /api/openapi.json", s.serveOpenAPI)
	return s, nil
}

// Handler returns the full middleware chain around the routes.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, errCSRF())
	}))
	var h http.Handler = s.mux
	h = s.authenticate(h)
	h = cop.Handler(h)
	h = s.observe(h)
	return h
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.store.Ping(ctx); err != nil {
		s.log.ErrorContext(ctx, "readiness check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

// fireTimers warns and expires the incident deadlines that came due.
func (s *Server) fireTimers(ctx context.Context) {
	rep, err := s.store.FireTimers(ctx)
	if err != nil && ctx.Err() == nil {
		s.log.Error("incident timers", "err", err)
	} else if rep != nil && rep.Warned+rep.Expired > 0 {
		s.log.Info("incident timers", "warned", rep.Warned, "expired", rep.Expired)
	}
}

// Maintain runs periodic housekeeping until ctx ends.
func (s *Server) Maintain(ctx context.Context) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	// Incident deadlines fire every half minute, and at once on start: a
	// deadline that passed while the server was down fires now.
	timers := time.NewTicker(30 * time.Second)
	defer timers.Stop()
	s.fireTimers(ctx)
	s.pilotHousekeeping(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-timers.C:
			s.fireTimers(ctx)
		case <-t.C:
			if err := s.store.PurgeExpired(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("purge expired", "err", err)
			}
			if rep, err := s.store.WatchPolicies(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("watch policies", "err", err)
			} else if rep != nil && rep.Expired+int64(rep.Notices+rep.Renewed+rep.Referred) > 0 {
				s.log.Info("watch policies", "expired", rep.Expired, "notices", rep.Notices, "renewed", rep.Renewed, "referred", rep.Referred)
			}
			s.pilotHousekeeping(ctx)
			if err := s.store.Optimize(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("optimize", "err", err)
			}
			s.limiter.sweep()
		}
	}
}
