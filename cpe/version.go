package cpe

import "strings"

// CompareVersions compares two version strings and returns -1, 0 or +1.
//
// A version is read as a sequence of numbers and words; every other
// character (".", "-", "_", "+", "~", ...) only separates them, and so does a
// change between digits and letters ("1.0rc1" is 1, 0, rc, 1). Sequences are
// compared element by element:
//
//   - numbers compare numerically, so 9.4.10 > 9.4.2, and leading zeros do not
//     count;
//   - a missing number counts as 0, so 1.0 = 1.0.0 < 1.0.1;
//   - the pre-release words dev, snapshot < alpha < beta < milestone <
//     pre, preview < rc come before the release, so 2.0-rc1 < 2.0;
//   - the words release, final, ga and stable are ignored (1.2.RELEASE = 1.2);
//   - any other word (OpenSSL's 1.1.1a, OpenSSH's 7.4p1, Java's 8u202) comes
//     after the release and before the next number: 1.1.1 < 1.1.1a < 1.1.1b
//     < 1.1.2; such words compare alphabetically;
//   - case does not matter.
//
// Equal means equal under these rules, not byte-equal: "1.0" and "1.0.0"
// compare as 0.
func CompareVersions(a, b string) int {
	ta, tb := tokenize(a), tokenize(b)
	for i := 0; i < len(ta) || i < len(tb); i++ {
		var x, y vtoken
		if i < len(ta) {
			x = ta[i]
		} else {
			x = missing(tb[i])
		}
		if i < len(tb) {
			y = tb[i]
		} else {
			y = missing(ta[i])
		}
		if c := compareTokens(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// Token classes, in the order they compare when they differ.
const (
	classPre     = iota // pre-release word
	classRelease        // the end of a version
	classPost           // any other word
	classNum            // number
)

type vtoken struct {
	class int
	rank  int    // order among pre-release words
	text  string // digits without leading zeros, or a lower-case word
}

var preRelease = map[string]int{
	"dev": 1, "snapshot": 1,
	"alpha":     2,
	"beta":      3,
	"milestone": 4,
	"pre":       5, "preview": 5,
	"rc": 6,
}

var releaseWords = map[string]bool{"release": true, "final": true, "ga": true, "stable": true}

// missing is what stands for an absent element opposite other: 0 against a
// number, the end of the version against a word.
func missing(other vtoken) vtoken {
	if other.class == classNum {
		return vtoken{class: classNum, text: ""}
	}
	return vtoken{class: classRelease}
}

func tokenize(v string) []vtoken {
	var out []vtoken
	for i := 0; i < len(v); {
		c := v[i]
		switch {
		case isDigit(c):
			j := i
			for j < len(v) && isDigit(v[j]) {
				j++
			}
			out = append(out, vtoken{class: classNum, text: strings.TrimLeft(v[i:j], "0")})
			i = j
		case isLetter(c):
			j := i
			for j < len(v) && isLetter(v[j]) {
				j++
			}
			w := strings.ToLower(v[i:j])
			i = j
			if releaseWords[w] {
				continue
			}
			if r, ok := preRelease[w]; ok {
				out = append(out, vtoken{class: classPre, rank: r, text: w})
			} else {
				out = append(out, vtoken{class: classPost, text: w})
			}
		default:
			i++
		}
	}
	return out
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func compareTokens(x, y vtoken) int {
	if x.class != y.class {
		return cmpInt(x.class, y.class)
	}
	switch x.class {
	case classNum:
		if len(x.text) != len(y.text) {
			return cmpInt(len(x.text), len(y.text))
		}
		return strings.Compare(x.text, y.text)
	case classPre:
		if x.rank != y.rank {
			return cmpInt(x.rank, y.rank)
		}
	}
	return strings.Compare(x.text, y.text)
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// InRange reports whether version lies within the bounds of an NVD cpeMatch
// entry: versionStartIncluding, versionStartExcluding, versionEndIncluding
// and versionEndExcluding, each ignored when empty. With no bounds at all
// every version is in range. A version that is empty, ANY or NA has no place
// in a range and is never in one; give versions unquoted (see Unquote).
func InRange(version, startIncl, startExcl, endIncl, endExcl string) bool {
	version = strings.TrimSpace(version)
	if version == "" || version == Any || version == NA {
		return false
	}
	switch {
	case startIncl != "" && CompareVersions(version, startIncl) < 0,
		startExcl != "" && CompareVersions(version, startExcl) <= 0,
		endIncl != "" && CompareVersions(version, endIncl) > 0,
		endExcl != "" && CompareVersions(version, endExcl) >= 0:
		return false
	}
	return true
}

// MatchCriteria reports whether target is vulnerable under one NVD cpeMatch
// entry: its criteria name matches target (see Match) and, when any version
// bound is given, target's version lies in the range (see InRange). NVD gives
// bounds with a criteria version of ANY.
func MatchCriteria(criteria Name, startIncl, startExcl, endIncl, endExcl string, target Name) bool {
	if !Match(criteria, target) {
		return false
	}
	if startIncl == "" && startExcl == "" && endIncl == "" && endExcl == "" {
		return true
	}
	return InRange(Unquote(target.Version), startIncl, startExcl, endIncl, endExcl)
}
