"""Records of the real data the test database starts with (fixtures/), and the changes to it
that more than one test module makes."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from actionplans.models import ActionItem, ActionPlan, Framework
from actionplans.tests.factories import ActionItemFactory, ActionPlanFactory
from boroughs.models import Borough, Partnership
from boroughs.roles import role_grant

#: The one plan of the real data, Westminster's, and its 40 items.
WESTMINSTER_PLAN = "westminster-knife-crime-action-plan-2019"
WESTMINSTER_ITEM_COUNT = 40
#: The plans add_two_plans adds.
REDBRIDGE_PLAN = "redbridge-serious-violence-plan-2018"
SUSSEX_DRAFT_PLAN = "sussex-reboot-draft-plan"


def set_due(slug, due_date, **changes):
    ActionItem.objects.filter(plan__slug=WESTMINSTER_PLAN, slug=slug).update(
        due_date=due_date, **changes
    )


def set_due_dates():
    """Due dates on seven of Westminster's items (the real data has none); three of them are
    overdue. Returns today."""
    today = timezone.localdate()
    set_due("wkcap-future-days-of-action", dt.date(2019, 6, 30), status="cancelled")
    set_due("wkcap-gps-tagging-pilot", dt.date(2019, 12, 31))  # not started
    set_due("wkcap-open-drug-markets", dt.date(2020, 3, 1), status="at_risk")
    set_due("wkcap-public-health-approach", today - dt.timedelta(days=2))  # complete
    set_due("wkcap-robbery-squad", today - dt.timedelta(days=1))  # on track
    set_due("wkcap-mash", today)  # on track, due today: not yet overdue
    set_due("wkcap-victim-analysis", today + dt.timedelta(days=30))
    return today


def sign_in_an_analyst(client):
    """The client signed in as an analyst, who reads every plan, drafts included."""
    user = get_user_model().objects.create_user("plans-analyst")
    role_grant(user=user, role="analyst")
    client.force_login(user)
    return client


def add_two_plans():
    """Redbridge's superseded plan (3 items) and a Sussex partnership's draft plan (no
    borough). The draft is visible only to analysts, editors and the partnership's boroughs'
    staff."""
    redbridge = ActionPlanFactory(
        slug=REDBRIDGE_PLAN,
        title="Redbridge Serious Violence Plan",
        borough=Borough.objects.get(slug="redbridge"),
        framework=Framework.objects.get(slug="prevent-protect-prepare-pursue"),
        status=ActionPlan.Status.SUPERSEDED,
        overseen_by="Redbridge Community Safety Partnership",
        last_refreshed_on=dt.date(2018, 3, 1),
    )
    theme = redbridge.framework.themes.get(slug="prevent")
    ActionItemFactory.create_batch(3, plan=redbridge, theme=theme)
    sussex = ActionPlanFactory(
        slug=SUSSEX_DRAFT_PLAN,
        title="Sussex Reboot Delivery Plan",
        borough=None,
        partnership=Partnership.objects.get(slug="sussex-reboot"),
        framework=Framework.objects.get(slug="serious-violence-strategy-2018"),
        status=ActionPlan.Status.DRAFT,
        overseen_by="Sussex Violence Reduction Partnership",
        last_refreshed_on=dt.date(2020, 9, 1),
    )
    return {"redbridge": redbridge.slug, "sussex": sussex.slug}


def an_analyst_reads_two_plans_more(client):
    """An analyst signed in, and Redbridge's and Sussex's plans beside Westminster's."""
    sign_in_an_analyst(client)
    return add_two_plans()
