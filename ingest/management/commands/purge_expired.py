from datetime import date

from django.core.management.base import BaseCommand

from ingest.services import extracts_purge_expired


class Command(BaseCommand):
    help = "Delete loaded rows whose sharing agreement's retention period has passed."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None,
                            help="Pretend today is this date (YYYY-MM-DD)")

    def handle(self, *args, **opts):
        purged = extracts_purge_expired(today=opts["today"])
        for extract in purged:
            self.stdout.write(f"Purged rows of {extract.filename} ({extract.organisation}, "
                              f"agreement {extract.agreement.reference}).")
        self.stdout.write(f"{len(purged)} extract(s) purged.")
