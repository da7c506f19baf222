package modelfile

import "strings"

// synonyms are words people reach for, from other tools and from FAIR's own
// vocabulary, mapped to the key this format uses.
var synonyms = map[string]string{
	"type":                           "dist",
	"kind":                           "dist",
	"distribution":                   "dist",
	"min":                            "low",
	"minimum":                        "low",
	"max":                            "high",
	"maximum":                        "high",
	"most_likely":                    "mode",
	"likely":                         "mode",
	"ml":                             "mode",
	"gamma":                          "shape",
	"lambda":                         "shape",
	"std":                            "sd",
	"stddev":                         "sd",
	"stdev":                          "sd",
	"lef":                            "frequency",
	"loss_event_frequency":           "frequency",
	"lm":                             "magnitude",
	"loss_magnitude":                 "magnitude",
	"threat_event_frequency":         "tef",
	"cf":                             "contact_frequency",
	"poa":                            "probability_of_action",
	"action":                         "probability_of_action",
	"vuln":                           "vulnerability",
	"tc":                             "threat_capability",
	"tcap":                           "threat_capability",
	"rs":                             "resistance_strength",
	"cs":                             "resistance_strength",
	"control_strength":               "resistance_strength",
	"pl":                             "primary_loss",
	"slef":                           "secondary_frequency",
	"secondary_loss_event_frequency": "secondary_frequency",
	"slm":                            "secondary_magnitude",
	"secondary_loss":                 "secondary_magnitude",
	"secondary_loss_magnitude":       "secondary_magnitude",
	"scenario":                       "scenarios",
	"correlations":                   "correlation",
	"correlation_matrix":             "correlation",
}

// suggest returns the known key that key was probably meant to be, or "".
// A key is suggested when it is a known synonym, differs only in case or in
// '-' for '_', or is the only known key within a small edit distance.
func suggest(key string, known []string) string {
	norm := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(key))
	has := func(k string) bool {
		for _, kk := range known {
			if kk == k {
				return true
			}
		}
		return false
	}
	if has(norm) {
		return norm
	}
	if s, ok := synonyms[norm]; ok && has(s) {
		return s
	}
	limit := 2
	if len(norm) <= 4 {
		limit = 1
	}
	best, n := "", 0
	for _, k := range known {
		if editDistance(norm, k) <= limit {
			best = k
			n++
		}
	}
	if n == 1 {
		return best
	}
	return ""
}

// editDistance is the optimal string alignment distance between a and b,
// in runes: insertions, deletions, substitutions and swaps of neighbours
// each count 1, so "nmae" is 1 from "name".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 30 // keys this long are never typos of ours
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
