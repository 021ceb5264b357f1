"""Stock-take analysis for analysts: the summary per question and the borough matrix."""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from boroughs.models import Borough, PublishedTotal, StockTakeAnswer, StockTakeQuestion
from boroughs.selectors import StockTakeSummary, stock_take_matrix, stock_take_summary
from core.api.views import record_action

from .serializers import BoroughRefSerializer


class OptionCountSerializer(serializers.Serializer):
    option = serializers.SlugField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    count = serializers.IntegerField(help_text="Covered boroughs with this answer recorded.")


class PublishedTotalSerializer(serializers.Serializer):
    option = serializers.SlugField(
        allow_null=True, help_text="Empty when it counts several answers."
    )
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    count = serializers.IntegerField(
        allow_null=True, help_text="Null when the source gives no number; see quantity."
    )
    quantity = serializers.CharField(
        allow_blank=True,
        help_text="The source's words for a total without a number (“Nearly all”).",
    )
    denominator = serializers.IntegerField()
    quote = serializers.CharField()
    source_section = serializers.CharField()


class QuestionSummarySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    slug = serializers.SlugField()
    text = serializers.CharField()
    answers = OptionCountSerializer(many=True)
    recorded = serializers.IntegerField(help_text="Covered boroughs with any answer recorded.")
    denominator = serializers.IntegerField(help_text="Boroughs the round covers.")
    boroughs_without_answer = BoroughRefSerializer(many=True)
    published_totals = PublishedTotalSerializer(many=True)


class StockTakeRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    conducted_on = serializers.DateField(allow_null=True)
    coverage_region = serializers.CharField()


class StockTakeSummarySerializer(serializers.Serializer):
    stock_take = StockTakeRefSerializer()
    denominator = serializers.IntegerField()
    questions = QuestionSummarySerializer(many=True)


class MatrixQuestionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    slug = serializers.SlugField()
    text = serializers.CharField()


class MatrixCellSerializer(serializers.Serializer):
    question = serializers.SlugField()
    option = serializers.SlugField(allow_null=True)
    label = serializers.CharField(allow_null=True)  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    quote = serializers.CharField(allow_blank=True)


class MatrixRowSerializer(serializers.Serializer):
    borough = BoroughRefSerializer()
    answers = MatrixCellSerializer(many=True)


class StockTakeMatrixSerializer(serializers.Serializer):
    stock_take = StockTakeRefSerializer()
    questions = MatrixQuestionSerializer(many=True)
    rows = MatrixRowSerializer(many=True)


def summary_data(summary):
    return {
        "stock_take": summary.stock_take,
        "denominator": summary.denominator,
        "questions": [
            {
                "number": item.question.number,
                "slug": item.question.slug,
                "text": item.question.text,
                "answers": [
                    {"option": option.slug, "label": option.label, "count": count}
                    for option, count in item.counts
                ],
                "recorded": item.recorded,
                "denominator": summary.denominator,
                "boroughs_without_answer": item.boroughs_without_answer,
                "published_totals": [
                    {
                        "option": total.option.slug if total.option else None,
                        "label": total.label,
                        "count": total.count,
                        "quantity": total.quantity,
                        "denominator": total.denominator,
                        "quote": total.quote,
                        "source_section": total.source_section,
                    }
                    for total in item.published_totals
                ],
            }
            for item in summary.questions
        ],
    }


def summary_csv_rows(summary: StockTakeSummary) -> Iterator[dict[str, Any]]:
    """A row per question and answer, then a row per published total that counts several."""
    for item in summary.questions:
        base = {
            "question_number": item.question.number,
            "question": item.question.text,
        }
        by_option: dict[int | None, list[PublishedTotal]] = {}
        for total in item.published_totals:
            by_option.setdefault(total.option_id, []).append(total)
        for option, count in item.counts:
            published = next(iter(by_option.get(option.pk, [])), None)
            yield {
                **base,
                "answer": option.label,
                "recorded_count": count,
                "denominator": summary.denominator,
                "boroughs_without_answer": len(item.boroughs_without_answer),
                **_published_columns(published),
            }
        for total in by_option.get(None, []):
            yield {
                **base,
                "answer": total.label,
                "recorded_count": None,
                "denominator": summary.denominator,
                "boroughs_without_answer": len(item.boroughs_without_answer),
                **_published_columns(total),
            }


def _published_columns(total):
    return {
        "published_count": total.count if total else None,
        "published_quantity": total.quantity if total else "",
        "published_denominator": total.denominator if total else None,
        "published_quote": total.quote if total else "",
        "source_section": total.source_section if total else "",
    }


def matrix_data(stock_take, questions, rows):
    return {
        "stock_take": stock_take,
        "questions": questions,
        "rows": [
            {
                "borough": borough,
                "answers": [
                    {
                        "question": question.slug,
                        "option": answer.option.slug if answer else None,
                        "label": answer.option.label if answer else None,
                        "quote": answer.quote if answer else "",
                    }
                    for question, answer in zip(questions, answers, strict=True)
                ],
            }
            for borough, answers in rows
        ],
    }


def matrix_csv_rows(
    questions: Sequence[StockTakeQuestion],
    rows: Iterable[tuple[Borough, Sequence[StockTakeAnswer | None]]],
) -> Iterator[dict[str, Any]]:
    for borough, answers in rows:
        row = {"borough": borough.name, "gss_code": borough.gss_code}
        for question, answer in zip(questions, answers, strict=True):
            row[question.slug] = answer.option.label if answer else ""
        yield row


class StockTakeAnalysisMixin:
    """The analyst endpoints of a stock-take round, in JSON or CSV."""

    @extend_schema(
        summary="Answers per question over the boroughs the round covers",
        responses=StockTakeSummarySerializer,
    )
    @record_action(methods=["get"])
    def summary(self, request, slug=None):
        summary = stock_take_summary(self.get_object())
        if request.accepted_renderer.format == "csv":
            return self.csv_download(summary_csv_rows(summary), f"{slug}-summary")
        return Response(StockTakeSummarySerializer(summary_data(summary)).data)

    @extend_schema(
        summary="A row per borough, a column per question", responses=StockTakeMatrixSerializer
    )
    @record_action(methods=["get"])
    def matrix(self, request, slug=None):
        stock_take = self.get_object()
        questions, rows = stock_take_matrix(stock_take)
        if request.accepted_renderer.format == "csv":
            return self.csv_download(matrix_csv_rows(questions, rows), f"{slug}-matrix")
        return Response(StockTakeMatrixSerializer(matrix_data(stock_take, questions, rows)).data)
