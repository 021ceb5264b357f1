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
    return package_of(grants, issued=issued, left_out=left_out)


def package_of(grants: list[dict[str, Any]], *, issued: datetime, left_out: int) -> dict[str, Any]:
    """A package of ``grants``; ``left_out`` awards could not be grants."""
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


#: What a grant reads of an award, as values() names it (grant_from_values).
GRANT_COLUMNS = (
    "pk",
    "slug",
    "title",
    "purpose",
    "amount",
    "amount_is_minimum",
    "amount_text",
    "awarded_on",
    "awarded_on_precision",
    "starts_on",
    "ends_on",
    "modified_at",
    "stream__slug",
    "stream__name",
    "stream__funder_id",
    "stream__funder__slug",
    "stream__funder__name",
    "stream__funder__org_identifier",
    "recipient_organisation_id",
    "recipient_organisation__slug",
    "recipient_organisation__name",
    "recipient_partnership_id",
    "recipient_partnership__slug",
    "recipient_partnership__name",
)
#: What a grant reads of each recipient borough.
BOROUGH_COLUMNS = ("slug", "name", "gss_code", "kind")


def grant(award: Award, *, prefix: str) -> dict[str, Any]:
    """The award (with its stream, funder, recipients and boroughs) as a grant."""
    stream, funder = award.stream, award.stream.funder
    organisation, partnership = award.recipient_organisation, award.recipient_partnership
    row = {
        **{name: getattr(award, name) for name in GRANT_COLUMNS if "__" not in name},
        "stream__slug": stream.slug,
        "stream__name": stream.name,
        "stream__funder_id": stream.funder_id,
        "stream__funder__slug": funder.slug if funder else None,
        "stream__funder__name": funder.name if funder else None,
        "stream__funder__org_identifier": funder.org_identifier if funder else None,
        "recipient_organisation__slug": organisation.slug if organisation else None,
        "recipient_organisation__name": organisation.name if organisation else None,
        "recipient_partnership__slug": partnership.slug if partnership else None,
        "recipient_partnership__name": partnership.name if partnership else None,
    }
    boroughs = [
        {name: getattr(borough, name) for name in BOROUGH_COLUMNS}
        for borough in award.recipient_boroughs.all()
    ]
    return grant_from_values(row, boroughs, prefix=prefix)


def grant_from_values(
    award: dict[str, Any], boroughs: list[dict[str, Any]], *, prefix: str
) -> dict[str, Any]:
    """A grant from a values() row of GRANT_COLUMNS and the award's recipient boroughs
    (BOROUGH_COLUMNS, by name): a page of the package without a model instance per
    award, stream, funder, recipient and borough."""
    if award["amount"] is None or award["awarded_on"] is None:  # the callers leave these out
        raise ValueError(f"Award {award['slug']} states no amount or date: it is not a grant")
    has_funder = award["stream__funder_id"] is not None
    awarded_on = award["awarded_on"]
    data = {
        "id": f"{prefix}-{award['slug']}",
        "title": award["title"],
        "description": award["purpose"] or award["title"],
        "currency": "GBP",
        "amountAwarded": float(award["amount"]),
        "awardDate": awarded_on.isoformat(),
        "recipientOrganization": recipients(award, boroughs, prefix=prefix),
        "fundingOrganization": [
            {
                "id": (
                    award["stream__funder__org_identifier"]
                    or f"{prefix}-org-{award['stream__funder__slug']}"
                )
                if has_funder
                else f"{prefix}-org-unknown-funder",
                "name": award["stream__funder__name"]
                if has_funder
                else "Funder not stated in the source",
            }
        ],
        "grantProgramme": [{"code": award["stream__slug"], "title": award["stream__name"]}],
        "dateModified": award["modified_at"].isoformat(),
    }
    if award["amount_is_minimum"]:
        data["description"] += f" The source states the amount as {award['amount_text']}."
    if award["awarded_on_precision"] == "year":
        data["description"] += f" Awarded in {awarded_on:%Y}; the source gives only the year."
    elif award["awarded_on_precision"] == "month":
        data["description"] += f" Awarded in {awarded_on:%B %Y}; the source gives only the month."
    if award["starts_on"] or award["ends_on"]:
        dates = {}
        if award["starts_on"]:
            dates["startDate"] = award["starts_on"].isoformat()
        if award["ends_on"]:
            dates["endDate"] = award["ends_on"].isoformat()
        data["plannedDates"] = [dates]
    locations = [
        {
            "name": borough["name"],
            "geoCode": borough["gss_code"],
            "geoCodeType": GEO_CODE_TYPES.get(borough["gss_code"][:3]),
            "countryCode": "GB",
        }
        for borough in boroughs
    ]
    if locations:
        data["beneficiaryLocation"] = locations
    return data


def recipients(award, boroughs, *, prefix):
    if award["recipient_organisation_id"] is not None:
        slug, name = award["recipient_organisation__slug"], award["recipient_organisation__name"]
        return [{"id": f"{prefix}-org-{slug}", "name": name}]
    if award["recipient_partnership_id"] is not None:
        slug, name = award["recipient_partnership__slug"], award["recipient_partnership__name"]
        return [{"id": f"{prefix}-org-{slug}", "name": name}]
    return [
        {"id": f"{prefix}-org-{borough['slug']}", "name": f"{borough['name']} Council"}
        if borough["kind"] != "combined_authority"
        else {"id": f"{prefix}-org-{borough['slug']}", "name": borough["name"]}
        for borough in boroughs
    ] or [{"id": f"{prefix}-org-unknown-recipient", "name": "Recipient not stated in the source"}]
