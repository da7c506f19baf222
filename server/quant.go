package server

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/quant"
	"github.com/anbao/anbao/quant/modelfile"
	"github.com/anbao/anbao/refdata"
)

// Risk quantification over HTTP: the simulate, library and controls API
// operations, and the runner they share with the /quant page. A simulation
// reads no tenant data, so any principal may run one; the runner bounds what
// one request may cost (trials, time, concurrent runs) and caches results.

// Defaults of the quant limits in Config.
const (
	defaultQuantMaxTrials = 1_000_000
	defaultQuantTimeout   = 10 * time.Second
	quantCacheEntries     = 128
	quantQueueWait        = 2 * time.Second
	quantMaxListLen       = 20   // quantiles, levels
	quantMaxThresholds    = 100  // lec_thresholds
	quantMaxLECPoints     = 1000 // lec_points
	quantMinTrials        = 100
)

// QuantSimulateRequest is the body of POST /api/v1/quant/simulate. The model
// is given as JSON (model) or as the text of a model file (model_yaml), and
// likewise the optional second model to compare with (compare, compare_yaml).
type QuantSimulateRequest struct {
	Model         *quant.Model `json:"model,omitempty"`
	ModelYAML     string       `json:"model_yaml,omitempty"`
	Trials        int          `json:"trials,omitempty"` // default 100,000
	Seed          uint64       `json:"seed,omitempty"`
	Levels        []float64    `json:"levels,omitempty"`
	Quantiles     []float64    `json:"quantiles,omitempty"`
	LECPoints     *int         `json:"lec_points,omitempty"`
	LECThresholds []float64    `json:"lec_thresholds,omitempty"`
	Compare       *quant.Model `json:"compare,omitempty"`
	CompareYAML   string       `json:"compare_yaml,omitempty"`
}

// quantSimulateBody is how the request is decoded: the models stay raw so
// that both forms go through modelfile.Parse and fail the same way.
type quantSimulateBody struct {
	Model         json.RawMessage `json:"model"`
	ModelYAML     string          `json:"model_yaml"`
	Trials        int             `json:"trials"`
	Seed          uint64          `json:"seed"`
	Levels        []float64       `json:"levels"`
	Quantiles     []float64       `json:"quantiles"`
	LECPoints     *int            `json:"lec_points"`
	LECThresholds []float64       `json:"lec_thresholds"`
	Compare       json.RawMessage `json:"compare"`
	CompareYAML   string          `json:"compare_yaml"`
}

// QuantLibraryResponse is the library model of an enterprise: the profile it
// was built from, the model, and the same model as a model file.
type QuantLibraryResponse struct {
	Enterprise int64         `json:"enterprise"`
	Profile    quant.Profile `json:"profile"`
	Model      *quant.Model  `json:"model"`
	ModelYAML  string        `json:"model_yaml"`
}

// ErrorProblem is one problem of a model file in an error body: where it was
// written and what is wrong, in the caller's language.
type ErrorProblem struct {
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Path    string `json:"path,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// oneOf documents a response that is one of several types.
type oneOf []any

func (s *Server) registerQuantAPI() {
	const v1 = "/api/v1"
	s.api(route{Method: "POST", Path: v1 + "/quant/simulate", OpID: "simulateQuant", Tag: "quant",
		Summary: "Run a Monte Carlo risk-quantification simulation of a model (quant.Result), or compare two models on common random numbers (quant.Comparison, when compare or compare_yaml is given). Responds with X-Anbao-Cache: hit|miss",
		Body:    QuantSimulateRequest{}, Resp: oneOf{quant.Result{}, quant.Comparison{}}, handle: s.apiQuantSimulate})
	s.api(route{Method: "GET", Path: v1 + "/quant/library", OpID: "quantLibrary", Tag: "quant",
		Summary: "The library model of an enterprise, built from its profile",
		Query: []qparam{
			{Name: "enterprise", Type: "integer", Desc: "enterprise id (required)"},
			{Name: "controls", Type: "string", Desc: "comma-separated ids of the controls in place, e.g. mfa,edr"},
			{Name: "pi_records", Type: "integer", Desc: "personal-information records held (not yet in the profile)"},
			{Name: "sensitive_pi", Type: "boolean", Desc: "holds sensitive personal information"},
		}, Resp: QuantLibraryResponse{}, handle: s.apiQuantLibrary})
	s.api(route{Method: "GET", Path: v1 + "/quant/controls", OpID: "listQuantControls", Tag: "quant",
		Summary: "The security controls the library knows, with their effects", Resp: []quant.Control{}, handle: s.apiQuantControls})
}

func (s *Server) apiQuantSimulate(w http.ResponseWriter, r *http.Request) (any, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActQuantRun); err != nil {
		return nil, err
	}
	var req quantSimulateBody
	if err := decodeJSON(r, &req); err != nil {
		return nil, err
	}
	job := &quantJob{}
	var err error
	if job.Model, err = parseQuantModel(req.Model, req.ModelYAML, "model", true); err != nil {
		return nil, err
	}
	if job.Compare, err = parseQuantModel(req.Compare, req.CompareYAML, "compare", false); err != nil {
		return nil, err
	}
	if job.Opt, err = s.quantOptions(req.Trials, req.Seed, req.Levels, req.Quantiles, req.LECPoints, req.LECThresholds); err != nil {
		return nil, err
	}
	v, hit, err := s.quant.run(r.Context(), job)
	w.Header().Set("X-Anbao-Cache", cacheWord(hit))
	if err != nil {
		if anbao.ErrorCode(err) == anbao.ETOOMANY {
			w.Header().Set("Retry-After", "2")
		}
		return nil, err
	}
	return v, nil
}

func cacheWord(hit bool) string {
	if hit {
		return "hit"
	}
	return "miss"
}

// parseQuantModel reads one model given as JSON or as a model file. JSON is
// YAML, so both go through modelfile.Parse and give the same errors.
func parseQuantModel(raw json.RawMessage, text, name string, required bool) (*quant.Model, error) {
	hasJSON := len(raw) > 0 && string(raw) != "null"
	switch {
	case hasJSON && text != "":
		return nil, anbao.FieldError(name, "errors.quant.model_both", name, name+"_yaml")
	case hasJSON:
		return parseModelText(raw, name)
	case strings.TrimSpace(text) != "":
		return parseModelText([]byte(text), name+"_yaml")
	case required:
		return nil, anbao.FieldError(name, "errors.quant.model_missing", name, name+"_yaml")
	}
	return nil, nil
}

// parseModelText parses a model file; field names the input it came from.
func parseModelText(data []byte, field string) (*quant.Model, error) {
	m, err := modelfile.Parse(data)
	if err == nil {
		return m, nil
	}
	var fe *modelfile.Error
	if errors.As(err, &fe) && len(fe.Problems) > 0 {
		return nil, modelError(field, fe.Problems)
	}
	return nil, err
}

// quantOptions checks the simulation parameters and fills the defaults.
func (s *Server) quantOptions(trials int, seed uint64, levels, quantiles []float64, lecPoints *int, thresholds []float64) (quant.Options, error) {
	opt := quant.Options{Trials: trials, Seed: seed, Levels: levels, Quantiles: quantiles, LECThresholds: thresholds}
	if opt.Trials == 0 {
		opt.Trials = quant.DefaultTrials
	}
	if opt.Trials < quantMinTrials || opt.Trials > s.cfg.QuantMaxTrials {
		return opt, anbao.FieldError("trials", "errors.quant.trials_range", groupDigits(quantMinTrials), groupDigits(int64(s.cfg.QuantMaxTrials)))
	}
	for name, list := range map[string][]float64{"levels": levels, "quantiles": quantiles} {
		if len(list) > quantMaxListLen {
			return opt, anbao.FieldError(name, "errors.quant.list_too_long", name, quantMaxListLen)
		}
		for i, p := range list {
			if !(p > 0 && p < 1) {
				return opt, anbao.FieldError(name+"["+strconv.Itoa(i)+"]", "errors.quant.probability_open", name)
			}
		}
	}
	if lecPoints != nil {
		if *lecPoints < 0 || *lecPoints > quantMaxLECPoints {
			return opt, anbao.FieldError("lec_points", "errors.quant.lec_points", quantMaxLECPoints)
		}
		opt.LECPoints = *lecPoints
	}
	if len(thresholds) > quantMaxThresholds {
		return opt, anbao.FieldError("lec_thresholds", "errors.quant.list_too_long", "lec_thresholds", quantMaxThresholds)
	}
	for i, x := range thresholds {
		if math.IsNaN(x) || math.IsInf(x, 0) || x < 0 {
			return opt, anbao.FieldError("lec_thresholds["+strconv.Itoa(i)+"]", "errors.quant.threshold")
		}
	}
	return opt, nil
}

func (s *Server) apiQuantLibrary(w http.ResponseWriter, r *http.Request) (any, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActQuantRun); err != nil {
		return nil, err
	}
	q := r.URL.Query()
	id, err := strconv.ParseInt(q.Get("enterprise"), 10, 64)
	if err != nil || id <= 0 {
		return nil, &anbao.Error{Code: anbao.EINVALID, Key: "error.bad_query", Args: []any{"enterprise"}, Field: "enterprise"}
	}
	var controls []string
	for _, c := range strings.Split(q.Get("controls"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			controls = append(controls, c)
		}
	}
	pi, err := queryInt64(r, "pi_records")
	if err != nil {
		return nil, err
	}
	sensitive, err := queryBool(r, "sensitive_pi")
	if err != nil {
		return nil, err
	}
	o, prof, err := s.quantProfile(r.Context(), id, pi, sensitive, controls)
	if err != nil {
		return nil, err
	}
	m, err := quant.Library(prof)
	if err != nil {
		return nil, s.libraryError(r, o, err)
	}
	text, err := modelfile.Marshal(m)
	if err != nil {
		return nil, err
	}
	return QuantLibraryResponse{Enterprise: o.ID, Profile: prof, Model: m, ModelYAML: string(text)}, nil
}

func (s *Server) apiQuantControls(w http.ResponseWriter, r *http.Request) (any, error) {
	if err := anbao.Authorize(anbao.PrincipalFrom(r.Context()), anbao.ActQuantRun); err != nil {
		return nil, err
	}
	return quant.Controls, nil
}

// quantProfile reads an enterprise the caller may see, exactly as the
// enterprise profile operation does (another tenant's is "not found"), and
// turns its profile into the library's. Unknown control ids are refused.
func (s *Server) quantProfile(ctx context.Context, id, piRecords int64, sensitive bool, controls []string) (*anbao.Organisation, quant.Profile, error) {
	o, err := s.store.GetOrganisation(ctx, id)
	if err == nil && o.Kind != anbao.KindEnterprise {
		err = anbao.ErrNotFound("enterprise")
	}
	if err != nil {
		return nil, quant.Profile{}, err
	}
	for _, c := range controls {
		if !knownControl(c) {
			return nil, quant.Profile{}, anbao.FieldError("controls", "errors.quant.unknown_control", c)
		}
	}
	prof := quant.Profile{PIRecords: piRecords, SensitivePI: sensitive, Controls: controls}
	if pr := o.Profile; pr != nil {
		if d, ok := refdata.DivisionByCode(pr.Industry); ok {
			prof.Industry = d.Section
		}
		prof.Revenue = float64(pr.RevenueFen) / 100
		prof.Employees = pr.Employees
		prof.CII = pr.CII
	}
	return o, prof, nil
}

func knownControl(id string) bool {
	return slices.ContainsFunc(quant.Controls, func(c quant.Control) bool { return c.ID == id })
}

// libraryError explains why no library model could be built: an enterprise
// whose profile lacks what the library needs is the caller's to fix.
func (s *Server) libraryError(r *http.Request, o *anbao.Organisation, err error) error {
	s.log.WarnContext(r.Context(), "quant library", "enterprise", o.ID, "err", err)
	return &anbao.Error{Code: anbao.EPRECONDITION, Key: "errors.quant.library_failed", Field: "enterprise", Err: err}
}

func queryInt64(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(strings.ReplaceAll(r.URL.Query().Get(name), ",", ""))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, &anbao.Error{Code: anbao.EINVALID, Key: "error.bad_query", Args: []any{name}, Field: name}
	}
	return n, nil
}

func queryBool(r *http.Request, name string) (bool, error) {
	switch r.URL.Query().Get(name) {
	case "":
		return false, nil
	case "true", "1", "on":
		return true, nil
	case "false", "0", "off":
		return false, nil
	}
	return false, &anbao.Error{Code: anbao.EINVALID, Key: "error.bad_query", Args: []any{name}, Field: name}
}

// quantJob is one simulation, or a comparison when Compare is set.
type quantJob struct {
	Model, Compare *quant.Model
	Opt            quant.Options
}

// key identifies a job's result: the canonical JSON of the models (encoding a
// struct is deterministic), the seed, trials, options and engine version.
// Workers is left out: it never changes the numbers.
func (j *quantJob) key() string {
	o := j.Opt
	b, _ := json.Marshal(struct {
		Engine         string
		Model, Compare *quant.Model
		Trials         int
		Seed           uint64
		Q, L, T        []float64
		P              int
	}{quant.EngineVersion, j.Model, j.Compare, o.Trials, o.Seed, o.Quantiles, o.Levels, o.LECThresholds, o.LECPoints})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// quantRunner runs simulations within the server's limits.
type quantRunner struct {
	slots   chan struct{} // one token per simulation allowed to run at once
	wait    time.Duration // how long a request waits for a token before 429
	timeout time.Duration
	workers int
	cache   *lruCache
}

func newQuantRunner(cfg Config) *quantRunner {
	return &quantRunner{slots: make(chan struct{}, cfg.QuantConcurrency), wait: quantQueueWait,
		timeout: cfg.QuantTimeout, workers: runtime.GOMAXPROCS(0), cache: newLRU(quantCacheEntries)}
}

// run returns the job's result (*quant.Result or *quant.Comparison) and
// whether it came from the cache.
func (q *quantRunner) run(ctx context.Context, job *quantJob) (any, bool, error) {
	key := job.key()
	if v, ok := q.cache.get(key); ok {
		return v, true, nil
	}
	timer := time.NewTimer(q.wait)
	defer timer.Stop()
	select {
	case q.slots <- struct{}{}:
	case <-timer.C:
		return nil, false, anbao.Errorf(anbao.ETOOMANY, "errors.quant.busy")
	case <-ctx.Done():
		return nil, false, anbao.Errorf(anbao.ETOOMANY, "errors.quant.busy")
	}
	defer func() { <-q.slots }()
	// Another request may have computed it while this one waited.
	if v, ok := q.cache.get(key); ok {
		return v, true, nil
	}
	rctx, cancel := context.WithTimeout(ctx, q.timeout)
	defer cancel()
	opt := job.Opt
	opt.Workers = q.workers
	var v any
	var err error
	if job.Compare != nil {
		v, err = quant.Compare(rctx, job.Model, job.Compare, opt)
	} else {
		v, err = quant.Simulate(rctx, job.Model, opt)
	}
	if err != nil {
		return nil, false, q.simError(ctx, rctx, err)
	}
	q.cache.put(key, v)
	return v, false, nil
}

// simError turns an engine failure into an application error.
func (q *quantRunner) simError(ctx, rctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil: // the caller went away
		return &anbao.Error{Code: anbao.EINVALID, Key: "errors.quant.canceled", Err: err}
	case errors.Is(err, context.DeadlineExceeded) || rctx.Err() != nil:
		return &anbao.Error{Code: anbao.ETOOLARGE, Key: "errors.quant.timeout", Args: []any{q.timeout.Seconds()}, Err: err}
	}
	var ve quant.ValidationError
	var fe *quant.FieldError
	switch {
	case errors.As(err, &ve) && len(ve) > 0:
		fe = ve[0]
	case errors.As(err, &fe):
	default:
		return err
	}
	// The options were checked before; what the engine still refuses is named by its path.
	return &anbao.Error{Code: anbao.EINVALID, Key: "errors.quant.options", Args: []any{fe.Error()}, Field: fe.Path, Err: err}
}

// lruCache is a small least-recently-used map of results.
type lruCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front is the most recent; values are *lruEntry
	items map[string]*list.Element
}

type lruEntry struct {
	key string
	val any
}

func newLRU(max int) *lruCache {
	return &lruCache{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lruCache) get(key string) (any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*lruEntry).val, true
	}
	return nil, false
}

func (c *lruCache) put(key string, val any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		e.Value.(*lruEntry).val = val
		c.order.MoveToFront(e)
		return
	}
	c.items[key] = c.order.PushFront(&lruEntry{key, val})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruEntry).key)
	}
}

func (c *lruCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
