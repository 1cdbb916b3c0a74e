from django.core.management.base import BaseCommand

from partners.roledoc import role_table_markdown


class Command(BaseCommand):
    help = "Print the role table (from partners/roles.py) as Markdown, as in the README."

    def handle(self, *args, **options):
        self.stdout.write(role_table_markdown())
