package cpe

import "strings"

// Relation is the set relation between a source and a target attribute
// value, as NIST IR 7696 §6.1 defines it.
type Relation int

const (
	Disjoint  Relation = iota // the values share nothing
	Subset                    // the source is a subset of the target
	Superset                  // the source covers the target
	Equal                     // the values are equal
	Undefined                 // the target has wildcards: no relation is defined
)

func (r Relation) String() string {
	switch r {
	case Disjoint:
		return "DISJOINT"
	case Subset:
		return "SUBSET"
	case Superset:
		return "SUPERSET"
	case Equal:
		return "EQUAL"
	case Undefined:
		return "UNDEFINED"
	}
	return "Relation(?)"
}

// Compare returns the relation of each attribute of source to the same
// attribute of target, in binding order (NIST IR 7696 §6.2, compare_wfns).
func Compare(source, target Name) [11]Relation {
	sv, tv := source.Values(), target.Values()
	var out [11]Relation
	for i := range sv {
		out[i] = compareValues(sv[i], tv[i])
	}
	return out
}

// Match reports whether pattern matches target: every attribute of pattern
// is a superset of, or equal to, the same attribute of target (NIST IR 7696
// §6.3, CPE_SUPERSET). So ANY matches every value; NA matches only NA; a
// plain value matches the same value, ignoring case; and a value with
// wildcards matches the values it describes. A target is meant to be a
// concrete name: a target value with wildcards is UNDEFINED and never
// matched.
//
// Wildcards follow the reference algorithm of NIST IR 7696 (compare_strings):
// a leading or trailing "*" matches any run of characters, and a leading or
// trailing run of k "?" matches up to k characters. So "7.?" matches
// "7.0" and also "7."; "*vpn" matches "examplevpn".
func Match(pattern, target Name) bool {
	sv, tv := pattern.Values(), target.Values()
	for i := range sv {
		switch compareValues(sv[i], tv[i]) {
		case Superset, Equal:
		default:
			return false
		}
	}
	return true
}

// compareValues is compare() of NIST IR 7696 §6.2 on two bound values.
func compareValues(source, target string) Relation {
	if target != Any && target != NA && hasWildcards(target) {
		return Undefined
	}
	if strings.EqualFold(source, target) {
		return Equal
	}
	switch {
	case source == Any:
		return Superset
	case target == Any:
		return Subset
	case source == NA || target == NA:
		return Disjoint
	}
	if !hasWildcards(source) {
		if strings.EqualFold(Unquote(source), Unquote(target)) {
			return Equal
		}
		return Disjoint
	}
	if matchWildcards(source, Unquote(target)) {
		return Superset
	}
	return Disjoint
}

// hasWildcards reports whether bound value v has an unquoted * or ?.
func hasWildcards(v string) bool {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		}
	}
	return false
}

// matchWildcards matches bound pattern p (with leading or trailing
// wildcards) against target text t, ignoring ASCII case.
func matchWildcards(p, t string) bool {
	lead, trail := 0, 0 // counts of ?; -1 for *
	body := p
	if strings.HasPrefix(body, "*") {
		lead, body = -1, body[1:]
	} else {
		for strings.HasPrefix(body, "?") {
			lead++
			body = body[1:]
		}
	}
	if strings.HasSuffix(body, "*") && !quotedAt(body, len(body)-1) {
		trail, body = -1, body[:len(body)-1]
	} else {
		for strings.HasSuffix(body, "?") && !quotedAt(body, len(body)-1) {
			trail++
			body = body[:len(body)-1]
		}
	}
	lit := strings.ToLower(Unquote(body))
	t = strings.ToLower(t)
	for from := 0; from <= len(t); {
		k := strings.Index(t[from:], lit)
		if k < 0 {
			return false
		}
		at := from + k
		if lead >= 0 && at > lead {
			return false // later occurrences start even further in
		}
		if rest := len(t) - at - len(lit); trail < 0 || rest <= trail {
			return true
		}
		from = at + 1
	}
	return false
}

// quotedAt reports whether the byte at i of bound value v is quoted, that
// is preceded by an odd number of backslashes.
func quotedAt(v string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && v[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}
