"""What case-study and intervention search covers, and keeping their documents fresh.

How a query is read, widened by synonyms, matched and ranked is core.search, the same for
every search in the portal; this module says what each record's document holds:

- a case study: its title (A) above its summary with its approaches and settings (B),
  its five sections (C), and the text of what it links to (D): boroughs, partnership,
  interventions, their providers, and the outcomes;
- an intervention: its name (A) above its description, category and settings (B) and
  its providers (C).

Approaches and settings are in the document so that searching for "trauma-informed"
finds every case study the Approach facet calls trauma-informed, whether or not its text
uses the words.

The receivers below keep the stored documents (a cache of this text) fresh when a record
or what it links to changes, however it is changed: the services, the admin, the loader.
"""

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils.safestring import SafeString

from boroughs.models import Borough, Organisation, Partnership
from core.search import MAX_TERMS, SearchIndex, SearchQuery, search_query

from .models import Approach, CaseStudy, Intervention, Outcome, Setting

__all__ = ["CASE_STUDIES", "INTERVENTIONS", "MAX_TERMS", "matching", "parse_query", "snippet"]


def _joined(*texts):
    return "\n".join(text for text in texts if text)


def case_study_documents(queryset):
    records = (
        queryset.defer("search_vector")
        .select_related("partnership")
        .prefetch_related(
            "boroughs", "approaches", "settings", "interventions__providers", "outcomes"
        )
    )
    for case_study in records:
        interventions = list(case_study.interventions.all())
        yield (
            case_study.pk,
            {
                "A": case_study.title,
                "B": _joined(
                    case_study.summary,
                    *(approach.name for approach in case_study.approaches.all()),
                    *(setting.name for setting in case_study.settings.all()),
                ),
                "C": _joined(
                    case_study.challenge,
                    case_study.solution,
                    case_study.impact,
                    case_study.lessons_learned,
                    case_study.sustainability,
                ),
                "D": _joined(
                    *(borough.name for borough in case_study.boroughs.all()),
                    case_study.partnership.name if case_study.partnership else "",
                    *(intervention.name for intervention in interventions),
                    *(
                        provider.name
                        for intervention in interventions
                        for provider in intervention.providers.all()
                    ),
                    *(
                        _joined(outcome.metric, outcome.quote)
                        for outcome in case_study.outcomes.all()
                    ),
                ),
            },
        )


def intervention_documents(queryset):
    records = queryset.defer("search_vector").prefetch_related("settings", "providers")
    for intervention in records:
        yield (
            intervention.pk,
            {
                "A": intervention.name,
                "B": _joined(
                    intervention.description,
                    intervention.get_category_display(),
                    *(setting.name for setting in intervention.settings.all()),
                ),
                "C": _joined(*(provider.name for provider in intervention.providers.all())),
            },
        )


CASE_STUDIES = SearchIndex(
    model=CaseStudy,
    documents=case_study_documents,
    snippet_fields=("summary", "solution", "challenge", "impact", "lessons_learned"),
    long_documents=True,
    postings="search_postings",
    # What the public reads: all but the few drafts and those in review.
    usual=Q(status=CaseStudy.Status.PUBLISHED),
)
INTERVENTIONS = SearchIndex(
    model=Intervention,
    documents=intervention_documents,
    snippet_fields=("description",),
    postings="search_postings",
)


# --- Reading, for the selectors and the API ---------------------------------------------------


_Rows = TypeVar("_Rows", bound=QuerySet[Any])


def parse_query(text: str | None) -> SearchQuery:
    """The search `text` asks for (core.search.SearchQuery): parsed and widened."""
    return search_query(text)


def matching(queryset: _Rows, index: SearchIndex, query: SearchQuery | None) -> _Rows:
    """The records of `queryset` that match `query` (all of them if it is blank)."""
    return index.matching(queryset, query)


def with_rank(queryset: _Rows, index: SearchIndex, query: SearchQuery | None) -> _Rows:
    """`queryset` annotated with `search_rank`: higher is more relevant."""
    return index.ranked(queryset, query)


def snippet(record: Model, index: SearchIndex, query: SearchQuery | None) -> SafeString:
    """The record's snippet for the search, as safe HTML."""
    return index.snippet(record, query)


def refresh_historical_case_study_vectors(model, using):
    """What migration 0005 called to fill its column. The documents it stored then are
    cleared by 0007, and stored anew by the loader or `manage.py search_index`."""
    return model.objects.using(using).update(search_vector=None)


# --- Keeping the documents fresh --------------------------------------------------------------


def _case_studies_using(interventions):
    return CaseStudy.interventions.through.objects.filter(
        intervention__in=interventions
    ).values_list("casestudy_id", flat=True)


CASE_STUDIES.follow_own_records()
INTERVENTIONS.follow_own_records()


@receiver(post_save, sender=Outcome)
@receiver(post_delete, sender=Outcome)
def _outcome_changed(sender, instance, **kwargs):
    CASE_STUDIES.refresh([instance.case_study_id])


@receiver(post_save, sender=Intervention)
def _intervention_saved(sender, instance, created=False, **kwargs):
    if not created:
        CASE_STUDIES.refresh(_case_studies_using([instance.pk]))


@receiver(pre_delete, sender=Intervention)
def _intervention_deleting(sender, instance, **kwargs):
    instance._search_case_studies = list(_case_studies_using([instance.pk]))


@receiver(post_delete, sender=Intervention)
def _intervention_deleted(sender, instance, **kwargs):
    CASE_STUDIES.refresh(getattr(instance, "_search_case_studies", ()))


# A case study's document carries the names of its boroughs, partnership, approaches
# and settings; an intervention's, the names of its settings.
CASE_STUDIES.follow_names(Borough, Partnership, Approach, Setting, through="case_studies")
INTERVENTIONS.follow_names(Setting, through="interventions")


@receiver(post_save, sender=Organisation)
def _organisation_saved(sender, instance, created=False, **kwargs):
    if not created:
        interventions = list(instance.interventions.values_list("pk", flat=True))
        INTERVENTIONS.refresh(interventions)
        CASE_STUDIES.refresh(_case_studies_using(interventions))


def _linked(instance, action, reverse, pk_set, related_name):
    """The records on the changed side of a many-to-many change, or None before it is
    made. A reverse clear names none: they are noted before it and used after."""
    if not reverse:
        return None if action.startswith("pre_") else [instance.pk]
    if action == "pre_clear":
        instance._search_cleared = list(
            getattr(instance, related_name).values_list("pk", flat=True)
        )
        return None
    if action == "post_clear":
        return getattr(instance, "_search_cleared", [])
    return None if action.startswith("pre_") else list(pk_set or ())


def _on_case_study_links(sender, instance, action, reverse, pk_set, **kwargs):
    """A case study's boroughs, approaches, settings or interventions changed."""
    case_studies = _linked(instance, action, reverse, pk_set, "case_studies")
    if case_studies is not None:
        CASE_STUDIES.refresh(case_studies)


def _on_intervention_links(sender, instance, action, reverse, pk_set, **kwargs):
    """An intervention's providers or settings changed."""
    interventions = _linked(instance, action, reverse, pk_set, "interventions")
    if interventions is not None:
        INTERVENTIONS.refresh(interventions)
        CASE_STUDIES.refresh(_case_studies_using(interventions))


for _through in (
    CaseStudy.boroughs.through,
    CaseStudy.approaches.through,
    CaseStudy.settings.through,
    CaseStudy.interventions.through,
):
    m2m_changed.connect(_on_case_study_links, sender=_through, weak=False)
for _intervention_through in (Intervention.providers.through, Intervention.settings.through):
    m2m_changed.connect(_on_intervention_links, sender=_intervention_through, weak=False)
