"""Public pages for case studies and interventions: search with facets, and detail.

Drafting pages are casestudies/drafting.py; these only read. Everyone sees published
case studies; those allowed to see drafts (CaseStudy.objects.visible_to) see them too,
marked with their status. With search words, results come most relevant first, each with
a snippet of its text around the words found. Signed-in users can save a search
(casestudies/saved_searches.py).
"""

from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.paging import paginate, pagination_links, remove_filter_href
from core.pdf import html_to_pdf
from core.signed_in_pages import kept_per_reader

from . import cost, evidence, selectors
from .api.pagination import CaseStudyPaginator
from .browse_forms import (
    CaseStudyBrowseForm,
    InterventionBrowseForm,
    SavedSearchForm,
    criteria_query,
)
from .forms import SECTIONS
from .models import CaseStudy, SavedSearch
from .plan_items import plan_items_delivering

PER_PAGE = 20


def _active_filters(form, query):
    """Each filter in use, with a link that removes it (and any search words)."""
    active = [
        {
            "facet": facet,
            "label": choice.label,
            # An age is one value: remove the parameter whatever its spelling (age=014).
            "remove_href": remove_filter_href(query, name, None if name == "age" else choice.value),
        }
        for facet, choice, name in form.active_filters()
    ]
    return active


def _with_errors(facets, form):
    for facet in facets:
        facet.errors = form.errors.get(facet.name, [])
    return facets


def _with_snippets(page, search):
    for record in page.object_list:
        record.snippet = search.snippet(record)
    return page


@kept_per_reader
def case_study_list(request):
    form = CaseStudyBrowseForm(request.GET)
    criteria = form.criteria()
    search = selectors.case_study_search(user=request.user, criteria=criteria)
    page, page_notice = paginate(
        request,
        search.results,
        PER_PAGE,
        count=search.count,
        paginator_class=CaseStudyPaginator,
    )
    _with_snippets(page, search)
    saved_query = criteria_query(criteria)
    return render(
        request,
        "casestudies/case_study_list.html",
        {
            "form": form,
            "criteria": criteria,
            "facets": _with_errors(search.facets, form),
            "age_facet": _with_errors([search.age_facet], form)[0],
            "unstated_ages": search.unstated_ages,
            "page": page,
            "pagination": pagination_links(page, request.GET),
            "page_notice": page_notice,
            "active_filters": _active_filters(form, request.GET),
            "remove_search_href": remove_filter_href(request.GET, "q") if criteria.q else "",
            "sorts": [
                (key, label)
                for key, (label, _) in selectors.CASE_STUDY_SORTS.items()
                if key != selectors.RELEVANCE or criteria.q.strip()
            ],
            "snippets": bool(search.parsed),
            "expanded_terms": search.parsed.expanded_terms,
            "saved_query": saved_query,
            "save_form": SavedSearchForm(
                initial={"query": saved_query, "frequency": SavedSearch.Frequency.WEEKLY}
            ),
        },
    )


@kept_per_reader
def case_study_detail(request, slug):
    case_study = selectors.case_study_detail(user=request.user, slug=slug)
    if case_study is None:
        # Unknown, or a draft this user may not see: the same answer, so drafts do not leak.
        raise Http404("No case study by that name.")
    return render(
        request,
        "casestudies/case_study_detail.html",
        {
            "case_study": case_study,
            "related": list(selectors.related_case_studies(case_study, user=request.user)),
        },
    )


@require_GET
def case_study_pdf(request, slug):
    """The case study as a PDF to take to a meeting, with its source and the date: anyone
    for a published one; a draft for those who may see it."""
    case_study = selectors.case_study_detail(user=request.user, slug=slug)
    if case_study is None:
        raise Http404("No case study by that name.")
    url = request.build_absolute_uri(reverse("casestudies:detail", kwargs={"slug": slug}))
    html = render_to_string(
        "casestudies/case_study_pdf.html",
        {
            "case_study": case_study,
            "sections": [
                (name, heading, getattr(case_study, name))
                for name, (heading, _) in SECTIONS.items()
            ],
            "url": url,
            "now": timezone.now(),
        },
    )
    response = HttpResponse(html_to_pdf(html, base_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{slug}.pdf"'
    if case_study.status != CaseStudy.Status.PUBLISHED:
        response["Cache-Control"] = "private, no-store"
    return response


def intervention_list(request):
    form = InterventionBrowseForm(request.GET)
    criteria = form.criteria()
    search = selectors.intervention_search(criteria=criteria)
    page, page_notice = paginate(
        request, search.results.prefetch_related(selectors.reported_outcomes()), PER_PAGE
    )
    return render(
        request,
        "casestudies/intervention_list.html",
        {
            "form": form,
            "criteria": criteria,
            "facets": _with_errors(search.facets, form),
            "page": page,
            "pagination": pagination_links(page, request.GET),
            "page_notice": page_notice,
            "active_filters": _active_filters(form, request.GET),
            "remove_search_href": remove_filter_href(request.GET, "q") if criteria.q else "",
            "expanded_terms": search.parsed.expanded_terms,
            "sorts": [(key, label) for key, (label, _) in selectors.INTERVENTION_SORTS.items()],
        },
    )


def intervention_detail(request, slug):
    intervention = selectors.intervention_detail(slug)
    if intervention is None:
        raise Http404("No intervention by that name.")
    prefetch_related_objects([intervention], selectors.reported_outcomes())
    case_studies, awards = selectors.intervention_uses(intervention, user=request.user)
    return render(
        request,
        "casestudies/intervention_detail.html",
        {
            "intervention": intervention,
            "headline_outcomes": selectors.intervention_headline_outcomes(intervention),
            "reporting_case_studies_shown": selectors.REPORTING_CASE_STUDIES_SHOWN,
            "case_studies": case_studies,
            "awards": awards,
            # Plans count as use (docs/decisions/0028).
            "plan_items": plan_items_delivering(intervention, user=request.user),
        },
    )


def methodology(request):
    """The strength-of-evidence scale and the rule that sets each record's level."""
    counts = selectors.evidence_level_counts()
    return render(
        request,
        "casestudies/methodology.html",
        {
            "levels": [(level, counts[level.number]) for level in evidence.LEVELS],
            "statuses": evidence.EvaluationStatus.choices,
            "designs": evidence.EvaluationDesign.choices,
            "evaluators": evidence.EvaluatedBy.choices,
            "cost_bands": cost.CostBand.choices,
        },
    )
