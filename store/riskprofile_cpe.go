package store

import (
	"errors"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cpe"
)

// Software assets are named by CPE 2.3 formatted strings (NIST IR 7695 §6.2),
// parsed by package cpe. The stored form is the canonical binding in lower
// case (CPE matching ignores case, and the NVD dictionary is lower case), with
// the asset's version folded into the name's version attribute when that is
// ANY: two versions of one product are then two assets, and vulnerability
// matching finds the version in the name.

// normalizeSoftware checks a CPE name and a version and returns the stored name and version.
func normalizeSoftware(raw, version string) (string, string, error) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if s == "" {
		return "", "", anbao.FieldError("value", "rp.asset.value_required")
	}
	n, err := cpe.Parse(s)
	if err != nil {
		return "", "", cpeError(err)
	}
	if isLogical(n.Vendor) || isLogical(n.Product) {
		return "", "", anbao.FieldError("value", "rp.cpe.vendor_product", raw)
	}
	version = strings.TrimSpace(version)
	if len(version) > 100 {
		return "", "", anbao.FieldError("software_version", "rp.too_long", 100)
	}
	for _, c := range version {
		if c <= ' ' || c > '~' || version == cpe.NA || version == cpe.Any {
			return "", "", anbao.FieldError("software_version", "rp.asset.version_chars", version)
		}
	}
	inName := cpe.Unquote(n.Version)
	switch {
	case version == "" && !isLogical(n.Version):
		version = inName
	case version != "" && n.Version == cpe.Any:
		n.Version = cpe.Quote(strings.ToLower(version))
		if _, err := cpe.Parse(n.String()); err != nil {
			return "", "", anbao.FieldError("software_version", "rp.asset.version_chars", version)
		}
	case version != "" && !strings.EqualFold(version, inName):
		return "", "", anbao.FieldError("software_version", "rp.cpe.version_mismatch", version, inName)
	}
	return n.String(), version, nil
}

// cpeError turns a parse failure into a field error in the catalogue: each
// code of package cpe has a message "rp.<code>" naming the attribute at fault.
func cpeError(err error) error {
	var e *cpe.Error
	if !errors.As(err, &e) {
		return anbao.FieldError("value", "rp.cpe.invalid", err.Error())
	}
	switch e.Code {
	case cpe.CodeTooLong, cpe.CodeComponents:
		return anbao.FieldError("value", "rp."+e.Code, e.Args...)
	case cpe.CodeURIBinding, cpe.CodePrefix, cpe.CodePart, cpe.CodeLanguage:
		return anbao.FieldError("value", "rp."+e.Code)
	case cpe.CodeEmpty, cpe.CodeChar, cpe.CodeEscape, cpe.CodeWildcard:
		return anbao.FieldError("value", "rp."+e.Code, e.Component)
	}
	return anbao.FieldError("value", "rp.cpe.invalid", e.Message())
}

// isLogical reports whether a value is ANY (*) or NA (-).
func isLogical(v string) bool { return v == cpe.Any || v == cpe.NA }
