package store_test

import (
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/assess"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

// The current score is computed once per distinct input and methodology,
// kept as history with its reason, reproducible from its snapshot; the
// operator re-scores everyone in one step.
func TestCurrentScore(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		setClock(st, t0)
		ent := firstEnterprise(t, st)
		ctx := as(t, st, "ent1.admin")
		first, err := st.CurrentScore(ctx, ent)
		must(t, err)
		if first.Reason != store.ScoreFirst || first.Methodology != assess.Current().Version || first.InputSHA256 == "" {
			t.Fatalf("first score %+v", first)
		}
		again, err := st.CurrentScore(as(t, st, "ins1.uw"), ent)
		must(t, err)
		if again.ID != first.ID {
			t.Errorf("unchanged inputs gave a new score %d (was %d)", again.ID, first.ID)
		}
		_, err = st.CreateMLPSSystem(as(t, st, "ent1.member"), ent, store.MLPSSystemInput{Name: "核心业务系统", Level: 3,
			LastEvaluationDate: "2025-12-01", LastEvaluationResult: store.MLPSNonconform})
		must(t, err)
		next, err := st.CurrentScore(ctx, ent)
		must(t, err)
		if next.ID == first.ID || next.Reason != store.ScoreInputs || next.InputSHA256 == first.InputSHA256 {
			t.Errorf("after a profile change: %+v", next)
		}
		rep, err := st.ReproduceScore(ctx, ent, first.ID)
		must(t, err)
		if !rep.Identical || rep.Recomputed != first.Overall {
			t.Errorf("reproduction %+v", rep)
		}
		_, err = st.CurrentScore(as(t, st, "miit.admin"), ent)
		wantErr(t, err, anbao.EFORBIDDEN, "")
		_, err = st.CurrentScore(as(t, st, "ent2.admin"), ent)
		wantErr(t, err, anbao.ENOTFOUND, "")

		_, err = st.RecomputeScores(ctx)
		wantErr(t, err, anbao.EFORBIDDEN, "")
		r, err := st.RecomputeScores(as(t, st, "op.admin"))
		must(t, err)
		n := count(t, st, "SELECT COUNT(*) FROM organisations WHERE kind = 'enterprise'")
		if int64(r.Enterprises) != n || count(t, st, "SELECT COUNT(*) FROM latest_scores") != n {
			t.Errorf("recompute %+v for %d enterprises", r, n)
		}
		latest, err := st.LatestScore(ctx, ent)
		must(t, err)
		if latest.Reason != store.ScoreMethodology || latest.Overall != next.Overall {
			t.Errorf("after recompute: %+v (was %v)", latest, next.Overall)
		}
	})
}
