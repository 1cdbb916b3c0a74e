"""Run the annual needs assessment from the command line (in this process, as the worker
would) and print a summary or, with --json, the snapshot."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments import services
from assessments.computation import presets
from assessments.models import ComparatorGroup, Definition
from partners.models import Partnership


class Command(BaseCommand):
    help = "Compute a partnership's needs assessment for a financial year (2023 = 2023/24)."

    def add_arguments(self, parser):
        parser.add_argument("--partnership", required=True, metavar="SLUG")
        parser.add_argument("--year", required=True, type=int, metavar="YYYY",
                            help="First year of the financial year: 2023 means 2023/24")
        parser.add_argument("--definition", metavar="NAME",
                            help="Local definition for that year (default: the only one)")
        parser.add_argument("--preset", choices=sorted(presets.PRESETS),
                            help="Use (and save) a preset definition when none is named")
        parser.add_argument("--comparators", metavar="NAME", help="Comparator group")
        parser.add_argument("--harm-index", default="", metavar="NAME")
        parser.add_argument("--json", action="store_true", help="Print the snapshot as JSON")

    def handle(self, *args, **opts):
        partnership = Partnership.objects.filter(slug=opts["partnership"]).first()
        if partnership is None:
            raise CommandError(f"No partnership with slug '{opts['partnership']}'.")
        year = opts["year"]
        if not 2000 <= year <= 2100:
            raise CommandError("--year is the first year of the financial year, e.g. 2023.")
        fy = f"{year}/{(year + 1) % 100:02d}"
        definition = self._definition(partnership, fy, opts)
        comparator = self._comparator(partnership, opts["comparators"])
        try:
            assessment = services.assessment_start(
                partnership=partnership, financial_year=fy,
                definition_version=definition.current, comparator_group=comparator,
                harm_index=opts["harm_index"], enqueue=False)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        assessment = services.run(services.claim(assessment.pk))
        if assessment.status != assessment.Status.DONE:
            raise CommandError(assessment.error)
        if opts["json"]:
            self.stdout.write(json.dumps(as_json(assessment), default=str))
        else:
            self._summary(assessment)

    def _definition(self, partnership, fy, opts) -> Definition:
        found = Definition.objects.filter(partnership=partnership, financial_year=fy)
        if opts["definition"]:
            definition = found.filter(name=opts["definition"]).first()
            if definition is None:
                names = ", ".join(found.values_list("name", flat=True)) or "none"
                raise CommandError(f"No definition '{opts['definition']}' for {fy} "
                                   f"(there are: {names}).")
            return definition
        if opts["preset"]:
            return services.definition_from_preset(partnership=partnership, financial_year=fy,
                                                   key=opts["preset"])
        if found.count() == 1:
            return found.get()
        if not found.exists():
            raise CommandError(f"{partnership} has no local definition for {fy}: name a "
                               f"--preset ({', '.join(sorted(presets.PRESETS))}) or create "
                               "one in the definition editor.")
        names = ", ".join(found.values_list("name", flat=True))
        raise CommandError(f"Say which definition with --definition (there are: {names}).")

    def _comparator(self, partnership, name):
        if not name:
            return None
        group = ComparatorGroup.objects.filter(partnership=partnership, name=name).first()
        if group is None:
            raise CommandError(f"No comparator group '{name}' in {partnership}.")
        return group

    def _summary(self, assessment):
        snapshot = assessment.result
        write = self.stdout.write
        write(f"{assessment.partnership} {assessment.financial_year} version "
              f"{assessment.version} ({assessment.duration_seconds:.1f} s)")
        for row in categories(snapshot):
            counts = " ".join(f"{row['counts'][y] or 0:>7}" for y in snapshot["years"])
            change = "" if row["change"] is None else f"{row['change']:+.0f}%"
            write(f"  {row['category']:<28} {counts}  {change:>6}  {row['verdict'] or ''}")
        for item in snapshot["priority"].get("ranking", []):
            write(f"  priority {item['rank']}: {item['category']} (score {item['score']:.2f})")
        for source, rules in snapshot["evaluability"].items():
            missing = [r for r, s in rules.items() if s == "not_evaluable"]
            if missing:
                write(f"  {source}: could not apply {', '.join(missing)}")


def categories(snapshot: dict) -> list[dict]:
    """Per category: yearly counts, year-on-year change and significance verdict."""
    table = snapshot["sections"]["volumes"]["tables"].get("by_category")
    if not table:
        return []
    return [{"category": row["category"],
             "counts": {year: row.get(year) for year in snapshot["years"]},
             "change": row.get("change"), "p_value": row.get("p_value"),
             "verdict": row.get("verdict")} for row in table["rows"]]


def as_json(assessment) -> dict:
    snapshot = dict(assessment.result)
    snapshot["assessment"] = {
        "uuid": str(assessment.uuid), "partnership": assessment.partnership.slug,
        "financial_year": assessment.financial_year, "version": assessment.version,
        "status": assessment.status, "duration_seconds": assessment.duration_seconds,
        "code_version": assessment.code_version,
        "taxonomy_version": assessment.taxonomy_version,
        "finished_at": assessment.finished_at}
    snapshot["provenance"] = assessment.provenance
    snapshot["categories"] = categories(snapshot)
    return snapshot
