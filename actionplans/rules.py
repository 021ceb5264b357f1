"""Who may change plans and items: the borough's lead, and editors. Nobody else."""

import rules

from boroughs.roles import is_editor, is_lead_of


@rules.predicate
def leads_the_plans_borough(user, plan):
    return plan is not None and is_lead_of(user, plan.borough)


@rules.predicate
def leads_the_items_borough(user, item):
    return item is not None and is_lead_of(user, item.plan.borough)


rules.add_perm("actionplans.change_actionplan", is_editor | leads_the_plans_borough)
# Adding an item is a change to the plan it belongs to.
rules.add_perm("actionplans.add_actionitem", is_editor | leads_the_plans_borough)
rules.add_perm("actionplans.change_actionitem", is_editor | leads_the_items_borough)
