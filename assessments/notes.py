"""The computation's notes ({"key": ..., "params": ...}) as sentences in the reader's
language. Parameters that are keys (categories, sources, rules) are translated first."""

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .labels import category, harm_index, pretty, rule, source

NOTES = {
    "suppressed": _("Numbers from 1 to %(threshold_less)s are shown as <%(threshold)s (and "
                    "so are zeros where showing them would give those away), and figures "
                    "that would reveal them as [c]."),
    "coarse_police_uk": _("Built from data.police.uk street-level records: coarse crime types "
                          "only, by month, with no ages, flags or locations."),
    "no_police_data": _("No police data was loaded for these years."),
    "partly_applied": _("The local definition could only be partly applied to this source."),
    "ytd_until": _("Year to date: records up to %(date)s, against the same period last "
                   "year."),
    "non_recent_excluded": _("Over the five years, %(count)s non-recent offences (recorded a "
                             "year or more after they were committed) are counted apart, not "
                             "in the yearly figures."),
    "no_time": _("%(count)s records have no time of day and are not in the day and hour "
                 "chart."),
    "outcomes_not_supplied": _("The extract does not give outcomes."),
    "harm_granularity": _("%(index)s weights are given per %(granularity)s (%(source)s)."),
    "harm_needs_offence_codes": _("Harm weighting needs Home Office offence codes, which "
                                  "data.police.uk does not give."),
    "population_year": _("Population: mid-year estimates for %(year)s, the latest loaded."),
    "no_demographics_in_source": _("This source records no ages, sex or ethnicity."),
    "comparator_population_missing": _("Comparator populations are not loaded: counts only."),
    "comparator_year": _("Comparator counts are from the Home Office tables for %(year)s, "
                         "which may not be the year assessed."),
    "officer_defined_not_compared": _("Officer-defined ethnicity is an officer's perception, "
                                      "so it is not compared with the Census."),
    "non_resident_population": _("Some areas with the most offences are town centres whose "
                                 "visitors are not resident: read their rates with care, and "
                                 "look at counts and density."),
    "apportioned_admissions": _("Admissions recorded by postcode district are shared between "
                                "local authorities by the loaded lookup: estimates, shown to "
                                "the nearest whole admission (the CSV keeps two decimals)."),
    "top_component": _("%(component)s scores %(score)s of 5 (weight %(weight)s)"),
    "component_missing": _("%(component)s left out (%(reason)s): its weight is shared among "
                           "the others"),
    "trend_too_few_to_test": _("too few offences to test the trend: scored 3"),
    "influence_not_rated": _("ability to influence not rated yet: scored 3"),
    "partial_year": _("The year is not complete: records up to %(date)s."),
    "non_recent_days": _("Non-recent: recorded %(days)s days or more after the offence was "
                         "committed, counted in the year it was recorded."),
    "no_committed_time": _("%(count)s of %(total)s records have no time of day and are not "
                           "in the day and hour table."),
    "day_hour_not_available": _("data.police.uk gives the month only: no day or hour."),
    "weekend_window": _("Weekend: Friday 18:00 to Monday 06:00 (%(hours)s hours)."),
    "flags_not_available": _("data.police.uk records no flags."),
    "harm_index": _("Harm under %(index)s."),
    "sources_count_records": _("Records as supplied, whatever the local definition: "
                               "admissions split between local authorities by postcode "
                               "district are counted whole here and by their share on the "
                               "health page."),
    "yearly_is_committed_less_non_recent": _("The yearly figures on the other tables count "
                                             "offences by the year they were committed, "
                                             "less the non-recent ones, which are counted "
                                             "apart."),
    "harm_ranked_by": _("Rank (%(index)s): 1 is the most harmful category under %(index)s."),
    "harm_index_not_loaded": _("The harm index %(index)s is not loaded."),
    "harm_unweighted": _("%(count)s records have no weight in %(index)s and add no harm."),
    "harm_weights_not_supplied": _("No harm index is loaded: load one on the Data pages to "
                                   "weight offences by harm."),
    "coverage_not_recorded": _("No data coverage is recorded for this year."),
    "rate_per": _("Rates are per %(per)s residents, with 95%% confidence intervals (Byar's "
                  "method)."),
    "population_missing": _("No population estimates are loaded for this area: no rates."),
    "comparator_year_differs": _("The Home Office counts are for %(year)s, not "
                                 "%(financial_year)s."),
    "comparator_categories_only": _("Comparisons use the offence categories the Home Office "
                                    "codes map to, and the Home Office counts for every area, "
                                    "this partnership's included: they can differ from the "
                                    "counts from the police extract."),
    "percent_of_known": _("Percentages are of the %(known)s records where this is known."),
    "share_of_known_age": _("Shares are of the records with a known age."),
    "census_2021_residents": _("Residents: Census 2021 usual residents of the area."),
    "census_chinese_in_asian": _("Only broad Census groups are loaded, so Chinese residents are "
                                 "counted in the Asian group."),
    "census_not_loaded": _("Census 2021 ethnic groups are not loaded: no comparison with "
                           "residents."),
    "ic5_in_asian": _("Officer-defined code IC5 (Chinese, Japanese or other South East Asian) is "
                      "counted in the Asian group."),
    "ethnicity_self_defined": _("Self-defined ethnicity: as the person gave it (the 16+1 "
                                "Census categories)."),
    "ethnicity_officer_defined": _("Officer-defined ethnicity: the officer's perception (IC "
                                   "codes)."),
    "ethnicity_self_defined_records": _("%(count)s of the %(total)s records of the year give a "
                                        "self-defined ethnicity, so this table's total is "
                                        "smaller than the age table's: the others give an "
                                        "officer-defined ethnicity or none."),
    "ethnicity_officer_defined_records": _("%(count)s of the %(total)s records of the year give "
                                           "an officer-defined ethnicity, so this table's "
                                           "total is smaller than the age table's: the others "
                                           "give a self-defined ethnicity or none."),
    "missing_of_selection": _("Of the records the local definition selects in the year, "
                              "non-recent offences left out as in the tables above. Unknown "
                              "and not stated count as missing."),
    "missing_fields_blank": _("Blank fields in the records the local definition selects in "
                              "the year, non-recent offences included. A value given as "
                              "unknown or not stated is not blank here: the Victims and "
                              "suspects page counts those as missing too, so its figures can "
                              "be higher."),
    "ethnicity_missing_by_basis": _("Missing ethnicity is shown separately for self-defined and "
                                    "officer-defined records."),
    "records_without_area": _("%(count)s records could not be placed at this level and are "
                              "not in the table."),
    "location_quotient_population": _("Location quotient: the area's share of these offences "
                                      "divided by its share of residents."),
    "funnel_limits": _("Funnel limits: 95% and 99.8% around the partnership's rate, as OHID "
                       "Fingertips draws them. Areas inside the limits differ only by chance."),
    "beat_no_population": _("Beats have no resident population: counts only."),
    "records_without_decile": _("%(count)s records are in areas with no deprivation decile."),
    "deprivation_index": _("Deprivation: %(index)s."),
    "decile_1_most_deprived": _("Decile 1 is the most deprived tenth of areas."),
    "not_supplied": _("%(source)s: not supplied."),
    "istv_all_assaults": _("All assault attendances, whatever the local definition."),
    "admissions_icd10_assault": _("Admissions with an ICD-10 assault code (X85 to Y09)."),
    "under_25_unknown": _("%(count)s admissions have no age."),
    "fte_population": _("Rate per %(per)s residents aged %(ages)s."),
    "fte_population_apportioned": _("The population aged 10 to 17 is estimated from wider age "
                                    "bands."),
    "fte_population_missing": _("No population aged 10 to 17 is loaded: no rate."),
    "core_measure_source": _("%(measure)s: from %(source)s."),
    "core_measure_source_missing": _("%(measure)s: %(source)s not supplied."),
    "indicators_latest_periods": _("The latest %(n)s periods of each indicator, with the "
                                   "source its organisation gave."),
    # Preset notes: how a published definition was read into rules.
    "gbh_without_intent_not_separable": _("GBH without intent cannot be told apart from "
                                          "actual bodily harm in code %(code)s, so it is not "
                                          "selected."),
    "flag_not_combinable_with_categories": _("A flag cannot be added to some categories only: "
                                             "flagged offences are reported as shares."),
    "age_victim_or_suspect": _("Under %(limit)s applies to the victim or the suspect."),
    "knife_gun_crime_as_weapon_possession": _("Knife and gun crime is read as possession of "
                                              "weapons, plus the knife and firearm flags."),
    "alcohol_drug_related_not_selectable": _("Alcohol and drug related violence is shown by "
                                             "flag share, not selected."),
    "not_in_taxonomy": _("%(topic)s has no offence code and cannot be selected."),
    "modern_slavery_by_code": _("Modern slavery is selected by offence code %(code)s."),
    "exclusion_not_in_taxonomy": _("%(topic)s is out of scope and has no offence code to "
                                   "exclude."),
    "no_age_or_place_limit": _("No age or place limit."),
    "domestic_abuse_reported_by_flag": _("Domestic abuse is shown by flag share."),
    "vawg_not_selectable": _("Violence against women and girls has no single code: see the "
                             "sexual offences and domestic abuse flags."),
    "violent_domestic_abuse_inside_categories": _("Violent domestic abuse is inside the "
                                                  "violence categories, shown by flag share."),
    "stalking_harassment_not_included": _("Stalking and harassment are not included."),
    "weapon_carrying_early_intervention_only": _("Weapon carrying by young people is for early "
                                                 "intervention, not in the definition."),
    "priority_sexual_assault_rape": _("Priority: sexual assault and rape."),
    "priority_knife_crime_by_flag_share": _("Priority: knife crime, shown by the knife flag."),
    "priority_robbery": _("Priority: robbery."),
    "priority_domestic_abuse_by_flag": _("Priority: domestic abuse, shown by flag share."),
    "guidance_names_crime_types_not_codes": _("The Duty's guidance names crime types, not "
                                              "codes: read into the taxonomy's categories."),
}

GRANULARITIES = {"offence_code": _("Home Office offence code"),
                 "offence_subgroup": _("offence subgroup")}

MISSING_REASONS = {
    "no_harm_index": _("no harm index loaded"),
    "no_harm_weight": _("no harm weight for this category"),
    "no_age_data": _("no ages recorded"),
    "no_trend": _("no previous year to compare"),
}


def text(note: dict) -> str:
    key, params = note.get("key", ""), dict(note.get("params") or {})
    template = NOTES.get(key)
    if template is None:
        return str(key).replace("_", " ").capitalize() + "."
    if not params:
        return str(template)
    if "threshold" in params:
        params["threshold_less"] = int(params["threshold"]) - 1
    if "topic" in params:
        params["topic"] = str(params["topic"]).replace("_", " ").capitalize()
    if "measure" in params:
        params["measure"] = pretty(params["measure"])
    for name, translate in (("category", category), ("source", source),
                            ("index", harm_index)):
        if name in params:
            params[name] = translate(params[name])
    if "component" in params:
        from .forms import COMPONENT_LABELS

        params["component"] = str(COMPONENT_LABELS.get(params["component"],
                                                       params["component"]))
    if params.get("granularity") in GRANULARITIES:
        params["granularity"] = GRANULARITIES[params["granularity"]]
    if params.get("reason") in MISSING_REASONS:
        params["reason"] = MISSING_REASONS[params["reason"]]
    for name, value in params.items():
        if isinstance(value, int | float) and not isinstance(value, bool) and name != "year":
            params[name] = number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(params.get("rules"), list):
        params["rules"] = ", ".join(rule(r) for r in params["rules"])
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)
