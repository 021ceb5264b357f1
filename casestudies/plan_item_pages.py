"""The page where a borough's lead picks the interventions a plan item delivers
(casestudies.plan_items; linked from the item's page and its edit page)."""

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_http_methods

from actionplans.models import ActionItem

from .models import Intervention
from .plan_items import plan_item_interventions_set


class DeliveredInterventionsForm(forms.Form):
    interventions = forms.ModelMultipleChoiceField(
        queryset=Intervention.objects.order_by("name"),
        to_field_name="slug",
        label="Interventions this item delivers",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Tick only interventions in the list",
            "invalid_pk_value": "Tick only interventions in the list",
        },
    )

    def options(self, ticked):
        """(slug, "name (level n of 5)", ticked) for each intervention, by name."""
        return [
            (
                intervention.slug,
                f"{intervention.name} (evidence level {intervention.evidence_level} of 5)",
                intervention.slug in ticked,
            )
            for intervention in self.fields["interventions"].queryset.only(
                "slug", "name", "evidence_level"
            )
        ]


@login_required
@require_http_methods(["GET", "POST"])
def plan_item_interventions(request, pk):
    item = get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related("plan__borough"), pk=pk
    )
    if not request.user.has_perm("actionplans.change_actionitem", item):
        raise PermissionDenied("Only the borough's lead can change this item.")
    current = set(item.intervention_links.values_list("intervention__slug", flat=True))
    if request.method == "POST":
        form = DeliveredInterventionsForm(request.POST)
        if form.is_valid():
            chosen = plan_item_interventions_set(
                item=item,
                interventions=form.cleaned_data["interventions"],
                acting_user=request.user,
            )
            messages.success(
                request,
                f"“{item.title}” now delivers {len(chosen)} intervention{pluralize(len(chosen))}.",
            )
            return redirect("actionplans:item", pk=item.pk)
        ticked = set(request.POST.getlist("interventions"))
    else:
        form = DeliveredInterventionsForm(initial={"interventions": sorted(current)})
        ticked = current
    return render(
        request,
        "casestudies/plan_item_interventions.html",
        {"item": item, "form": form, "options": form.options(ticked)},
        status=HTTPStatus.BAD_REQUEST if form.errors else HTTPStatus.OK,
    )
