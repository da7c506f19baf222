package server

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/anbao/anbao"
)

// Request bodies come from anyone: decoding never panics, and a body it
// rejects is rejected with an application error, never an internal one.
func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"kind":"enterprise","profile":{"size":"small"}}`, `{"kind":5}`, `[`, ``, `{} {}`,
		`{"uscc_override_reason":"\u0000"}`, `{"profile":{"revenue_fen":1e400}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest("POST", "/api/v1/organisations", strings.NewReader(body))
		var req OrgCreateRequest
		err := decodeJSON(r, &req)
		if err != nil && anbao.ErrorCode(err) == anbao.EINTERNAL {
			t.Fatalf("%q: internal error %v", body, err)
		}
		for _, seg := range strings.Split(jsonFieldPath("Organisation."+body), ".") {
			if seg != "" && seg[0] >= 'A' && seg[0] <= 'Z' {
				t.Fatalf("%q: Go type name %q kept in the field path", body, seg)
			}
		}
	})
}
