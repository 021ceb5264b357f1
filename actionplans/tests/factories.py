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
