package store_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

func TestIdempotency(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		c := setClock(st, t0)
		ctx := context.Background()
		begin := func(owner, key, hash string) *store.IdemRecord {
			t.Helper()
			rec, err := st.BeginIdempotent(ctx, owner, key, "POST", "/api/v1/organisations", hash)
			must(t, err)
			return rec
		}
		finish := func(owner, key string, status int, ct string, body []byte) {
			t.Helper()
			must(t, st.FinishIdempotent(ctx, owner, key, status, ct, body))
		}
		same := func(what string, got *store.IdemRecord, hash string, status int, ct string, body []byte) {
			t.Helper()
			if got == nil || got.RequestHash != hash || got.Status != status || got.ContentType != ct || !bytes.Equal(got.Body, body) {
				t.Errorf("%s: record %+v, want %s %d %q %q", what, got, hash, status, ct, body)
			}
		}

		// First use claims the key; a repeat while running sees status 0.
		if rec := begin("user:1", "k1", "hash-a"); rec != nil {
			t.Fatalf("first begin returned %+v", rec)
		}
		same("running", begin("user:1", "k1", "hash-a"), "hash-a", 0, "", nil)
		// A repeat with another body still gets the original's record, to be refused by the caller.
		same("other request", begin("user:1", "k1", "hash-b"), "hash-a", 0, "", nil)
		// Owners do not share keys.
		if rec := begin("user:2", "k1", "hash-z"); rec != nil {
			t.Errorf("another owner's key collided: %+v", rec)
		}
		if rec := begin("token:1", "k1", "hash-y"); rec != nil {
			t.Errorf("another owner's key collided: %+v", rec)
		}
		// The response is kept, bytes and all.
		body := make([]byte, 256)
		for i := range body {
			body[i] = byte(i)
		}
		finish("user:1", "k1", 201, "application/json", body)
		same("finished", begin("user:1", "k1", "hash-a"), "hash-a", 201, "application/json", body)
		same("other owner untouched", begin("user:2", "k1", "hash-z"), "hash-z", 0, "", nil)
		// Client errors are kept as well; an empty body stays empty.
		begin("user:1", "k4", "hash-4")
		finish("user:1", "k4", 422, "application/problem+json", nil)
		same("4xx", begin("user:1", "k4", "hash-4"), "hash-4", 422, "application/problem+json", nil)
		// Server errors release the key so that the client may retry.
		for _, status := range []int{500, 503} {
			key := fmt.Sprint("k", status)
			begin("user:1", key, "hash-5")
			finish("user:1", key, status, "application/json", []byte(`{"error":"internal"}`))
			if rec := begin("user:1", key, "hash-5"); rec != nil {
				t.Errorf("%d did not release the key: %+v", status, rec)
			}
			same("retry running", begin("user:1", key, "hash-5"), "hash-5", 0, "", nil)
		}
		// Finishing a key never claimed stores nothing.
		finish("user:1", "never", 200, "text/plain", []byte("x"))
		if rec := begin("user:1", "never", "hash-n"); rec != nil {
			t.Errorf("unclaimed key stored: %+v", rec)
		}

		// Keys are remembered for IdempotencyTTL, then forgotten.
		c.set(t0.Add(store.IdempotencyTTL - time.Second))
		same("just before expiry", begin("user:1", "k1", "hash-a"), "hash-a", 201, "application/json", body)
		c.set(t0.Add(store.IdempotencyTTL))
		if rec := begin("user:1", "k1", "hash-c"); rec != nil {
			t.Errorf("expired key still answers: %+v", rec)
		}
		same("reclaimed", begin("user:1", "k1", "hash-c"), "hash-c", 0, "", nil)

		// PurgeExpired drops old keys only.
		c.set(t0.Add(store.IdempotencyTTL + time.Hour))
		begin("user:3", "fresh", "hash-f")
		before := count(t, st, "SELECT COUNT(*) FROM idempotency_keys")
		must(t, st.PurgeExpired(ctx))
		left := count(t, st, "SELECT COUNT(*) FROM idempotency_keys")
		if left != 2 || before <= left { // k1 (reclaimed at TTL) and fresh
			t.Errorf("after purge %d keys (before %d), want 2", left, before)
		}
		same("fresh survives the purge", begin("user:3", "fresh", "hash-f"), "hash-f", 0, "", nil)
	})
}

func TestIdempotencyConcurrentClaims(t *testing.T) {
	t.Parallel()
	// Two copies of one request racing: exactly one runs, the other sees the
	// record. Neither may fail with a database error.
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		const rounds, racers = 8, 8
		for r := range rounds {
			key := fmt.Sprint("race-", r)
			var wg sync.WaitGroup
			var mu sync.Mutex
			claimed, seen := 0, 0
			winner := ""
			got := map[string]string{} // racer's hash → hash in the record it saw
			var errs []error
			start := make(chan struct{})
			for i := range racers {
				// Odd rounds race one request; even rounds race different requests
				// under one key, whose losers must see the winner's hash to refuse.
				hash := "hash"
				if r%2 == 0 {
					hash = fmt.Sprint("hash-", i)
				}
				wg.Go(func() {
					<-start
					rec, err := st.BeginIdempotent(context.Background(), "user:1", key, "POST", "/api/v1/organisations", hash)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err != nil:
						errs = append(errs, err)
					case rec == nil:
						claimed++
						winner = hash
					default:
						seen++
						got[hash] = rec.RequestHash
					}
				})
			}
			close(start)
			wg.Wait()
			wrong := 0
			for _, theirs := range got {
				if theirs != winner {
					wrong++
				}
			}
			if wrong > 0 {
				t.Errorf("round %d: %d losers were told the key holds their own request, not the winner's (%s): %v", r, wrong, winner, got)
			}
			if claimed != 1 || seen != racers-1 || len(errs) > 0 {
				var first error
				if len(errs) > 0 {
					first = errs[0]
				}
				t.Errorf("round %d: %d claimed, %d saw the record, %d failed (%v)", r, claimed, seen, len(errs), first)
			}
		}
	})
}
