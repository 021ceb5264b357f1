"""Add synthetic records at national scale for benchmarks (svportal/synthetic.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from svportal.synthetic import SOURCE_TITLE, SyntheticDataRefused, generate_synthetic


class Command(BaseCommand):
    help = (
        "Add seeded synthetic records on top of the real data, all under the source "
        f'"{SOURCE_TITLE}": at --scale 1 about 400 areas, 20,000 case studies, '
        "100,000 action items and 450,000 status updates. Refused under production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=0.1, help="1 = national scale (default 0.1)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            report = generate_synthetic(
                scale=options["scale"], seed=options["seed"], stdout=self.stdout
            )
        except SyntheticDataRefused as error:
            raise CommandError(f"Nothing was generated. {error}") from error
        for model, count in sorted(report.created.items(), key=lambda pair: pair[0]._meta.label):
            name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            self.stdout.write(f"Created {count} synthetic {name}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Synthetic data at scale {options['scale']} generated in "
                f'{time.monotonic() - started:.0f} s, labelled "{SOURCE_TITLE}".'
            )
        )
