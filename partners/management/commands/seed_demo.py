from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from partners import demo


class Command(BaseCommand):
    help = "Create the demo partnerships, their line-ups and one user per role (idempotent)."

    def handle(self, *args, **options):
        try:
            logins = demo.seed()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS("Demo partnerships and users are ready."))
        self.stdout.write(f"Every demo user's password is: {demo.DEMO_PASSWORD}")
        for row in logins:
            code = f"  (two-factor: make code U={row['username']})" if row["two_factor"] else ""
            self.stdout.write(f"  {row['username']:<16} {row['role']:<20} {row['partnership']}"
                              f"{code}")
