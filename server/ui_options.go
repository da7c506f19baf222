package server

import (
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/i18n"
)

// The long selects (jurisdictions, industries, sizes) depend only on the
// language, apart from the selected option. They are rendered once per
// language by the templates below (the same markup and escaping as inline)
// and a request only inserts " selected" into the chosen option.

// uiOptions is a pre-rendered run of <option> elements and, for each value,
// where its " selected" goes.
type uiOptions struct {
	html string
	at   map[string]int
}

// With returns the options with the one of value sel selected, if any.
func (o *uiOptions) With(sel string) template.HTML {
	if i, ok := o.at[sel]; ok {
		return template.HTML(o.html[:i] + " selected" + o.html[i:])
	}
	return template.HTML(o.html)
}

// uiOptionSet holds the pre-rendered selects of one language.
type uiOptionSet struct {
	FilterJur, FilterIndustry, Size, FormJur, FormIndustry *uiOptions
}

// uiOptionTemplates render the options of each select; .Sel is the selected value.
const uiOptionTemplates = `
{{define "filter-jur"}}{{range .P.ActiveJurisdictions}}<option value="{{.Code}}"{{if eq $.Sel .Code}} selected{{end}}>{{.Name $.P.Lang}}</option>{{end}}{{end}}
{{define "filter-industry"}}{{range .P.Industries}}<optgroup label="{{.Code}} {{.Name}}">
        <option value="{{.Code}}"{{if eq $.Sel .Code}} selected{{end}}>{{.Code}} {{$.P.T "ui.filter.whole_section"}}</option>
        {{range .Divisions}}<option value="{{.Value}}"{{if eq $.Sel .Value}} selected{{end}}>{{.Label}}</option>{{end}}
      </optgroup>{{end}}{{end}}
{{define "size"}}{{range .P.SizeClasses}}<option value="{{.}}"{{if eq $.Sel (str .)}} selected{{end}}>{{$.P.Size .}}</option>{{end}}{{end}}
{{define "form-jur"}}{{range .P.ActiveJurisdictions}}<option value="{{.Code}}"{{if eq $.Sel .Code}} selected{{end}}>{{.Code}} {{.Name $.P.Lang}}</option>{{end}}{{end}}
{{define "form-industry"}}{{range .P.Industries}}<optgroup label="{{.Code}} {{.Name}}">
          {{range .Divisions}}<option value="{{.Value}}"{{if eq $.Sel .Value}} selected{{end}}>{{.Label}}</option>{{end}}
        </optgroup>{{end}}{{end}}
`

// uiOptionSets are the pre-rendered selects of each language.
var uiOptionSets = sync.OnceValues(func() (map[string]*uiOptionSet, error) {
	t, err := template.New("options").Funcs(template.FuncMap{"str": func(v any) string { return fmt.Sprint(v) }}).
		Parse(uiOptionTemplates)
	if err != nil {
		return nil, err
	}
	sets := map[string]*uiOptionSet{}
	for _, l := range []string{i18n.Default, "en"} {
		p := &uiPage{Lang: l}
		var jurs, sizes, industries, divisions []string
		for _, j := range p.ActiveJurisdictions() {
			jurs = append(jurs, j.Code)
		}
		for _, sz := range anbao.SizeClasses {
			sizes = append(sizes, string(sz))
		}
		for _, sec := range p.Industries() {
			industries = append(industries, sec.Code)
			for _, d := range sec.Divisions {
				industries = append(industries, d.Value)
				divisions = append(divisions, d.Value)
			}
		}
		set := &uiOptionSet{}
		for _, o := range []struct {
			dst    **uiOptions
			name   string
			values []string
		}{
			{&set.FilterJur, "filter-jur", jurs},
			{&set.FilterIndustry, "filter-industry", industries},
			{&set.Size, "size", sizes},
			{&set.FormJur, "form-jur", jurs},
			{&set.FormIndustry, "form-industry", divisions},
		} {
			if *o.dst, err = buildUIOptions(t, o.name, p, o.values); err != nil {
				return nil, fmt.Errorf("ui options %s (%s): %w", o.name, l, err)
			}
		}
		sets[l] = set
	}
	return sets, nil
})

// buildUIOptions renders template name with nothing selected and then with
// each value selected, to find where that value's " selected" goes.
func buildUIOptions(t *template.Template, name string, p *uiPage, values []string) (*uiOptions, error) {
	exec := func(sel string) (string, error) {
		var b strings.Builder
		err := t.ExecuteTemplate(&b, name, struct {
			P   *uiPage
			Sel string
		}{p, sel})
		return b.String(), err
	}
	base, err := exec("\x00")
	if err != nil {
		return nil, err
	}
	o := &uiOptions{html: base, at: map[string]int{}}
	for _, v := range values {
		s, err := exec(v)
		if err != nil {
			return nil, err
		}
		i := 0
		for i < len(base) && base[i] == s[i] {
			i++
		}
		if s != base[:i]+" selected"+base[i:] {
			return nil, fmt.Errorf("value %q: selecting it changes more than one option", v)
		}
		if _, dup := o.at[v]; dup {
			return nil, fmt.Errorf("value %q: twice", v)
		}
		o.at[v] = i
	}
	return o, nil
}

// uiOpts returns the pre-rendered selects of the page's language.
func (p *uiPage) uiOpts() *uiOptionSet {
	sets, _ := uiOptionSets() // checked by newUIRenderer
	if set, ok := sets[p.Lang]; ok {
		return set
	}
	return sets[i18n.Default]
}

// FilterJurOptions, FilterIndustryOptions, SizeOptions, FormJurOptions and
// FormIndustryOptions are the options of the directory filter's and the
// profile form's selects, with the current form value selected.
func (p *uiPage) FilterJurOptions() template.HTML {
	return p.uiOpts().FilterJur.With(p.Form.Get("jurisdiction"))
}
func (p *uiPage) FilterIndustryOptions() template.HTML {
	return p.uiOpts().FilterIndustry.With(p.Form.Get("industry"))
}
func (p *uiPage) SizeOptions() template.HTML { return p.uiOpts().Size.With(p.Form.Get("size")) }
func (p *uiPage) FormJurOptions() template.HTML {
	return p.uiOpts().FormJur.With(p.Form.Get("jurisdiction"))
}
func (p *uiPage) FormIndustryOptions() template.HTML {
	return p.uiOpts().FormIndustry.With(p.Form.Get("industry"))
}
