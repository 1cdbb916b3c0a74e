from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ingest import services, sources
from ingest.models import SharingAgreement
from partners.models import Organisation, Partnership


class Command(BaseCommand):
    help = "Record an information-sharing agreement (idempotent on the reference)."

    def add_arguments(self, parser):
        parser.add_argument("--partnership", required=True, action="append", metavar="SLUG")
        parser.add_argument("--organisation", required=True, metavar="SLUG")
        parser.add_argument("--source", required=True, action="append", metavar="KEY",
                            choices=sorted(k for k, s in sources.SOURCES.items()
                                           if not s.open_data))
        parser.add_argument("--lawful-basis", required=True, metavar="TEXT",
                            help="s115, s17a, or the text of another basis")
        parser.add_argument("--ref", required=True)
        parser.add_argument("--retention-days", type=int, default=3 * 365)
        parser.add_argument("--start", type=date.fromisoformat, default=None)
        parser.add_argument("--review", type=date.fromisoformat, default=None)

    def handle(self, *args, **opts):
        if SharingAgreement.objects.filter(reference=opts["ref"]).exists():
            self.stdout.write(f"Agreement {opts['ref']} already exists.")
            return
        partnerships = list(Partnership.objects.filter(slug__in=opts["partnership"]))
        if len(partnerships) != len(set(opts["partnership"])):
            raise CommandError("Unknown partnership slug in --partnership.")
        org = Organisation.objects.filter(slug=opts["organisation"]).first()
        if org is None:
            raise CommandError(f"No organisation with slug '{opts['organisation']}'.")
        basis = opts["lawful_basis"].strip().lower().replace(" ", "")
        known = {"s115": "s115", "s17a": "s17a"}
        start = opts["start"] or date.today()
        try:
            agreement = services.agreement_add(
                reference=opts["ref"], organisation=org, partnerships=partnerships,
                source_keys=opts["source"], lawful_basis=known.get(basis, "other"),
                lawful_basis_detail="" if basis in known else opts["lawful_basis"],
                retention_days=opts["retention_days"], starts_on=start,
                review_on=opts["review"] or start + timedelta(days=365))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Recorded agreement {agreement.reference} for {org}.")
