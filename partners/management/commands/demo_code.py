from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners import demo


class Command(BaseCommand):
    help = "Print a demo user's current two-factor code, as their authenticator app would."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            self.stdout.write(demo.current_code(username))
        except TOTPDevice.DoesNotExist as error:
            raise CommandError(f"No demo user '{username}' with two-factor set up.") from error
