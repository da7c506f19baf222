package store_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
	"github.com/anbao/anbao/vulnfeed"
)

func epssFile(t testing.TB, n int, seed uint64) []byte {
	var b bytes.Buffer
	must(t, vulnfeed.GenerateEPSS(&b, n, seed))
	return b.Bytes()
}

// An import replaces its feed's snapshot; a malformed file writes nothing;
// only the operator's admin imports; anyone looks up.
func TestFeedImport(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		loadPilot(t, st)
		op := as(t, st, "op.admin")
		ent := as(t, st, "ent1.member")
		kev, err := st.ImportKEV(op, bytes.NewReader(vulnfeed.GenerateKEV(40, 1)))
		must(t, err)
		epss, err := st.ImportEPSS(op, bytes.NewReader(epssFile(t, 1000, 1)))
		must(t, err)
		if kev.Rows != 40 || epss.Rows != 1000 || len(epss.SHA256) != 64 || epss.Version == "" {
			t.Fatalf("imports %+v %+v", kev, epss)
		}
		cat, err := vulnfeed.ReadKEV(bytes.NewReader(vulnfeed.GenerateKEV(40, 1)))
		must(t, err)
		first := cat.Vulnerabilities[0].CVEID
		intel, err := st.VulnIntel(ent, []string{first, strings.ToLower(first), "CVE-1999-0001", "not-a-cve"})
		must(t, err)
		if len(intel) != 1 || !intel[first].KEV || intel[first].KEVDateAdded == "" {
			t.Errorf("lookup %+v", intel)
		}

		// A smaller import replaces, not appends.
		_, err = st.ImportEPSS(op, bytes.NewReader(epssFile(t, 10, 2)))
		must(t, err)
		if n := count(t, st, "SELECT COUNT(*) FROM epss_scores"); n != 10 {
			t.Errorf("%d EPSS rows after replacing with 10", n)
		}
		// A file broken at its end writes nothing: the rows before the fault are rolled back.
		audits := auditCount(t, st)
		bad := append(epssFile(t, 500, 3), []byte("CVE-2099-99999999,1.5,0.2\n")...)
		_, err = st.ImportEPSS(op, bytes.NewReader(bad))
		wantErr(t, err, anbao.EINVALID, "feed.invalid")
		if !strings.Contains(err.Error(), "line 503") {
			t.Errorf("error %v does not name the line", err)
		}
		_, err = st.ImportKEV(op, strings.NewReader(`{"catalogVersion":`))
		wantErr(t, err, anbao.EINVALID, "feed.invalid")
		if n := count(t, st, "SELECT COUNT(*) FROM epss_scores"); n != 10 || auditCount(t, st) != audits {
			t.Errorf("a refused import wrote: %d rows, audit %d→%d", n, audits, auditCount(t, st))
		}
		_, err = st.ImportKEV(ent, bytes.NewReader(vulnfeed.GenerateKEV(5, 1)))
		wantErr(t, err, anbao.EFORBIDDEN, "")
		status, err := st.FeedStatus(ent)
		must(t, err)
		if len(status) != 3 || status[0].Feed != "epss" || status[0].Rows != 10 {
			t.Errorf("status %+v", status)
		}
	})
}
