package store_test

import (
	"testing"
	"time"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/store"
)

// Asset values in stored form, and the reasons bad ones are refused.
func TestNormalizeAsset(t *testing.T) {
	cases := []struct {
		kind           store.AssetKind
		value, version string
		eol            bool
		want, wantVer  string
		key, field     string // expected error
	}{
		{kind: "domain", value: " WWW.Example.CN. ", want: "www.example.cn"},
		{kind: "domain", value: "中文。中国", want: "xn--fiq228c.xn--fiqs8s"},
		{kind: "domain", value: "Bücher.de", want: "xn--bcher-kva.de"},
		{kind: "domain", value: "xn--bcher-kva.de", want: "xn--bcher-kva.de"},
		{kind: "domain", value: "a-b.c-d.example", want: "a-b.c-d.example"},
		{kind: "domain", value: "localhost", key: "rp.domain.single_label", field: "value"},
		{kind: "domain", value: "-a.example.com", key: "rp.domain.hyphen_end", field: "value"},
		{kind: "domain", value: "a-.example.com", key: "rp.domain.hyphen_end", field: "value"},
		{kind: "domain", value: "a..example.com", key: "rp.domain.empty_label", field: "value"},
		{kind: "domain", value: "a_b.example.com", key: "rp.domain.bad_char", field: "value"},
		{kind: "domain", value: "exa mple.com", key: "rp.domain.bad_char", field: "value"},
		{kind: "domain", value: "ab--cd.example.com", key: "rp.domain.reserved_hyphens", field: "value"},
		{kind: "domain", value: "xn--abc.example.com", key: "rp.domain.bad_alabel", field: "value"},
		{kind: "domain", value: "xn--zzzzzzz9.example.com", key: "rp.domain.bad_alabel", field: "value"},
		{kind: "domain", value: "192.0.2.1", key: "rp.domain.numeric_tld", field: "value"},
		{kind: "domain", value: "a234567890123456789012345678901234567890123456789012345678901234.cn", key: "rp.domain.label_too_long", field: "value"},
		{kind: "domain", value: longDomain(), key: "rp.domain.too_long", field: "value"},
		{kind: "domain", value: "☃.example.com", key: "rp.domain.bad_char", field: "value"},
		{kind: "domain", value: "", key: "rp.asset.value_required", field: "value"},
		{kind: "ip", value: " 192.0.2.1 ", want: "192.0.2.1"},
		{kind: "ip", value: "2001:DB8:0:0::1", want: "2001:db8::1"},
		{kind: "ip", value: "::ffff:203.0.113.7", want: "203.0.113.7"},
		{kind: "ip", value: "01.2.3.4", key: "rp.ip.invalid", field: "value"},
		{kind: "ip", value: "256.1.1.1", key: "rp.ip.invalid", field: "value"},
		{kind: "ip", value: "fe80::1%eth0", key: "rp.ip.invalid", field: "value"},
		{kind: "ip", value: "127.0.0.1", key: "rp.ip.not_host", field: "value"},
		{kind: "ip", value: "0.0.0.0", key: "rp.ip.not_host", field: "value"},
		{kind: "ip", value: "ff02::1", key: "rp.ip.not_host", field: "value"},
		{kind: "ip", value: "192.0.2.0/24", key: "rp.ip.invalid", field: "value"},
		{kind: "cidr", value: "203.0.113.0/24", want: "203.0.113.0/24"},
		{kind: "cidr", value: "2001:DB8::/32", want: "2001:db8::/32"},
		{kind: "cidr", value: "::ffff:10.0.0.0/104", want: "10.0.0.0/8"},
		{kind: "cidr", value: "203.0.113.5/24", key: "rp.cidr.host_bits", field: "value"},
		{kind: "cidr", value: "10.0.0.0/7", key: "rp.cidr.too_broad", field: "value"},
		{kind: "cidr", value: "::/0", key: "rp.cidr.too_broad", field: "value"},
		{kind: "cidr", value: "203.0.113.0", key: "rp.cidr.invalid", field: "value"},
		{kind: "cidr", value: "127.0.0.0/8", key: "rp.ip.not_host", field: "value"},
		{kind: "cloud_account", value: "aliyun:1234567890123456", want: "aliyun:1234567890123456"},
		{kind: "cloud_account", value: "阿里云：1234567890123456", want: "aliyun:1234567890123456"},
		{kind: "cloud_account", value: " AWS : 123456789012 ", want: "aws:123456789012"},
		{kind: "cloud_account", value: "azure:0F8FAD5B-D9CB-469F-A165-70867728950E", want: "azure:0f8fad5b-d9cb-469f-a165-70867728950e"},
		{kind: "cloud_account", value: "huaweicloud:op_abc.Team-1", want: "huaweicloud:op_abc.Team-1"},
		{kind: "cloud_account", value: "aws:12345", key: "rp.cloud.account_invalid", field: "value"},
		{kind: "cloud_account", value: "aliyun", key: "rp.cloud.format", field: "value"},
		{kind: "cloud_account", value: "dropbox:42", key: "rp.cloud.provider_unknown", field: "value"},
		{kind: "cloud_account", value: "other:two words", key: "rp.cloud.account_invalid", field: "value"},
		{kind: "software", value: "cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*",
			want: "cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*", wantVer: "2.4.58"},
		{kind: "software", value: "CPE:2.3:A:Apache:HTTP_Server:2.4.58:*:*:*:*:*:*:*", version: "2.4.58", eol: true,
			want: "cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*", wantVer: "2.4.58"},
		{kind: "software", value: "cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*", version: "1.24.0",
			want: "cpe:2.3:a:f5:nginx:1.24.0:*:*:*:*:*:*:*", wantVer: "1.24.0"},
		{kind: "software", value: "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*", version: "1.1.1w+dfsg",
			want: `cpe:2.3:a:openssl:openssl:1.1.1w\+dfsg:*:*:*:*:*:*:*`, wantVer: "1.1.1w+dfsg"},
		{kind: "software", value: "cpe:2.3:o:microsoft:windows_server_2012:-:*:*:*:*:*:*:*", eol: true,
			want: "cpe:2.3:o:microsoft:windows_server_2012:-:*:*:*:*:*:*:*"},
		{kind: "software", value: "cpe:2.3:a:apache:http_server:2.4.58:*:*:*:*:*:*:*", version: "2.4.57",
			key: "rp.cpe.version_mismatch", field: "software_version"},
		{kind: "software", value: "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*", key: "rp.cpe.vendor_product", field: "value"},
		{kind: "software", value: "cpe:/a:apache:http_server:2.4.58", key: "rp.cpe.uri", field: "value"},
		{kind: "software", value: "nginx 1.24", key: "rp.cpe.prefix", field: "value"},
		{kind: "software", value: "cpe:2.3:a:apache:http_server", key: "rp.cpe.components", field: "value"},
		{kind: "software", value: "cpe:2.3:x:apache:http_server:2.4:*:*:*:*:*:*:*", key: "rp.cpe.part", field: "value"},
		{kind: "software", value: "cpe:2.3:a:apache:http server:2.4:*:*:*:*:*:*:*", key: "rp.cpe.char", field: "value"},
		{kind: "software", value: "cpe:2.3:a:apache:http_server:2.4:*:*:*:*:*:*:*", version: "2.4.1", key: "rp.cpe.version_mismatch", field: "software_version"},
		{kind: "software", value: "cpe:2.3:a:apache:http_server:-:*:*:*:*:*:*:*", version: "2.4.1", key: "rp.cpe.version_mismatch", field: "software_version"},
		{kind: "software", value: "cpe:2.3:a:f5:nginx:*:*:*:*:*:*:*:*", version: "1.24 beta", key: "rp.asset.version_chars", field: "software_version"},
		{kind: "domain", value: "example.cn", version: "1.0", key: "rp.asset.software_only", field: "software_version"},
		{kind: "ip", value: "192.0.2.1", eol: true, key: "rp.asset.eol_software_only", field: "eol"},
		{kind: "printer", value: "x", key: "rp.asset.kind_invalid", field: "kind"},
		{kind: "", value: "", key: "rp.asset.kind_invalid", field: "kind"},
	}
	for _, c := range cases {
		in := store.AssetInput{Kind: c.kind, Value: c.value, SoftwareVersion: c.version, EOL: c.eol}
		err := store.NormalizeAsset(&in)
		if c.key != "" {
			if checkErr(t, err, anbao.EINVALID, c.key) {
				if e := err.(*anbao.Error); e.Field != c.field {
					t.Errorf("%s %q: field %q, want %q", c.kind, c.value, e.Field, c.field)
				}
			}
			continue
		}
		if err != nil || in.Value != c.want || in.SoftwareVersion != c.wantVer {
			t.Errorf("%s %q %q: got %q %q %v, want %q %q", c.kind, c.value, c.version, in.Value, in.SoftwareVersion, err, c.want, c.wantVer)
		}
		// Normalising the stored form again changes nothing.
		again := store.AssetInput{Kind: in.Kind, Value: in.Value, SoftwareVersion: in.SoftwareVersion, EOL: in.EOL}
		if err := store.NormalizeAsset(&again); err != nil || again.Value != in.Value {
			t.Errorf("%s %q: not idempotent: %q %v", c.kind, in.Value, again.Value, err)
		}
	}
	if got := store.DisplayDomain("xn--fiq228c.xn--fiqs8s"); got != "中文.中国" {
		t.Errorf("DisplayDomain = %q", got)
	}
}

func longDomain() string {
	s := ""
	for i := 0; i < 5; i++ {
		s += "abcdefghij0123456789abcdefghij0123456789abcdefghij0." // 51 octets each
	}
	return s + "cn"
}

// MLPS filing numbers: the certificate's shape, typed with a Chinese input method or not.
func TestNormalizeFilingNumber(t *testing.T) {
	for in, want := range map[string]string{
		"11010843002-20001":   "11010843002-20001",
		" 32050243001-19003 ": "32050243001-19003",
		"１１０１０８４３００２－２０００１": "11010843002-20001",
		"44030543001—21010": "44030543001-21010",
		"":                  "",
	} {
		if got, err := store.NormalizeFilingNumber(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for in, key := range map[string]string{
		"1101084300220001":   "rp.mlps.filing_format",
		"11010843002-2001":   "rp.mlps.filing_format",
		"A1010843002-20001":  "rp.mlps.filing_format",
		"11010843002-20001x": "rp.mlps.filing_format",
		"99010843002-20001":  "rp.mlps.filing_province",
	} {
		_, err := store.NormalizeFilingNumber(in)
		checkErr(t, err, anbao.EINVALID, key)
	}
}

// The date checks of an MLPS system use the store's clock in Beijing.
func TestMLPSValidation(t *testing.T) {
	st := openSQLite(t)
	setClock(st, time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC)) // 2026-03-02 01:00 in Beijing
	ctx := sys()
	ent := firstEnterprise(t, st)
	ok := store.MLPSSystemInput{Name: "官网系统", Level: 2, LastEvaluationDate: "2026-03-02", LastEvaluationResult: store.MLPSConform}
	if _, err := st.CreateMLPSSystem(ctx, ent, ok); err != nil {
		t.Fatalf("evaluation dated today in Beijing: %v", err)
	}
	for _, c := range []struct {
		in  store.MLPSSystemInput
		key string
	}{
		{store.MLPSSystemInput{Name: "x", Level: 2}, "rp.mlps.name_required"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 0}, "rp.mlps.level"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 6}, "rp.mlps.level"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 3, FilingNumber: "123"}, "rp.mlps.filing_format"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 3, LastEvaluationDate: "2026-03-03", LastEvaluationResult: store.MLPSConform}, "rp.date_future"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 3, LastEvaluationDate: "2006-12-31", LastEvaluationResult: store.MLPSConform}, "rp.mlps.date_too_early"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 3, LastEvaluationDate: "2025/06/30", LastEvaluationResult: store.MLPSConform}, "rp.date_format"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 3, LastEvaluationDate: "2025-02-30", LastEvaluationResult: store.MLPSConform}, "rp.date_format"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 3, LastEvaluationDate: "2025-06-30"}, "rp.mlps.evaluation_pair"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 3, LastEvaluationResult: store.MLPSNonconform}, "rp.mlps.evaluation_pair"},
		{store.MLPSSystemInput{Name: "系统甲", Level: 3, LastEvaluationDate: "2025-06-30", LastEvaluationResult: "good"}, "rp.mlps.result_invalid"},
	} {
		_, err := st.CreateMLPSSystem(ctx, ent, c.in)
		checkErr(t, err, anbao.EINVALID, c.key)
	}
}
