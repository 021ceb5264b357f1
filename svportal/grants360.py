"""Awards as a 360Giving Data Standard (1.4) package.

Grant identifiers are the configured prefix and the award's slug. Organisations
without an official identifier (a charity number, a local authority register
code) get one under the same prefix, as the standard's guidance allows.
"""

from datetime import datetime
from typing import Any

from funding.models import Award

#: 360Giving geoCodeType for each kind of ONS GSS code (codelist geoCodeType.csv).
GEO_CODE_TYPES = {
    "E06": "UA",
    "E07": "NMD",
    "E08": "MD",
    "E09": "LONB",
    "E10": "CTY",
    "W06": "UA",
}


def grants_package(awards, *, prefix, issued: datetime, left_out=0):
    """A package of the awards that can be grants: those with a stated amount and date.
    `left_out`: how many others were left out before these (a page of the package)."""
    grants = []
    for award in awards:
        if award.amount is None or award.awarded_on is None:
            left_out += 1
            continue
        grants.append(grant(award, prefix=prefix))
    description = "Funding awards for work on knife crime and serious youth violence."
    if left_out:
        description += (
            f" {left_out} further award{'s' if left_out != 1 else ''} whose amount or award "
            "date the sources do not state cannot be expressed as 360Giving grants and "
            "are in the portal's awards list."
        )
    return {
        "version": "1.4",
        "title": "SV Portal awards",
        "description": description,
        "issued": issued.isoformat(),
        "grants": grants,
    }


def grant(award: Award, *, prefix: str) -> dict[str, Any]:
    if award.amount is None or award.awarded_on is None:  # the callers leave these out
        raise ValueError(f"Award {award.slug} states no amount or date: it is not a grant")
    funder = award.stream.funder
    data = {
        "id": f"{prefix}-{award.slug}",
        "title": award.title,
        "description": award.purpose or award.title,
        "currency": "GBP",
        "amountAwarded": float(award.amount),
        "awardDate": award.awarded_on.isoformat(),
        "recipientOrganization": recipients(award, prefix=prefix),
        "fundingOrganization": [
            {
                "id": (funder.org_identifier or f"{prefix}-org-{funder.slug}")
                if funder
                else f"{prefix}-org-unknown-funder",
                "name": funder.name if funder else "Funder not stated in the source",
            }
        ],
        "grantProgramme": [{"code": award.stream.slug, "title": award.stream.name}],
        "dateModified": award.modified_at.isoformat(),
    }
    if award.amount_is_minimum:
        data["description"] += f" The source states the amount as {award.amount_text}."
    if award.awarded_on_precision == "year":
        data["description"] += f" Awarded in {award.awarded_on:%Y}; the source gives only the year."
    elif award.awarded_on_precision == "month":
        data["description"] += (
            f" Awarded in {award.awarded_on:%B %Y}; the source gives only the month."
        )
    if award.starts_on or award.ends_on:
        dates = {}
        if award.starts_on:
            dates["startDate"] = award.starts_on.isoformat()
        if award.ends_on:
            dates["endDate"] = award.ends_on.isoformat()
        data["plannedDates"] = [dates]
    locations = [
        {
            "name": borough.name,
            "geoCode": borough.gss_code,
            "geoCodeType": GEO_CODE_TYPES.get(borough.gss_code[:3]),
            "countryCode": "GB",
        }
        for borough in award.recipient_boroughs.all()
    ]
    if locations:
        data["beneficiaryLocation"] = locations
    return data


def recipients(award, *, prefix):
    if award.recipient_organisation:
        organisation = award.recipient_organisation
        return [{"id": f"{prefix}-org-{organisation.slug}", "name": organisation.name}]
    if award.recipient_partnership:
        partnership = award.recipient_partnership
        return [{"id": f"{prefix}-org-{partnership.slug}", "name": partnership.name}]
    return [
        {"id": f"{prefix}-org-{borough.slug}", "name": f"{borough.name} Council"}
        if borough.kind != "combined_authority"
        else {"id": f"{prefix}-org-{borough.slug}", "name": borough.name}
        for borough in award.recipient_boroughs.all()
    ] or [{"id": f"{prefix}-org-unknown-recipient", "name": "Recipient not stated in the source"}]
