import datetime as dt

import factory
from factory.django import DjangoModelFactory

from actionplans.models import ActionItem, ActionPlan, Framework, ItemStatus, Theme
from boroughs.tests.factories import BoroughFactory

factory.Faker._DEFAULT_LOCALE = "en_GB"


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework

    name = factory.Sequence(lambda n: f"Test framework {n}")
    slug = factory.Sequence(lambda n: f"test-framework-{n}")
    description = factory.Faker("sentence")


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    framework = factory.SubFactory(FrameworkFactory)
    name = factory.Sequence(lambda n: f"Test theme {n}")
    slug = factory.Sequence(lambda n: f"test-theme-{n}")
    order = factory.Sequence(lambda n: n % 30000)


class ActionPlanFactory(DjangoModelFactory):
    class Meta:
        model = ActionPlan

    title = factory.Sequence(lambda n: f"Test action plan {n}")
    slug = factory.Sequence(lambda n: f"test-action-plan-{n}")
    borough = factory.SubFactory(BoroughFactory)
    framework = factory.SubFactory(FrameworkFactory)
    status = ActionPlan.Status.ACTIVE
    overseen_by = factory.Faker("company")


class ActionItemFactory(DjangoModelFactory):
    """An item of a new plan, under a theme of that plan's framework."""

    class Meta:
        model = ActionItem

    plan = factory.SubFactory(ActionPlanFactory)
    theme = factory.SubFactory(ThemeFactory, framework=factory.SelfAttribute("..plan.framework"))
    slug = factory.Sequence(lambda n: f"test-item-{n}")
    title = factory.Sequence(lambda n: f"Test action item {n}")
    description = factory.Faker("sentence")
    lead_agency = factory.Faker("company")
    status = ItemStatus.ON_TRACK


def add_items(count, user):
    """``count`` new plans of an item each, last updated by ``user``, due on 1 January 2020."""
    for plan in ActionPlanFactory.create_batch(count):
        ActionItemFactory(plan=plan, last_updated_by=user, due_date=dt.date(2020, 1, 1))


def add_frameworks(count):
    """``count`` new frameworks of two themes each."""
    for framework in FrameworkFactory.create_batch(count):
        ThemeFactory.create_batch(2, framework=framework)
