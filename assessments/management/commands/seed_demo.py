"""The demo: partnerships, people, and five years of synthetic data loaded as uploads are.

Lives in `assessments` because it drives all three apps (imports run one way)."""

import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments import demo as assessments_demo
from ingest import demo as ingest_demo
from partners import demo


class Command(BaseCommand):
    help = ("Create the demo partnerships, their line-ups, one user per role and five years "
            "of synthetic extracts (idempotent).")

    def add_arguments(self, parser):
        parser.add_argument("--no-data", action="store_true",
                            help="Only partnerships and users, no synthetic extracts")

    def handle(self, *args, **options):
        try:
            logins = demo.seed()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        if not options["no_data"]:
            started, since = time.monotonic(), timezone.now()
            extracts = ingest_demo.seed()
            new = [e for e in extracts if e.created_at >= since]
            self.stdout.write(f"Demo data: {len(new)} extract(s) loaded, "
                              f"{len(extracts) - len(new)} already there "
                              f"({time.monotonic() - started:.0f} s).")
            started = time.monotonic()
            runs = assessments_demo.seed()
            self.stdout.write(f"Demo assessments: {len(runs)} partnership(s) assessed for "
                              f"{assessments_demo.financial_year()} "
                              f"({time.monotonic() - started:.0f} s).")
        self.stdout.write(self.style.SUCCESS("Demo partnerships and users are ready."))
        self.stdout.write(f"Every demo user's password is: {demo.DEMO_PASSWORD}")
        for row in logins:
            code = f"  (two-factor: make code U={row['username']})" if row["two_factor"] else ""
            self.stdout.write(f"  {row['username']:<16} {row['role']:<20} {row['partnership']}"
                              f"{code}")
