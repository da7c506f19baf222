package store_test

import (
	"context"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/demo"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

func sys() context.Context {
	return anbao.WithPrincipal(context.Background(), anbao.SystemPrincipal("test"))
}

func TestDemoLoadsAndVerifies(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		pilot := demo.Generate(7, 120)
		if err := st.LoadDemo(sys(), pilot); err != nil {
			t.Fatal(err)
		}
		list, err := st.ListOrganisations(sys(), anbao.OrgFilter{Kind: anbao.KindEnterprise})
		if err != nil {
			t.Fatal(err)
		}
		if list.Total != 120 {
			t.Errorf("enterprises = %d, want 120", list.Total)
		}
		if err := st.LoadDemo(sys(), pilot); anbao.ErrorCode(err) != anbao.ECONFLICT {
			t.Errorf("second load: %v, want conflict", err)
		}
		rep, err := st.VerifyAudit(sys())
		if err != nil || !rep.OK || rep.Entries != 1 {
			t.Fatalf("verify = %+v, %v", rep, err)
		}
	})
}
