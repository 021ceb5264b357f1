"""Writes on the ground floor: a lead's answers to the current stock-take round."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import Borough, StockTakeAnswer, StockTakeOption, StockTakeQuestion


@transaction.atomic
def stock_take_answer_record(
    *,
    question: StockTakeQuestion,
    borough: Borough,
    option: StockTakeOption | None,
    evidence: str | None,
    acting_user: Any,  # settings.AUTH_USER_MODEL, which lives on a floor above
) -> StockTakeAnswer:
    """Record (or change) the borough's answer to one question of the current round."""
    if not acting_user.has_perm("boroughs.answer_stocktake", borough):
        raise PermissionDenied(f"Only {borough.name}'s lead can answer for {borough.name}.")
    stock_take = question.stock_take
    if not stock_take.is_current:
        raise ValidationError(
            {"question": f"{stock_take.title} is closed: only the current round takes answers."}
        )
    if borough.region != stock_take.coverage_region:
        raise ValidationError({"borough": f"{stock_take.title} does not cover {borough.name}."})
    if option is None or option.question_id != question.pk:
        raise ValidationError({"option": "Select an answer to this question"})
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": "Enter the evidence for this answer"})
    answer = StockTakeAnswer.objects.filter(question=question, borough=borough).first()
    if answer is None:
        answer = StockTakeAnswer(question=question, borough=borough)
    answer.option, answer.evidence, answer.answered_by = option, evidence, acting_user
    answer.full_clean()
    answer.save()
    return answer
