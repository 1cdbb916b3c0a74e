"""Scripted quarterly loads, through the same path as the upload page."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ingest import processing, services, sources
from ingest.models import Extract, SharingAgreement
from partners.models import Organisation, Partnership


class Command(BaseCommand):
    help = "Load extract files for a partnership (scan, validate, load) and print a summary."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--partnership", required=True, metavar="SLUG")
        parser.add_argument("--source", required=True, choices=sorted(sources.SOURCES))
        parser.add_argument("--organisation", metavar="SLUG",
                            help="Supplier; defaults to the partnership's seat for the source")
        parser.add_argument("--agreement", metavar="REF",
                            help="Defaults to the one agreement in force")
        parser.add_argument("--mapping", metavar="NAME", help="Saved column mapping")
        parser.add_argument("--sheet", metavar="NAME", default="",
                            help="The sheet to read, for workbooks with several")
        parser.add_argument("--json", action="store_true", help="One JSON object per file")

    def handle(self, *args, **opts):
        partnership = self._partnership(opts["partnership"])
        spec = sources.source(opts["source"])
        organisation = None if spec.reference else self._organisation(partnership, spec, opts)
        agreement = self._agreement(opts["agreement"])
        refused = waiting = 0
        for name in opts["files"]:
            extract = self._load(partnership, organisation, spec, agreement, Path(name),
                                 opts["sheet"])
            refused += extract.status in {Extract.Status.REFUSED, Extract.Status.FAILED}
            waiting += extract.is_waiting
            self._print(extract, opts["json"])
        if refused or waiting:
            raise CommandError(f"{refused} of {len(opts['files'])} file(s) refused, {waiting} "
                               "waiting for their columns to be matched or their sheet chosen "
                               "(on the extract's page, or again with --mapping or --sheet).")

    def _partnership(self, slug):
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise CommandError(f"No partnership with slug '{slug}'.")
        return partnership

    def _organisation(self, partnership, spec, opts):
        if opts["organisation"]:
            org = Organisation.objects.filter(slug=opts["organisation"],
                                              seats__partnership=partnership).first()
            if org is None:
                raise CommandError(f"'{opts['organisation']}' has no seat in {partnership}.")
            return org
        seated = Organisation.objects.filter(seats__partnership=partnership,
                                             sector=spec.supplier_sector)
        if seated.count() != 1:
            raise CommandError("Say which organisation supplied the data with --organisation.")
        return seated.get()

    def _agreement(self, reference):
        if not reference:
            return None
        agreement = SharingAgreement.objects.filter(reference=reference).first()
        if agreement is None:
            raise CommandError(f"No agreement with reference '{reference}'.")
        return agreement

    def _load(self, partnership, organisation, spec, agreement, path: Path,
              sheet: str) -> Extract:
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            with path.open("rb") as handle:
                extract = services.extract_receive(
                    partnership=partnership, organisation=organisation, source_key=spec.key,
                    filename=path.name, chunks=iter(lambda: handle.read(1 << 20), b""),
                    uploaded_by=None, agreement=agreement, sheet=sheet, enqueue=False)
        except ValidationError as error:
            raise CommandError(f"{path.name}: {' '.join(error.messages)}") from error
        claimed = processing.claim(extract.pk)
        return processing.process(claimed) if claimed else extract

    def _print(self, extract: Extract, as_json: bool) -> None:
        summary = {"file": extract.filename, "status": extract.status,
                   "message": extract.message, "rows_read": extract.rows_read,
                   "rows_loaded": extract.rows_loaded, "rows_rejected": extract.rows_rejected,
                   "duplicates": extract.duplicates, "outside_area": extract.outside_area,
                   "unplaced": extract.unplaced, "by_category": extract.by_category,
                   "sha256": extract.sha256}
        if as_json:
            self.stdout.write(json.dumps(summary))
            return
        self.stdout.write(f"{extract.filename}: {extract.get_status_display()}. "
                          f"{extract.message}")
        if extract.status == Extract.Status.NEEDS_SHEET:
            self.stdout.write(f"  sheets: {', '.join(extract.report.get('sheets', []))}")
        self.stdout.write(f"  rows read {extract.rows_read}, loaded {extract.rows_loaded}, "
                          f"rejected {extract.rows_rejected}, duplicates {extract.duplicates}, "
                          f"outside the supplier's area {extract.outside_area}, "
                          f"not placed {extract.unplaced}")
        for category, count in sorted(extract.by_category.items()):
            self.stdout.write(f"    {category}: {count}")
