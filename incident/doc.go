// Package incident is Anbao's model of a cybersecurity incident for the
// statutory report: the GB/T 20986-2023 taxonomy, the grading of the
// 《国家网络安全事件报告管理办法》 (CAC, 2025-09-11, in force 2025-11-01),
// the reporting routes and deadlines, and the draft report content.
// It is pure: no I/O, no project imports, standard library only.
//
// Anbao prepares the report; it is not a statutory channel. The operator
// files the report through 12387 (StatutoryChannels) or to the recipients
// its Route names.
//
// # Taxonomy
//
// Categories and LookupSub give the 10 categories and 75 sub-categories of
// GB/T 20986-2023 Annex B (taxonomy.json, embedded); ValidateClass checks a
// (category, sub-category) pair. Ransomware is the sub-category MPRANS of
// the malicious-program category MP (SubRansomware, IsRansomware).
// [unverified] Names and codes come from a third-party implementation, not
// from the standard: every entry has Verified=false (see taxonomy.json).
//
// # Grading
//
// The thresholds are data: one JSON table per legal text under rules/,
// embedded and checked at init (ParseTable documents the checks). Tables:
//
//   - "2025-09": the annex of the final measures, effective 2025-11-01.
//   - "2023-12-draft": the annex of the 2023-12-08 consultation draft, never
//     in force.
//
// Each threshold records its Source: "final" (read in the final text),
// "draft" (the draft's value; in the 2025-09 table this marks a value
// carried over because the final 重大/较大 sections could not be read) or
// "inferred". An Assessment flags Unverified when its grade rests on such a
// value. Figures are integers (people, minutes, 分, counts, basis points) so
// that "以上" — which includes the number itself — is an exact ≥.
//
// (*Table).Grade grades Facts: the highest grade any indicator reaches, 一般
// when none reaches 较大, with one Reason per indicator that reached a
// grade. Current(at) is the table in force at a moment; LookupTable finds a
// version. (The brief's func Grade(table, f) and func Table(version) would
// collide with the types Grade and Table, hence the method and LookupTable.)
//
// # Routes and deadlines
//
// Route gives the recipients and deadline of Art. 4 for an operator type
// (cii 1 h, central_state 2 h, other 4 h) and a grade: mandatory for 较大 and
// above. RouteInfo.WithCrime adds the police when a crime is suspected.
// Deadline, WarnAt (a quarter of the window before the deadline, at least
// 30 min) and SummaryDue (handling end + 30 days) drive the timers.
//
// # Reports
//
// DraftReport and SummaryReport build ordered Sections; the items the
// measures require are Mandatory and Missing while empty. Report.Text
// renders plain text to paste into the 12387 form.
//
// # Error codes
//
// Validation returns *FieldError values (Field, Code, Args), several at once
// as Errors. Codes:
//
//	incident.negative               a figure is below zero; Args: value
//	incident.too_large              a figure above its bound (MaxPeople, MaxMinutes, MaxLossFen, MaxCount); Args: value, bound
//	incident.share_range            population_share_bp above 10000 (100%); Args: value
//	incident.site_kind_unknown      site_kind not gov_portal, news_site, platform or other; Args: value
//	incident.site_kind_required     a site figure (unreachable, defacement, reposts, views, spread) without site_kind
//	incident.level_unknown          site_level or population_region_level not a known level; Args: value
//	incident.level_invalid          a level that does not fit (super_large on a portal, county region, a level without a site kind); Args: level, kind
//	incident.region_level_required  population_share_bp given without population_region_level
//	incident.seriousness_unknown    core_data, important_data, system_loss or other_threat not a known seriousness; Args: value
//	incident.spread_unknown         spread_determined not a known spread level; Args: value
//	incident.category_unknown       no such GB/T 20986-2023 category; Args: code
//	incident.subcategory_unknown    no such sub-category; Args: code
//	incident.subcategory_mismatch   the sub-category belongs to another category; Args: category, sub
//	incident.subcategory_required   the category has sub-categories and none was given; Args: category
//	incident.subcategory_not_allowed the category (其他事件) has no sub-categories; Args: category, sub
//	incident.grade_unknown          ParseGrade: not one of the four grades; Args: value
//	incident.operator_unknown       ParseOperatorType: not cii, central_state or other; Args: value
//	incident.table_invalid          ParseTable: a malformed rule table; Args: message, details
package incident
