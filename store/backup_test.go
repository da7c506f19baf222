package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
	"github.com/anbao/anbao/store/storetest"
)

func TestBackup(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if st.Engine() != store.SQLite {
			// PostgreSQL is backed up with pg_dump; the built-in backup says so.
			dest := filepath.Join(t.TempDir(), "anbao.db")
			if err := st.Backup(ctx, dest); err == nil || !strings.Contains(err.Error(), "pg_dump") {
				t.Errorf("backup on %s: %v", st.Engine(), err)
			}
			if _, err := os.Stat(dest); err == nil {
				t.Errorf("backup on %s wrote a file", st.Engine())
			}
			return
		}
		h := buildHistory(t, st, true)
		orgs := orgCount(t, st)
		dir := t.TempDir()
		dest := filepath.Join(dir, "backup.db")
		must(t, st.Backup(ctx, dest))

		// The source goes on after the backup; the copy does not see it.
		_, err := st.CreateOrganisation(sys(), newEnterprise(mkUSCC(t, "320505", 900)), "")
		must(t, err)

		refusals := []string{
			dest,                                  // exists
			filepath.Join(dir, "it's.db"),         // a quote
			filepath.Join(dir, "missing", "x.db"), // no such directory
			st.Path(),                             // the live database itself
		}
		empty := filepath.Join(dir, "empty.db")
		must(t, os.WriteFile(empty, nil, 0o600))
		refusals = append(refusals, empty)
		for _, p := range refusals {
			info, statErr := os.Stat(p)
			if err := st.Backup(ctx, p); err == nil {
				t.Errorf("backup to %s succeeded", p)
			}
			if statErr == nil {
				if after, err := os.Stat(p); err != nil || after.Size() != info.Size() || !after.ModTime().Equal(info.ModTime()) {
					t.Errorf("backup to %s changed the existing file", p)
				}
			}
		}

		// The copy opens as a data directory of its own.
		restored := t.TempDir()
		must(t, os.Rename(dest, filepath.Join(restored, "anbao.db")))
		st2, err := store.Open(ctx, store.Config{DataDir: restored})
		must(t, err)
		defer st2.Close()
		verifyOK(t, st2, h.n)
		if n := orgCount(t, st2); n != orgs {
			t.Errorf("restored %d organisations, want %d", n, orgs)
		}
		ent, err := st2.GetOrganisation(sys(), h.entID)
		if err != nil || ent.NameEN != "Suzhou Audited Network Technology Co., Ltd." || ent.Status != anbao.OrgActive || ent.Version != 4 {
			t.Errorf("restored enterprise %+v, %v", ent, err)
		}
		if es := auditSince(t, st2, 0); strings.Join(actions(es), " ") != strings.Join(h.wantActions, " ") {
			t.Errorf("restored audit %v", actions(es))
		}
		p, _ := login(t, st2, "hist.admin", historyPassword)
		if p.OrgID != h.entID {
			t.Errorf("restored user in org %d", p.OrgID)
		}
		// The restored store is writable and continues the chain.
		_, err = st2.CreateOrganisation(sys(), newEnterprise(mkUSCC(t, "320505", 901)), "")
		must(t, err)
		verifyOK(t, st2, h.n+2) // the login and the new organisation
		verifyOK(t, st, h.n+1)
	})
}
