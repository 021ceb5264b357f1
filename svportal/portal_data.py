"""Load the real data extracted from the seed documents (``fixtures/*.json``).

Every file is read and every record validated with the models' own rules inside
one transaction: a malformed record names its file and place and nothing is
loaded. Records are matched on their natural keys (slugs), so a second run
finds everything in place and writes nothing.

By default records that already exist are left as they are, because leads and
editors change them in the portal (an item's status, a case study's text);
``refresh=True`` brings existing records back in line with the fixtures.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models, transaction

from actionplans.models import ActionItem, ActionPlan, Framework, Theme
from boroughs.models import (
    Borough,
    Organisation,
    Partnership,
    PublishedTotal,
    Source,
    StockTake,
    StockTakeAnswer,
    StockTakeOption,
    StockTakeQuestion,
)
from casestudies.models import (
    Approach,
    CaseStudy,
    Intervention,
    Outcome,
    PlanItemIntervention,
    Setting,
)
from core import search
from core.models import SourcedModel
from funding.models import Award, Funder, FundingStream


class FixtureError(Exception):
    """A fixture that cannot be loaded, with the file and record it is in."""

    def __init__(self, path, place, message):
        self.path, self.place, self.message = path, place, message
        location = f"{path.name}: {place}" if place else path.name
        super().__init__(f"{location}: {message}")


class RecordError(ValueError):
    """What is wrong with one record, in words for the person fixing the file."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self):
        return sum(self.created.values()) + sum(self.updated.values())


@dataclass(frozen=True)
class Reference:
    """A fixture key that names another record by its natural key."""

    field: str
    model: type
    lookup: str = "slug"


@dataclass(frozen=True)
class Kind:
    """How one list in a fixture file maps onto a model."""

    name: str
    model: type
    scalars: tuple = ()
    references: dict = field(default_factory=dict)
    many: dict = field(default_factory=dict)
    extra_keys: tuple = ()


#: How a case study or intervention was evaluated (casestudies.evidence); its level is
#: derived from these by the portal's rule, never loaded.
EVIDENCE_FIELDS = (
    "evaluation_status",
    "evaluated_by",
    "evaluation_design",
    "evidence_quote",
    "evidence_section",
    # What it cost (casestudies.cost); the band is derived, never loaded.
    "cost_per_participant",
    "cost_quote",
    "cost_benefit_ratio",
    "cost_benefit_quote",
)

# The order in which kinds load: everything a record refers to loads before it.
AREA = Kind(
    "areas",
    Borough,
    scalars=("name", "gss_code", "kind", "region", "police_force"),
    # A district names the county councils and combined authorities that cover it; they
    # are declared in a file that loads before it (areas.json).
    many={"within": Reference("covering_areas", Borough)},
)
ORGANISATION = Kind(
    "organisations", Organisation, scalars=("name", "kind", "website", "description")
)
PARTNERSHIP = Kind(
    "partnerships",
    Partnership,
    scalars=("name", "kind", "description", "website"),
    many={"members": Reference("members", Borough)},
)
FUNDER = Kind("funders", Funder, scalars=("name", "kind", "website", "org_identifier"))
FUNDING_STREAM = Kind(
    "funding_streams",
    FundingStream,
    scalars=(
        "name",
        "description",
        "total_amount",
        "total_is_minimum",
        "total_text",
        "starts_on",
        "starts_on_precision",
        "ends_on",
        "ends_on_precision",
        "website",
    ),
    references={"funder": Reference("funder", Funder)},
)
AWARD = Kind(
    "awards",
    Award,
    scalars=(
        "title",
        "amount",
        "amount_is_minimum",
        "amount_text",
        "awarded_on",
        "awarded_on_precision",
        "starts_on",
        "ends_on",
        "purpose",
    ),
    references={
        "stream": Reference("stream", FundingStream),
        "recipient_partnership": Reference("recipient_partnership", Partnership),
        "recipient_organisation": Reference("recipient_organisation", Organisation),
    },
    many={"recipient_areas": Reference("recipient_boroughs", Borough)},
)
INTERVENTION = Kind(
    "interventions",
    Intervention,
    scalars=(
        "name",
        "description",
        "category",
        "prevention_level",
        "min_age",
        "max_age",
        "evidence_url",
        *EVIDENCE_FIELDS,
    ),
    many={
        "settings": Reference("settings", Setting),
        "providers": Reference("providers", Organisation),
    },
)
FRAMEWORK = Kind(
    "frameworks",
    Framework,
    scalars=("name", "description"),
    references={"owner": Reference("owner", Borough)},
    extra_keys=("themes",),
)
THEME = Kind("themes", Theme, scalars=("name", "description", "order"))
ACTION_PLAN = Kind(
    "action_plans",
    ActionPlan,
    scalars=(
        "title",
        "period_start",
        "period_end",
        "status",
        "scope",
        "overseen_by",
        "last_refreshed_on",
        "last_refreshed_on_precision",
    ),
    references={
        "borough": Reference("borough", Borough),
        "partnership": Reference("partnership", Partnership),
        "framework": Reference("framework", Framework),
    },
    extra_keys=("items",),
)
ACTION_ITEM = Kind(
    "items",
    ActionItem,
    scalars=(
        "title",
        "description",
        "lead_agency",
        "partners",
        "due_date",
        "status",
        "status_inferred_from",
        "progress",
        "order",
    ),
    extra_keys=("interventions",),
)
#: An intervention an item delivers, where the document names it (docs/decisions/0028).
DELIVERED_INTERVENTION = Kind(
    "interventions",
    PlanItemIntervention,
    scalars=("quote",),
    references={"slug": Reference("intervention", Intervention)},
)
CASE_STUDY = Kind(
    "case_studies",
    CaseStudy,
    scalars=(
        "title",
        "summary",
        "year",
        "min_age",
        "max_age",
        "challenge",
        "solution",
        "impact",
        "lessons_learned",
        "sustainability",
        "status",
        *EVIDENCE_FIELDS,
    ),
    references={"partnership": Reference("partnership", Partnership)},
    many={
        "boroughs": Reference("boroughs", Borough),
        "approaches": Reference("approaches", Approach),
        "settings": Reference("settings", Setting),
        "interventions": Reference("interventions", Intervention),
        "awards": Reference("awards", Award),
    },
    extra_keys=("contact", "outcomes"),
)
OUTCOME = Kind(
    "outcomes",
    Outcome,
    scalars=(
        "metric",
        "value",
        "unit",
        "direction",
        "outcome_type",
        "baseline",
        "period",
        "quote",
        "order",
    ),
)
STOCK_TAKE = Kind(
    "stock_takes",
    StockTake,
    scalars=(
        "title",
        "publisher",
        "conducted_on",
        "conducted_on_precision",
        "published_on",
        "published_on_precision",
        "coverage_region",
        "is_current",
    ),
    extra_keys=("questions",),
)
QUESTION = Kind(
    "questions",
    StockTakeQuestion,
    scalars=("number", "text"),
    extra_keys=("options", "published_totals", "answers"),
)
OPTION = Kind("options", StockTakeOption, scalars=("label", "order"))
PUBLISHED_TOTAL = Kind(
    "published_totals",
    PublishedTotal,
    scalars=("label", "count", "quantity", "denominator", "quote"),
)
ANSWER = Kind("answers", StockTakeAnswer, scalars=("quote", "evidence"))

TOP_LEVEL_KINDS = (
    AREA,
    ORGANISATION,
    PARTNERSHIP,
    FUNDER,
    FUNDING_STREAM,
    AWARD,
    INTERVENTION,
    FRAMEWORK,
    ACTION_PLAN,
    CASE_STUDY,
    STOCK_TAKE,
)
TOP_LEVEL_KEYS = {"source"} | {kind.name for kind in TOP_LEVEL_KINDS}
SOURCE_KEYS = {
    "key",
    "title",
    "publisher",
    "published_on",
    "published_on_precision",
    "document",
    "url",
    "licence",
    "attribution",
}
# Keys every record may carry besides its kind's own fields.
COMMON_KEYS = {"slug", "section", "source"}
CONTACT_KEYS = {"name", "role", "organisation", "email", "phone"}


def read_fixture_files(directory):
    """Parse every ``*.json`` in the directory, naming the file that does not parse."""
    documents = []
    for path in sorted(Path(directory).glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise FixtureError(path, None, f"is not valid JSON: {error}") from error
        if not isinstance(document, dict):
            raise FixtureError(path, None, "must hold a JSON object at the top level")
        unknown = set(document) - TOP_LEVEL_KEYS
        if unknown:
            raise FixtureError(path, None, f"has unknown lists: {', '.join(sorted(unknown))}")
        if "source" not in document:
            raise FixtureError(path, None, 'has no "source" block naming its document')
        documents.append((path, document))
    if not documents:
        raise FixtureError(Path(directory), None, "holds no fixture files")
    return documents


def load_portal_data(directory, *, refresh=False):
    """Load every fixture file in ``directory``; all or nothing. Returns a LoadReport."""
    documents = read_fixture_files(directory)
    with transaction.atomic():
        # Loaded records become searchable at once, each document stored once.
        with search.deferred():
            report = _Loader(refresh=refresh).load(documents)
        # Records without a document (from before documents were kept) get theirs too.
        search.store_all(missing_only=True)
        return report


class _Loader:
    def __init__(self, *, refresh):
        self.refresh = refresh
        self.report = LoadReport()
        self.sources = {}
        self.declared = {}  # (model, natural key) -> path that declared it

    def load(self, documents):
        for path, document in documents:
            self.sources[path] = self._at(path, "source", self._load_source, document["source"])
        for kind in TOP_LEVEL_KINDS:
            for path, document in documents:
                records = document.get(kind.name, [])
                if not isinstance(records, list):
                    raise FixtureError(path, kind.name, "must be a list")
                source = self.sources[path]
                for index, record in enumerate(records):
                    place = _place(kind.name, index, record)
                    self._at(path, place, self._load_top_level, kind, record, source, path)
        return self.report

    def _at(self, path, place, function, *args):
        try:
            return function(*args)
        except FixtureError:
            raise
        except ValidationError as error:
            raise FixtureError(path, place, _describe(error)) from error
        except (RecordError, TypeError, ValueError) as error:
            raise FixtureError(path, place, str(error)) from error

    # --- sources ---------------------------------------------------------------------

    def _load_source(self, record):
        _check_keys(record, SOURCE_KEYS, required={"key", "title", "publisher"})
        values = {key: record.get(key) for key in SOURCE_KEYS - {"key"}}
        values["published_on_precision"] = values["published_on_precision"] or "day"
        return self._upsert(Source, {"key": record["key"]}, values)

    def _source_for(self, record, default):
        key = record.get("source")
        if not key:
            return default
        for source in self.sources.values():
            if source.key == key:
                return source
        raise RecordError(f'"source": no document has the key "{key}"')

    # --- records -------------------------------------------------------------------------

    def _load_top_level(self, kind, record, source, path):
        _check_keys(record, _allowed_keys(kind), required={"slug"})
        natural_key = (kind.model, record["slug"])
        if natural_key in self.declared:
            raise RecordError(
                f'"{record["slug"]}" is already declared in {self.declared[natural_key].name}; '
                "declare each record once and refer to it by slug"
            )
        self.declared[natural_key] = path
        source = self._source_for(record, source)
        handler = getattr(self, f"_load_{kind.name}", None)
        if handler:
            return handler(kind, record, source, path)
        return self._load_record(kind, record, source, {"slug": record["slug"]})

    def _load_record(self, kind, record, source, lookup, extra_values=None):
        values = {name: record.get(name) for name in kind.scalars if name in record}
        for key, reference in kind.references.items():
            if key in record:
                values[reference.field] = self._resolve(reference, record[key])
        if issubclass(kind.model, SourcedModel):
            values["source"] = source
            values["source_section"] = record.get("section") or ""
        values.update(extra_values or {})
        many = {
            reference: [self._resolve(reference, key) for key in record.get(fixture_key) or []]
            for fixture_key, reference in kind.many.items()
        }
        return self._upsert(kind.model, lookup, values, many)

    def _resolve(self, reference, key):
        if key in (None, ""):
            return None
        try:
            return reference.model.objects.get(**{reference.lookup: key})
        except ObjectDoesNotExist:
            raise RecordError(
                f'"{reference.field}": no {reference.model._meta.verbose_name} "{key}"'
            ) from None

    def _load_frameworks(self, kind, record, source, path):
        framework = self._load_record(kind, record, source, {"slug": record["slug"]})
        for order, theme in enumerate(record.get("themes") or [], start=1):
            _check_keys(theme, _allowed_keys(THEME), required={"slug", "name"})
            self._load_record(
                THEME,
                {"order": order, **_with_parent_section(theme, record)},
                source,
                {"framework": framework, "slug": theme["slug"]},
            )
        return framework

    def _load_action_plans(self, kind, record, source, path):
        plan = self._load_record(kind, record, source, {"slug": record["slug"]})
        for order, item in enumerate(record.get("items") or [], start=1):
            _check_keys(item, _allowed_keys(ACTION_ITEM) | {"theme"}, required={"slug", "theme"})
            theme = Theme.objects.filter(framework=plan.framework, slug=item["theme"]).first()
            if theme is None:
                raise RecordError(
                    f'items[{order - 1}] "{item["slug"]}": "theme": no theme "{item["theme"]}" '
                    f"in the framework {plan.framework}"
                )
            place = f'items[{order - 1}] "{item["slug"]}"'
            item_record = _with_parent_section(item, record)
            loaded = self._at_child(
                place,
                self._load_record,
                ACTION_ITEM,
                {"order": order, **item_record},
                source,
                {"plan": plan, "slug": item["slug"]},
                {"theme": theme},
            )
            for index, link in enumerate(item.get("interventions") or []):
                self._at_child(
                    f"{place}: interventions[{index}]",
                    self._load_delivered_intervention,
                    loaded,
                    _with_parent_section(link, item_record),
                    source,
                )
        return plan

    def _load_delivered_intervention(self, item, link, source):
        """The item delivers an intervention the document names, with the sentence that
        names it."""
        _check_keys(link, _allowed_keys(DELIVERED_INTERVENTION), required={"slug", "quote"})
        intervention = self._resolve(DELIVERED_INTERVENTION.references["slug"], link["slug"])
        return self._load_record(
            DELIVERED_INTERVENTION,
            {key: value for key, value in link.items() if key != "slug"},
            source,
            {"item": item, "intervention": intervention},
        )

    def _load_case_studies(self, kind, record, source, path):
        contact = record.get("contact") or {}
        _check_keys(contact, CONTACT_KEYS)
        contact_values = {f"contact_{key}": contact.get(key) or "" for key in CONTACT_KEYS}
        record = {"status": CaseStudy.Status.PUBLISHED, **record}
        case_study = self._load_record(
            kind, record, source, {"slug": record["slug"]}, contact_values
        )
        if case_study.status == CaseStudy.Status.PUBLISHED and case_study.published_at is None:
            case_study.published_at = case_study.created_at
            case_study.save(update_fields=["published_at"])
        for order, outcome in enumerate(record.get("outcomes") or [], start=1):
            _check_keys(outcome, _allowed_keys(OUTCOME), required={"metric", "value", "unit"})
            self._at_child(
                f"outcomes[{order - 1}]",
                self._load_record,
                OUTCOME,
                {"order": order, **_with_parent_section(outcome, record)},
                source,
                {"case_study": case_study, "order": order},
            )
        return case_study

    def _load_stock_takes(self, kind, record, source, path):
        stock_take = self._load_record(kind, record, source, {"slug": record["slug"]})
        for question in record.get("questions") or []:
            _check_keys(question, _allowed_keys(QUESTION), required={"slug", "number", "text"})
            self._at_child(
                f'questions "{question["slug"]}"',
                self._load_question,
                stock_take,
                _with_parent_section(question, record),
                source,
            )
        return stock_take

    def _load_question(self, stock_take, record, source):
        question = self._load_record(
            QUESTION, record, source, {"stock_take": stock_take, "slug": record["slug"]}
        )
        options = {}
        for order, option in enumerate(record.get("options") or [], start=1):
            _check_keys(option, {"slug", "label"}, required={"slug", "label"})
            options[option["slug"]] = self._load_record(
                OPTION,
                {"order": order, **option},
                None,
                {"question": question, "slug": option["slug"]},
            )

        def option_for(slug):
            if slug is None:
                return None
            if slug not in options:
                raise RecordError(f'"option": the question has no option "{slug}"')
            return options[slug]

        for total in record.get("published_totals") or []:
            total = _with_parent_section(total, record)
            _check_keys(total, _allowed_keys(PUBLISHED_TOTAL) | {"option"}, required={"quote"})
            self._load_record(
                PUBLISHED_TOTAL,
                total,
                source,
                {"question": question, "quote": total["quote"]},
                {"option": option_for(total.get("option"))},
            )
        for answer in record.get("answers") or []:
            answer = _with_parent_section(answer, record)
            _check_keys(
                answer,
                _allowed_keys(ANSWER) | {"borough", "option"},
                required={"borough", "option"},
            )
            borough = self._resolve(Reference("borough", Borough), answer["borough"])
            self._load_record(
                ANSWER,
                answer,
                source,
                {"question": question, "borough": borough},
                {"option": option_for(answer["option"])},
            )
        return question

    def _at_child(self, place, function, *args):
        try:
            return function(*args)
        except ValidationError as error:
            raise ValueError(f"{place}: {_describe(error)}") from error
        except LookupError as error:
            raise RecordError(f"{place}: {error}") from error

    # --- writing -----------------------------------------------------------------------

    def _upsert(self, model, lookup, values, many=None):
        """Create the record, or (when refreshing) bring it in line; save only what changed."""
        label = model
        values = {
            name: _to_python(model, name, value)
            for name, value in values.items()
            if name not in lookup
        }
        instance = model.objects.filter(**lookup).first()
        if instance is None:
            instance = model(**lookup, **values)
            instance.full_clean()
            instance._change_reason = "Loaded from the real data"
            instance.save()
            self._set_many(instance, many)
            self.report.created[label] += 1
            return instance
        if not self.refresh:
            self.report.unchanged[label] += 1
            return instance
        changed = [name for name, value in values.items() if getattr(instance, name) != value]
        for name in changed:
            setattr(instance, name, values[name])
        if changed:
            instance.full_clean()
            instance._change_reason = "Refreshed from the real data"
            instance.save()
        many_changed = self._set_many(instance, many)
        if changed or many_changed:
            self.report.updated[label] += 1
        else:
            self.report.unchanged[label] += 1
        return instance

    @staticmethod
    def _set_many(instance, many):
        """Point each many-to-many field at the wanted records; say whether any changed."""
        changed = False
        for reference, targets in (many or {}).items():
            manager = getattr(instance, reference.field)
            wanted = {target.pk for target in targets}
            if set(manager.values_list("pk", flat=True)) != wanted:
                manager.set(wanted)
                changed = True
        return changed


def _with_parent_section(child, parent):
    """A record listed inside another comes from the same place unless it says otherwise."""
    if not isinstance(child, dict) or child.get("section"):
        return child
    return {**child, "section": parent.get("section")}


def _allowed_keys(kind):
    return (
        COMMON_KEYS
        | set(kind.scalars)
        | set(kind.references)
        | set(kind.many)
        | set(kind.extra_keys)
    )


def _check_keys(record, allowed, required=()):
    if not isinstance(record, dict):
        raise RecordError("each record must be a JSON object")
    unknown = set(record) - set(allowed)
    if unknown:
        raise RecordError(f"unknown field(s): {', '.join(sorted(unknown))}")
    missing = [key for key in sorted(required) if record.get(key) in (None, "")]
    if missing:
        raise RecordError(f"missing required field(s): {', '.join(missing)}")


def _to_python(model, name, value):
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if isinstance(model_field, models.ForeignKey):
        return value
    if isinstance(model_field, models.CharField | models.TextField):
        if value is None and not model_field.null:
            return ""
        if value is not None and not isinstance(value, str):
            raise ValidationError({name: ["Enter text, not a list or a number."]})
    if value is None and not model_field.null:
        if model_field.has_default():
            return model_field.get_default()
    try:
        return model_field.to_python(value)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from error


def _place(kind_name, index, record):
    slug = record.get("slug") if isinstance(record, dict) else None
    return f'{kind_name}[{index}] "{slug}"' if slug else f"{kind_name}[{index}]"


def _describe(error):
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)
