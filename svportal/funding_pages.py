"""A funding stream's page: its awards (funding) and the case studies they funded
(casestudies), which is why it lives on the floor above both."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render

from casestudies.models import CaseStudy
from funding import selectors


def stream_detail(request, slug):
    stream = selectors.stream_detail(slug)
    if stream is None:
        raise Http404("No funding stream by that name.")
    funded_case_studies = Prefetch(
        "case_studies",
        queryset=CaseStudy.objects.published().order_by("title"),
        to_attr="published_case_studies",
    )
    return render(
        request,
        "funding/stream_detail.html",
        {
            "stream": stream,
            "total": selectors.stream_total_display(stream),
            "awards": list(selectors.stream_awards(stream).prefetch_related(funded_case_studies)),
        },
    )
