package store

import (
	"context"
	"strings"

	"github.com/anbao/anbao"
	"github.com/anbao/anbao/cover"
	"github.com/anbao/anbao/incident"
)

// IncidentReport prepares the draft statutory report (kind "draft") or the
// 30-day summary (kind "summary") of an incident from what is recorded, for
// its readers. Anbao prepares; the enterprise files through 12387 or the
// competent authority.
func (s *Store) IncidentReport(ctx context.Context, id int64, kind string) (*incident.Report, error) {
	inc, err := s.GetIncident(ctx, id)
	if err != nil {
		return nil, err
	}
	if kind != "" && kind != "draft" && kind != "summary" {
		return nil, anbao.FieldError("kind", "incident.report_kind", kind)
	}
	var name, uscc, jur string
	if err := s.read.QueryRowContext(ctx, `SELECT name_zh, uscc, jurisdiction FROM organisations WHERE id = $1`, inc.EnterpriseID).
		Scan(&name, &uscc, &jur); err != nil {
		return nil, err
	}
	discovered, _ := anbao.ParseTime(inc.DiscoveredAt)
	if kind == "summary" {
		in := incident.SummaryInput{UnitName: name, UnitUSCC: uscc, ProvinceZH: provinceName(jur), IncidentRef: inc.ReportRef,
			CategoryCode: inc.Category, SubCategoryCode: inc.SubCategory, Grade: incident.Grade(inc.Grade), DiscoveredAt: discovered,
			Facts: inc.Facts}
		if inc.HandlingEndedAt != "" {
			in.HandlingEndedAt, _ = anbao.ParseTime(inc.HandlingEndedAt)
		}
		if sm := inc.Summary; sm != nil {
			in.Cause, in.Measures, in.Harm, in.Accountability, in.Rectification, in.Lessons = sm.Cause, sm.Measures, sm.Harm,
				sm.Accountability, sm.Rectification, sm.Lessons
		}
		r := incident.SummaryReport(in)
		return &r, nil
	}
	occurred, _ := anbao.ParseTime(inc.OccurredAt)
	d := inc.Details
	in := incident.ReportInput{UnitName: name, UnitUSCC: uscc, ProvinceZH: provinceName(jur), Operator: incident.OperatorType(inc.OperatorType),
		AffectedSystems: splitLines(d.AffectedSystems), OccurredAt: occurred, DiscoveredAt: discovered, CategoryCode: inc.Category,
		SubCategoryCode: inc.SubCategory, Grade: incident.Grade(inc.Grade), Assessment: &inc.Grading, Facts: inc.Facts,
		ImpactNarrative: d.AffectedData, MeasuresTaken: d.Measures, Trend: d.Trend, PreliminaryCause: d.Cause, InvestigationLeads: d.Leads,
		NextMeasures: d.NextSteps, OnSitePreservation: d.Preservation, CrimeSuspected: d.CrimeSuspected, PoliceReference: d.PoliceRef}
	if rw := d.Ransomware; rw != nil {
		paid := rw.Paid
		in.Ransomware = &incident.Ransomware{Family: rw.Family, Paid: &paid, EncryptedSystems: splitLines(rw.EncryptedSystems)}
		if rw.RansomDemandFen > 0 {
			in.Ransomware.RansomDemanded = cover.Yuan(rw.RansomDemandFen)
			if rw.Currency != "" {
				in.Ransomware.RansomDemanded += "（" + rw.Currency + "）"
			}
		}
	}
	r := incident.DraftReport(in)
	return &r, nil
}

// splitLines splits a free-text list on new lines and semicolons.
func splitLines(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ';' || r == '；' }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
