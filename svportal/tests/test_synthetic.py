"""generate_synthetic: labelled, seeded, and never under production settings."""

import hashlib
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings

from actionplans.models import ActionItem, ActionPlan, StatusUpdate
from boroughs.models import Borough, Source
from casestudies.models import CaseStudy, Intervention
from casestudies.search import CASE_STUDIES, parse_query
from core.search import indexes as search_indexes
from funding.models import Award
from svportal.synthetic import SOURCE_KEY, SOURCE_TITLE

pytestmark = pytest.mark.django_db

SCALE = "0.002"
SOURCED = (Borough, CaseStudy, Intervention, ActionPlan, ActionItem, Award)


class _RolledBack(Exception):
    pass


def digest():
    """What a reader would see of the synthetic records, without their ids."""
    parts = [
        *CaseStudy.objects.filter(source__key=SOURCE_KEY)
        .order_by("slug")
        .values_list("slug", "title", "summary", "solution", "status", "published_at"),
        *ActionItem.objects.filter(source__key=SOURCE_KEY)
        .order_by("plan__slug", "slug")
        .values_list("plan__slug", "slug", "title", "status", "progress"),
        *StatusUpdate.objects.filter(item__source__key=SOURCE_KEY)
        .order_by("item__plan__slug", "item__slug", "changed_at")
        .values_list("item__slug", "to_status", "changed_at"),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest(), len(parts)


def generate_and_forget(run_command, *options):
    """Generate, note the digest, and roll the database back."""
    try:
        with transaction.atomic():
            run_command("generate_synthetic", "--scale", SCALE, *options)
            noted = digest()
            raise _RolledBack
    except _RolledBack:
        return noted


def test_every_synthetic_record_names_the_synthetic_source(run_command):
    real = {model: set(model.objects.values_list("pk", flat=True)) for model in SOURCED}

    output = run_command("generate_synthetic", "--scale", SCALE)

    assert SOURCE_TITLE in output
    source = Source.objects.get(key=SOURCE_KEY)
    assert "Synthetic" in source.title
    for model in SOURCED:
        made = model.objects.exclude(pk__in=real[model])
        assert made.exists(), model
        assert not made.exclude(source=source).exists(), model
    assert all(
        "Synthetic" in name
        for name in Borough.objects.filter(source=source).values_list("name", flat=True)
    )
    assert all(
        title.startswith("Synthetic case study")
        for title in CaseStudy.objects.filter(source=source).values_list("title", flat=True)
    )
    # The real records are as they were.
    for model in SOURCED:
        assert set(model.objects.exclude(source=source).values_list("pk", flat=True)) == real[model]
    # Histories run over several years, and the new case studies are searchable.
    years = {
        moment.year
        for moment in StatusUpdate.objects.filter(item__source=source).values_list(
            "changed_at", flat=True
        )
    }
    assert len(years) >= 3
    some_words = CaseStudy.objects.filter(source=source).first().title.split()[-1]
    found = CASE_STUDIES.matching(CaseStudy.objects.filter(source=source), parse_query(some_words))
    assert found.exists()
    # Every kind the portal search finds has its documents, synthetic records included.
    for index in search_indexes():
        synthetic = index.model._default_manager.filter(source=source)
        assert synthetic.exists(), index.model
        assert not index.missing(synthetic).exists(), index.model


def test_the_same_seed_makes_the_same_records_and_another_seed_others(run_command):
    first = generate_and_forget(run_command)
    again = generate_and_forget(run_command)
    other = generate_and_forget(run_command, "--seed", "2")

    assert first == again
    assert first[1] > 100
    assert other[0] != first[0]


def test_a_second_run_is_refused_and_adds_nothing(run_command):
    run_command("generate_synthetic", "--scale", SCALE)
    count = CaseStudy.objects.count()

    with pytest.raises(CommandError, match="already holds synthetic data"):
        run_command("generate_synthetic", "--scale", SCALE)
    assert CaseStudy.objects.count() == count


@override_settings(SYNTHETIC_DATA_ALLOWED=False)
def test_refused_where_synthetic_data_is_not_allowed(run_command):
    with pytest.raises(CommandError, match="never generated under production settings"):
        run_command("generate_synthetic", "--scale", SCALE)
    assert not Source.objects.filter(key=SOURCE_KEY).exists()


def test_production_settings_do_not_allow_synthetic_data():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(DJANGO_SETTINGS_MODULE="svportal.settings.production", DJANGO_SECRET_KEY="x" * 50)
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.SYNTHETIC_DATA_ALLOWED)",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
