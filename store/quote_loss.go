package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync"

	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/quant"
)

// The expected loss of a quote comes from one simulation of the enterprise's
// library model (quant.Library of its assessment), cached by model, from
// which every option's layer is integrated (quant.Result.LayerMean). Seed and
// trials are fixed, so the same facts always give the same premium.
const (
	lossTrials    = 100_000
	lossSeed      = 2026
	lossLECPoints = 200
	lossCacheSize = 4096
)

// lossCache memoises simulations by model name and parameters.
type lossCache struct {
	mu sync.Mutex
	m  map[string]*quant.Result
}

var defaultLossCache = &lossCache{m: map[string]*quant.Result{}}

// SimulateLibraryLoss is the default LossSimulator: it returns nil (unknown)
// for a profile the library cannot take, such as one without revenue.
func SimulateLibraryLoss(ctx context.Context, in *assess.Input) (*quant.Result, error) {
	prof, _, err := assess.LossInputs(in)
	if err != nil {
		var fe *quant.FieldError
		if errors.Is(err, assess.ErrNoRevenue) || errors.As(err, &fe) {
			return nil, nil
		}
		return nil, err
	}
	model, err := quant.Library(prof)
	if err != nil {
		return nil, nil
	}
	b, err := json.Marshal(model)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	key := quant.EngineVersion + ":" + hex.EncodeToString(sum[:])
	c := defaultLossCache
	c.mu.Lock()
	r, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return r, nil
	}
	r, err = quant.Simulate(ctx, model, quant.Options{Trials: lossTrials, Seed: lossSeed, LECPoints: lossLECPoints, Workers: 1})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= lossCacheSize {
		clear(c.m)
	}
	c.m[key] = r
	c.mu.Unlock()
	return r, nil
}
