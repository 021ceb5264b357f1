"""Store the search documents of every searchable record (core.search.index).

Records get theirs as they are saved; this fills those without one (after an upgrade
that changed how documents are made) or, with --all, rebuilds every one.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from core.search import indexes


class Command(BaseCommand):
    help = "Store the search documents of records without one (--all: of every record)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Rebuild every document, not only missing ones."
        )

    def handle(self, *args, **options):
        for index in indexes():
            records = index.model._default_manager.all()
            with transaction.atomic():
                count = index.store(records if options["all"] else index.missing(records))
            self.stdout.write(f"{index.model._meta.verbose_name_plural}: {count} stored.")
