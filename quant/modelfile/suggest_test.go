package modelfile

import "testing"

func TestSuggest(t *testing.T) {
	for key, want := range map[string]string{
		"nmae":              "name",
		"frequncy":          "frequency",
		"Frequency":         "frequency",
		"contact-frequency": "contact_frequency",
		"lef":               "frequency",
		"most_likely":       "mode",
		"hgih":              "high",
		"colour":            "",
		"x":                 "",
	} {
		if got := suggest(key, append(append([]string{}, shorthandKeys()...), distKeys...)); got != want {
			t.Errorf("suggest(%q) = %q, want %q", key, got, want)
		}
	}
}
