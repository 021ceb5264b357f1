"""An organisation's page: what the portal records of a provider or partner (boroughs),
the interventions it provides and the case studies that use them (casestudies), and the
awards it received (funding), which is why it lives on the floor above all three."""

from django.http import Http404
from django.shortcuts import render

from boroughs.models import Organisation
from casestudies.models import CaseStudy
from funding.models import Award


def organisation_detail(request, slug):
    """Six queries whatever the organisation's records: the organisation with its source,
    its interventions with theirs, its awards with their stream, funder, recipients and
    source (two), and the case studies those awards funded that the user may see."""
    organisation = Organisation.objects.select_related("source").filter(slug=slug).first()
    if organisation is None:
        raise Http404("No organisation by that name.")
    interventions = organisation.interventions.select_related("source").order_by("name")
    awards = list(
        Award.objects.for_listing()
        .filter(recipient_organisation=organisation)
        .order_by("stream__name", "-awarded_on", "title")
    )
    case_studies = (
        CaseStudy.objects.visible_to(request.user)
        .filter(
            pk__in=CaseStudy.awards.through.objects.filter(award__in=awards).values("casestudy_id")
        )
        .select_related("source")
        .order_by("title")
    )
    return render(
        request,
        "svportal/organisation_detail.html",
        {
            "organisation": organisation,
            "interventions": list(interventions),
            "awards": awards,
            "case_studies": list(case_studies),
        },
    )
