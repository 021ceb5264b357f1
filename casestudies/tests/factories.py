import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from boroughs.tests.factories import BoroughFactory
from casestudies.models import Approach, CaseStudy, Intervention, Outcome, Setting
from core.search import deferred as search_documents_deferred

factory.Faker._DEFAULT_LOCALE = "en_GB"


class ApproachFactory(DjangoModelFactory):
    class Meta:
        model = Approach
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test approach {n}")
    slug = factory.Sequence(lambda n: f"test-approach-{n}")


class SettingFactory(DjangoModelFactory):
    class Meta:
        model = Setting
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Test setting {n}")
    slug = factory.Sequence(lambda n: f"test-setting-{n}")


class InterventionFactory(DjangoModelFactory):
    class Meta:
        model = Intervention
        skip_postgeneration_save = True

    @classmethod
    def _generate(cls, strategy, params):
        # Written in steps (the row, then each of its links), as the services write one, so
        # its search document is made once, after the last step, as theirs is.
        with search_documents_deferred():
            return super()._generate(strategy, params)

    name = factory.Sequence(lambda n: f"Test intervention {n}")
    slug = factory.Sequence(lambda n: f"test-intervention-{n}")
    description = factory.Faker("paragraph")
    category = Intervention.Category.MENTORING
    prevention_level = Intervention.PreventionLevel.TARGETED

    @factory.post_generation
    def settings(self, create, extracted, **kwargs):
        if create and extracted:
            self.settings.set(extracted)

    @factory.post_generation
    def providers(self, create, extracted, **kwargs):
        if create and extracted:
            self.providers.set(extracted)


class CaseStudyFactory(DjangoModelFactory):
    """A published case study of one new borough, using one new intervention."""

    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    @classmethod
    def _generate(cls, strategy, params):
        # Written in steps (the row, then each of its links), as the services write one, so
        # its search document is made once, after the last step, as theirs is.
        with search_documents_deferred():
            return super()._generate(strategy, params)

    title = factory.Sequence(lambda n: f"Test case study {n}")
    slug = factory.Sequence(lambda n: f"test-case-study-{n}")
    summary = factory.Faker("paragraph")
    year = 2019
    status = CaseStudy.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def boroughs(self, create, extracted, **kwargs):
        if create:
            self.boroughs.set(extracted if extracted is not None else [BoroughFactory()])

    @factory.post_generation
    def approaches(self, create, extracted, **kwargs):
        if create:
            self.approaches.set(extracted if extracted is not None else [ApproachFactory()])

    @factory.post_generation
    def interventions(self, create, extracted, **kwargs):
        if create:
            self.interventions.set(extracted if extracted is not None else [InterventionFactory()])

    @factory.post_generation
    def settings(self, create, extracted, **kwargs):
        if create and extracted:
            self.settings.set(extracted)

    @factory.post_generation
    def outcomes(self, create, extracted, **kwargs):
        if create and extracted is None:
            OutcomeFactory(case_study=self)


class OutcomeFactory(DjangoModelFactory):
    class Meta:
        model = Outcome

    case_study = factory.SubFactory(CaseStudyFactory, outcomes=[])
    metric = factory.Sequence(lambda n: f"Test metric {n}")
    value = factory.Faker("pydecimal", left_digits=2, right_digits=2, positive=True)
    unit = Outcome.Unit.PERCENT
    direction = Outcome.Direction.DECREASE
