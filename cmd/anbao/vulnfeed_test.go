package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anbao/anbao/vulnfeed"
)

// "anbao vulnfeed import" loads both files; a malformed one is refused with its line.
func TestVulnfeedImport(t *testing.T) {
	dir := t.TempDir()
	kev := filepath.Join(dir, "kev.json")
	epss := filepath.Join(dir, "epss.csv")
	os.WriteFile(kev, vulnfeed.GenerateKEV(30, 1), 0o644)
	var b bytes.Buffer
	if err := vulnfeed.GenerateEPSS(&b, 500, 1); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(epss, b.Bytes(), 0o644)
	var out, errb bytes.Buffer
	data := filepath.Join(dir, "data")
	if err := run(context.Background(), []string{"vulnfeed", "import", "--data", data, "--kev", kev, "--epss", epss}, &out, &errb); err != nil {
		t.Fatalf("%v\n%s", err, errb.String())
	}
	if s := out.String(); !strings.Contains(s, "kev: 30 rows") || !strings.Contains(s, "epss: 500 rows") {
		t.Errorf("output %q", s)
	}
	os.WriteFile(epss, append(b.Bytes(), []byte("CVE-2099-1,2,0.5\n")...), 0o644)
	err := run(context.Background(), []string{"vulnfeed", "import", "--data", data, "--epss", epss}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "line 503") {
		t.Errorf("malformed EPSS: %v", err)
	}
	if err := run(context.Background(), []string{"vulnfeed", "import", "--data", data}, &out, &errb); err == nil {
		t.Error("no file given: no error")
	}
}
