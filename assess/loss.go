package assess

import (
	"errors"
	"slices"

	"github.com/anbao/anbao/quant"
)

// PI records assumed for each band: the geometric middle of the band rounded
// to one significant figure, three times the lower bound for the open top
// band [A]. "none" is 0, which the library reads as "not known" and then
// uses the staff count (a firm holds at least its staff's records).
var piRecords = map[string]int64{
	"none": 0, "lt10k": 3_000, "10k_100k": 30_000, "100k_1m": 300_000, "1m_10m": 3_000_000, "ge10m": 30_000_000,
}

// Staff assumed for each employees band when the profile has no count [A]:
// about the geometric middle, twice the lower bound for the open top band.
var bandEmployees = map[string]int{
	"lt50": 20, "50_299": 120, "300_999": 550, "1000_4999": 2_200, "ge5000": 10_000,
}

// ErrNoRevenue is returned by LossInputs when neither the answers nor the
// profile give a revenue above 0: the library scales every loss by it.
var ErrNoRevenue = &InputError{Path: "answers.revenue", Code: CodeRequired,
	Msg: "the expected loss needs the revenue (answer revenue or profile.revenue)"}

// LossInputs derives the quantification library's profile (quant.Library)
// from an assessment input, with the controls in place (also in
// Profile.Controls). Answers win over the profile. The controls, each
// documented in methodology.md "Expected-loss inputs":
//
//	mfa                     mfa_email, mfa_remote and mfa_privileged all yes (Marsh: MFA works only if broad)
//	edr                     edr is edr or mdr
//	offline_backups         backups at any frequency, offline (answer or profile) and restore-tested
//	patching                patch_critical_days le7, boundary devices not known unpatched, and no counted KEV finding
//	email_security          email_gateway yes and DMARC quarantine or reject
//	funds_transfer_controls callback, new_payee_check, and dual_approval or authorised_staff (Cowbell's three)
//	training                security_training yes
//	ddos_protection         ddos_protection yes
//	business_continuity     RTO ≤ 24 h and RPO ≤ 24 h known, and backup_tested yes
//	vendor_management       vendor_management yes
//	incident_response_plan  ir_plan_tested yes
//
// The profile is checked with quant.Library, so an error here is one the
// library would give (a *quant.FieldError), or an *InputError.
func LossInputs(in *Input) (quant.Profile, []string, error) {
	if err := in.Validate(); err != nil {
		return quant.Profile{}, nil, err
	}
	s := &scorer{in: in}
	p := quant.Profile{}
	// A division code in the directory profile refines the size rules of the
	// library (wholesale or retail, say), so it wins over the answered section.
	if d := in.Profile.Industry; len(d) == 2 {
		p.Industry = d
	} else if v, _ := s.choiceQ("industry"); v != "" {
		p.Industry = v
	}
	if a, ok := in.Answers["revenue"]; ok {
		if v, ok := a.num(); ok {
			p.Revenue = v
		}
	}
	if p.Revenue == 0 {
		p.Revenue = in.Profile.Revenue
	}
	if !(p.Revenue > 0) {
		return quant.Profile{}, nil, ErrNoRevenue
	}
	p.Employees = in.Profile.Employees
	if p.Employees == 0 {
		if a, ok := in.Answers["employees_band"]; ok {
			p.Employees = bandEmployees[a.Choice]
		}
	}
	if band, _ := s.choiceQ("pi_records_band"); band != "" {
		p.PIRecords = piRecords[band]
	}
	p.SensitivePI, _, _ = s.boolQ("sensitive_pi")
	p.CII = s.cii()
	p.Controls = controlsOf(in)
	if _, err := quant.Library(p); err != nil {
		var fe *quant.FieldError
		if errors.As(err, &fe) {
			return quant.Profile{}, nil, fe
		}
		return quant.Profile{}, nil, err
	}
	return p, slices.Clone(p.Controls), nil
}

// controlsOf lists the quant controls in place, in quant.Controls order.
func controlsOf(in *Input) []string {
	s := &scorer{in: in}
	yes := func(id string) bool { v, known, _ := s.boolQ(id); return known && v }
	choice := func(id string) string { v, _ := s.choiceQ(id); return v }
	has := map[string]bool{}
	has["mfa"] = yes("mfa_email") && yes("mfa_remote") && yes("mfa_privileged")
	e := choice("edr")
	has["edr"] = e == "edr" || e == "mdr"
	f := choice("backup_frequency")
	has["offline_backups"] = f != "" && f != "none" && yes("backup_offline") && yes("backup_tested")
	kev := false
	for i := range in.Findings {
		if fd := &in.Findings[i]; fd.KEV && counted(fd.Status) && fd.Status != "third_party" {
			kev = true
		}
	}
	bd, bdKnown, _ := s.boolQ("boundary_devices_patched")
	has["patching"] = choice("patch_critical_days") == "le7" && (!bdKnown || bd) && !kev
	d := choice("dmarc")
	has["email_security"] = yes("email_gateway") && (d == "quarantine" || d == "reject")
	if a, ok := in.Answers["funds_transfer_controls"]; ok {
		c := a.Choices
		has["funds_transfer_controls"] = slices.Contains(c, "callback") && slices.Contains(c, "new_payee_check") &&
			(slices.Contains(c, "dual_approval") || slices.Contains(c, "authorised_staff"))
	}
	has["training"] = yes("security_training")
	has["ddos_protection"] = yes("ddos_protection")
	rto, rtoOK, _ := s.hoursQ("rto_hours")
	rpo, rpoOK, _ := s.hoursQ("rpo_hours")
	has["business_continuity"] = rtoOK && rpoOK && rto <= 24 && rpo <= 24 && yes("backup_tested")
	has["vendor_management"] = yes("vendor_management")
	has["incident_response_plan"] = yes("ir_plan_tested")
	out := []string{}
	for _, c := range quant.Controls {
		if has[c.ID] {
			out = append(out, c.ID)
		}
	}
	return out
}

// WhatIfControls lists, in the order of the recommendations, the quant
// controls that the recommended fixes would put in place and that are not in
// place now: the "what if we fix X" additions for quant.WhatIf.
func WhatIfControls(r *Result) []string {
	var out []string
	for _, rec := range r.Recommendations {
		for _, c := range rec.ControlsAdded {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// Controls returns the ids of the scenario library's controls an assessment
// shows in place (the rating engine's control factors use the same ids).
func Controls(in *Input) []string { return controlsOf(in) }

// PriorIncidents is the number of cyber incidents with a loss above 100,000
// yuan in the last three years as answered (3 for "three or more"), and
// whether it was answered.
func PriorIncidents(in *Input) (int, bool) {
	a, ok := in.Answers["prior_incidents_3y"]
	if !ok {
		return 0, false
	}
	switch a.Choice {
	case "0":
		return 0, true
	case "1":
		return 1, true
	case "2":
		return 2, true
	case "3plus":
		return 3, true
	}
	return 0, false
}

// Referrals returns the answers of in an underwriter must look at, as Score
// explains them, without the cost of the full explanation.
func Referrals(in *Input) []Referral { return referrals(in) }
