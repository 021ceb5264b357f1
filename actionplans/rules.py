"""Who may read and change plans and items.

Everyone reads plans that are not drafts; a draft only its borough's officers and leads
(for a partnership's plan, its member boroughs'), analysts and editors — the same rule as
ActionPlan.objects.visible_to, for one plan. Only the borough's lead, and editors, change
plans and items."""

import rules

from boroughs.roles import boroughs_of, is_analyst, is_editor, is_lead_of


@rules.predicate
def leads_the_plans_borough(user, plan):
    return plan is not None and is_lead_of(user, plan.borough)


@rules.predicate
def leads_the_items_borough(user, item):
    return item is not None and is_lead_of(user, item.plan.borough)


@rules.predicate
def is_not_a_draft(user, plan):
    from .models import ActionPlan

    return plan is not None and plan.status != ActionPlan.Status.DRAFT


@rules.predicate
def works_for_the_plans_borough(user, plan):
    own = boroughs_of(user)
    if plan is None or not own:
        return False
    if plan.borough_id in own:
        return True
    return plan.partnership_id is not None and plan.partnership.members.filter(pk__in=own).exists()


rules.add_perm(
    "actionplans.view_actionplan",
    is_not_a_draft | is_editor | is_analyst | works_for_the_plans_borough,
)
rules.add_perm("actionplans.change_actionplan", is_editor | leads_the_plans_borough)
# Adding an item is a change to the plan it belongs to.
rules.add_perm("actionplans.add_actionitem", is_editor | leads_the_plans_borough)
rules.add_perm("actionplans.change_actionitem", is_editor | leads_the_items_borough)
