from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from svportal.portal_data import FixtureError, load_portal_data


class Command(BaseCommand):
    help = (
        "Load the real data extracted from the seed documents (fixtures/*.json). "
        "All or nothing; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures-dir",
            default=str(settings.PORTAL_FIXTURES_DIR),
            help="Directory of fixture files (default: the project's fixtures/).",
        )
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Also bring records that already exist back in line with the fixtures, "
            "overwriting changes made in the portal.",
        )

    def handle(self, *args, **options):
        try:
            report = load_portal_data(options["fixtures_dir"], refresh=options["refresh"])
        except FixtureError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        if not report.changed:
            self.stdout.write("The portal data is already loaded: nothing changed.")
            return
        for verb, counts in (("Created", report.created), ("Updated", report.updated)):
            for model, count in sorted(counts.items(), key=lambda pair: pair[0]._meta.label):
                name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
                self.stdout.write(f"{verb} {count} {name}.")
        self.stdout.write(self.style.SUCCESS("The portal data is loaded."))
