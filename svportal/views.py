from django.shortcuts import render

from .selectors import funding_ending_soon, home_figures, latest_case_studies


def home(request):
    return render(
        request,
        "home.html",
        {
            "figures": home_figures(),
            "latest_case_studies": latest_case_studies(),
            "funding_ending_soon": funding_ending_soon(),
        },
    )
