"""The lead's page for answering the current stock-take round for their borough."""

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from .models import Borough, StockTake, StockTakeAnswer
from .services import stock_take_answer_record


class AnswerForm(forms.Form):
    """One question: the answer and the evidence for it."""

    option = forms.ChoiceField(
        widget=forms.RadioSelect, error_messages={"required": "Select an answer"}
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
        help_text="What shows this: a strategy, a plan, a partnership agreement.",
        error_messages={"required": "Enter the evidence for this answer"},
    )

    def __init__(self, *args, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.options = {option.slug: option for option in question.options.all()}
        self.fields["option"].label = question.text
        self.fields["option"].choices = [(slug, o.label) for slug, o in self.options.items()]


@login_required
@require_http_methods(["GET", "POST"])
def answer_stock_take(request, slug, round_slug):
    borough = get_object_or_404(Borough, slug=slug)
    stock_take = get_object_or_404(StockTake, slug=round_slug)
    if not stock_take.is_current or borough.region != stock_take.coverage_region:
        raise Http404("This round is not open to this borough.")
    if not request.user.has_perm("boroughs.answer_stocktake", borough):
        raise PermissionDenied(f"Only {borough.name}'s lead can answer for {borough.name}.")
    questions = list(stock_take.questions.prefetch_related("options"))
    existing = {
        answer.question_id: answer
        for answer in StockTakeAnswer.objects.filter(
            question__in=questions, borough=borough
        ).select_related("option")
    }
    data = request.POST if request.method == "POST" else None
    answer_forms = [
        AnswerForm(
            data,
            question=question,
            prefix=f"q{question.number}",
            initial={
                "option": existing[question.pk].option.slug,
                "evidence": existing[question.pk].evidence,
            }
            if question.pk in existing
            else None,
        )
        for question in questions
    ]
    if data is not None and all(form.is_valid() for form in answer_forms):
        try:
            with transaction.atomic():
                for form in answer_forms:
                    stock_take_answer_record(
                        question=form.question,
                        borough=borough,
                        option=form.options[form.cleaned_data["option"]],
                        evidence=form.cleaned_data["evidence"],
                        acting_user=request.user,
                    )
        except ValidationError as error:
            answer_forms[0].add_error(None, " ".join(error.messages))
        else:
            messages.success(request, f"{borough.name}'s answers to {stock_take.title} are saved.")
            return redirect("boroughs:stock-take-answer", slug=slug, round_slug=round_slug)
    has_errors = any(form.errors for form in answer_forms)
    return render(
        request,
        "boroughs/answer_stock_take.html",
        {
            "borough": borough,
            "stock_take": stock_take,
            "forms": answer_forms,
            "has_errors": has_errors,
        },
        status=HTTPStatus.BAD_REQUEST if has_errors else HTTPStatus.OK,
    )
