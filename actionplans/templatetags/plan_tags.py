from django import template

from actionplans.models import ItemStatus

register = template.Library()

#: The same colours as the plan-progress chart (svportal.pages.STATUS_COLOURS), so a
#: status looks the same on every page.
STATUS_TAG_COLOURS = {
    ItemStatus.NOT_STARTED: "govuk-tag--grey",
    ItemStatus.ON_TRACK: "govuk-tag--blue",
    ItemStatus.AT_RISK: "govuk-tag--orange",
    ItemStatus.OFF_TRACK: "govuk-tag--red",
    ItemStatus.COMPLETE: "govuk-tag--green",
    ItemStatus.CANCELLED: "govuk-tag--purple",
}


@register.filter
def status_tag_class(status):
    """The GOV.UK tag colour for an item status."""
    return STATUS_TAG_COLOURS.get(status, "govuk-tag--grey")


@register.filter
def overdue_on(item, today):
    return item.is_overdue(today)


FIELD_LABELS = {"due_date": "Due date", "last_refreshed_on": "Date last refreshed"}


@register.simple_tag
def describe_change(field, values):
    """One line of history in words: "Status: On track → At risk"."""
    from actionplans.models import ItemStatus

    if field == "created":
        return f"Added “{values.get('to')}”"
    label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())

    def shown(value):
        if value in (None, "", []):
            return "—"
        if isinstance(value, list):  # the interventions an item delivers, by name
            return "; ".join(str(part) for part in value)
        if field == "status" and value in ItemStatus.values:
            return ItemStatus(value).label
        if field == "progress":
            return f"{value}%"
        return str(value)

    return f"{label}: {shown(values.get('from'))} → {shown(values.get('to'))}"
