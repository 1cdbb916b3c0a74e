from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from partners.models import Nation, Partnership
from partners.services import partnership_create


class Command(BaseCommand):
    help = ("Create a partnership with seats for the six specified authorities of its area. "
            "Idempotent on the slug.")

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--name-cy", default="", help="Name in Welsh")
        parser.add_argument("--kind", required=True, choices=[k.value for k in Partnership.Kind])
        parser.add_argument("--part-of", metavar="SLUG", help="Parent partnership's slug")
        parser.add_argument("--local-authority", metavar="CODE", action="append", default=[],
                            help="ONS local authority code; repeat for several")
        parser.add_argument("--police-force", default="", metavar="NAME")
        parser.add_argument("--nation", choices=[n.value for n in Nation], default=None)
        parser.add_argument("--no-seats", action="store_true",
                            help="Do not create seats for the specified authorities")

    def handle(self, *args, **opts):
        parent = None
        if opts["part_of"]:
            parent = Partnership.objects.filter(slug=opts["part_of"]).first()
            if parent is None:
                raise CommandError(f"No partnership with slug '{opts['part_of']}' for --part-of.")
        codes = opts["local_authority"]
        nation = opts["nation"] or (Nation.WALES if codes and all(c.startswith("W") for c in codes)
                                    else Nation.ENGLAND)
        try:
            partnership, created = partnership_create(
                slug=opts["slug"], name=opts["name"], name_cy=opts["name_cy"], kind=opts["kind"],
                nation=nation, local_authority_codes=codes, police_force=opts["police_force"],
                part_of=parent, with_seats=not opts["no_seats"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        verb = "Created" if created else "Already exists:"
        self.stdout.write(f"{verb} {partnership.name} ({partnership.slug}) with "
                          f"{partnership.seats.count()} seats.")
