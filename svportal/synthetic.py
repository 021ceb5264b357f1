"""Synthetic data at national scale, for measuring the portal (bench/, `make bench`).

`generate_synthetic(scale=S)` adds, on top of the real data, about S times what a portal
for every area in England would hold after some years of plans:

==========================  =========
areas (synthetic)                 345
case studies (~4,000 chars)    20,000
interventions                   2,000
organisations                   1,000
partnerships                      100
action plans                      400
action items                  100,000
status updates                450,000
funding awards                 20,000
stock-take rounds                  50
==========================  =========

It is seeded, so the same scale and seed give the same records. Everything it makes
names one Source, "Synthetic benchmark data", so nothing synthetic can pass for real,
and its areas, plans and case studies say "Synthetic" in their names. Text is drawn
word by word from the vocabulary of the real fixtures with Zipf-like frequencies, each
record leaning towards a few topics of its own, so that search sees words that are
common everywhere and words that only some records use. Dates and status histories
spread over 2019–2025; some areas have no plan, some two.

Rows are written with bulk_create in batches (no signals run), then the search
documents of the new records are stored in one pass.
"""

import json
import math
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from actionplans.dated_figures import dated_figures_refresh
from actionplans.figures import plan_figures_refresh
from actionplans.models import (
    ActionItem,
    ActionPlan,
    Framework,
    ItemStatus,
    PlanChange,
    StatusUpdate,
    Theme,
)
from boroughs.models import (
    Borough,
    Organisation,
    Partnership,
    Region,
    Source,
    StockTake,
    StockTakeAnswer,
    StockTakeOption,
    StockTakeQuestion,
)
from casestudies.evidence import EvaluatedBy, EvaluationDesign, EvaluationStatus
from casestudies.facet_figures import case_study_facets_refresh
from casestudies.figures import borough_practice_figures_refresh
from casestudies.models import Approach, CaseStudy, Intervention, Outcome, Setting
from core.response_cache import bump_data_version
from core.search import indexes as search_indexes
from funding.figures import borough_award_figures_refresh
from funding.models import Award, Funder, FundingStream

SOURCE_KEY = "synthetic-benchmark-data"
SOURCE_TITLE = "Synthetic benchmark data (generated, not real)"
SLUG_PREFIX = "synthetic-"

#: The sizes at scale 1.
SIZES = {
    "areas": 345,
    "organisations": 1_000,
    "partnerships": 100,
    "funders": 20,
    "streams": 100,
    "awards": 20_000,
    "interventions": 2_000,
    "case_studies": 20_000,
    "plans": 400,
    "items": 100_000,
    "stock_takes": 50,
}
BATCH = 2_000
FIRST_DAY = date(2019, 1, 1)
LAST_DAY = date(2025, 12, 31)
ENGLISH_REGIONS = [region for region in Region if region != Region.WALES]


class SyntheticDataRefused(Exception):
    """Synthetic data cannot be added here (production, or it is there already)."""


@dataclass
class SyntheticReport:
    created: Counter = field(default_factory=Counter)


def generate_synthetic(*, scale, seed=1, stdout=None):
    """Add synthetic records at `scale` (1 = national scale); returns what was made."""
    if not getattr(settings, "SYNTHETIC_DATA_ALLOWED", False):
        raise SyntheticDataRefused(
            "Synthetic data is never generated under production settings: it would sit "
            "beside the real records."
        )
    if scale <= 0:
        raise SyntheticDataRefused("The scale must be more than 0.")
    if Source.objects.filter(key=SOURCE_KEY).exists():
        raise SyntheticDataRefused(
            "This database already holds synthetic data: generate it into a fresh database."
        )
    generator = _Generator(scale=scale, seed=seed, stdout=stdout)
    with transaction.atomic():
        generator.run()
        bump_data_version()  # bulk_create sends no signals
    return generator.report


def _count(scale, name):
    return max(1, round(SIZES[name] * scale))


# --- Text ----------------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def real_vocabulary(directory=None):
    """The words of the real fixtures, most frequent first (ties alphabetical)."""
    directory = Path(directory or settings.PORTAL_FIXTURES_DIR)
    counts = Counter()
    for path in sorted(directory.glob("*.json")):
        for text in _strings(json.loads(path.read_text(encoding="utf-8"))):
            if text.startswith("http") or "@" in text:
                continue
            counts.update(word for word in _WORD.findall(text.lower()) if len(word) > 1)
    return [word for word, _ in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))]


class _Text:
    """Zipf-distributed words with a per-record lean towards a few topics."""

    TOPIC_SHARE = 0.3

    def __init__(self, rng, vocabulary):
        self.rng = rng
        self.words = vocabulary
        weights = [1 / (rank + 2) ** 1.05 for rank in range(len(vocabulary))]
        total = 0.0
        self.cumulative = []
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        # Topics: groups of mid- and low-frequency words that tend to appear together.
        tail = vocabulary[50:] or vocabulary
        self.topics = [rng.sample(tail, min(40, len(tail))) for _ in range(60)]

    def lean(self):
        """The words one record leans towards."""
        return [word for topic in self.rng.sample(self.topics, 3) for word in topic]

    def words_for(self, count, lean):
        rng = self.rng
        common = rng.choices(self.words, cum_weights=self.cumulative, k=count)
        return [rng.choice(lean) if rng.random() < self.TOPIC_SHARE else word for word in common]

    def sentences(self, characters, lean):
        words = self.words_for(max(4, characters // 7), lean)
        out, position = [], 0
        while position < len(words):
            length = self.rng.randint(8, 24)
            sentence = words[position : position + length]
            position += length
            out.append(" ".join(sentence).capitalize() + ".")
        return " ".join(out)

    def title(self, lean, count=5):
        return " ".join(self.words_for(count, lean)).capitalize()


# --- The generator --------------------------------------------------------------------------------


class _Generator:
    def __init__(self, *, scale, seed, stdout):
        self.scale, self.stdout = scale, stdout
        self.rng = random.Random(f"svportal-synthetic-{seed}")  # noqa: S311 (not for secrets)
        self.text = _Text(self.rng, real_vocabulary())
        self.report = SyntheticReport()
        self.zone = timezone.get_default_timezone()

    # helpers
    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    def n(self, name):
        return _count(self.scale, name)

    def day(self, start=FIRST_DAY, end=LAST_DAY):
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def moment(self, day):
        return datetime(
            day.year, day.month, day.day, self.rng.randint(8, 18), self.rng.randint(0, 59),
            tzinfo=self.zone,
        )  # fmt: skip

    def create(self, model, records):
        made = model.objects.bulk_create(records, batch_size=BATCH)
        self.report.created[model] += len(made)
        return made

    def link(self, through, rows):
        self.create(through, [through(**row) for row in rows])

    def sourced(self, index, kind):
        return {"source": self.source, "source_section": f"Generated {kind} {index}"}

    def evidence(self, index, kind):
        """How it was evaluated, mostly not at all, as in the real data; the level follows."""
        status = self.rng.choices(list(EvaluationStatus), weights=(12, 2, 2, 6))[0]
        if status == EvaluationStatus.NONE:
            return {"evaluation_status": status}
        return {
            "evaluation_status": status,
            "evaluation_design": self.rng.choice(["", *EvaluationDesign]),
            "evaluated_by": self.rng.choice(["", *EvaluatedBy]),
            "evidence_quote": f"Synthetic evaluation of generated {kind} {index}.",
            "evidence_section": f"Generated {kind} {index}",
        }

    # steps
    def run(self):
        self.source = Source.objects.create(
            key=SOURCE_KEY,
            title=SOURCE_TITLE,
            publisher="SV Portal benchmark generator",
            published_on=None,
        )
        self.report.created[Source] += 1
        self.approaches = list(Approach.objects.order_by("pk"))
        self.settings = list(Setting.objects.order_by("pk"))
        for step in (
            self.areas,
            self.organisations,
            self.partnerships,
            self.funding,
            self.interventions,
            self.case_studies,
            self.plans,
            self.plan_figures,
            self.stock_takes,
            self.search_documents,
        ):
            step()

    def areas(self):
        kinds = [Borough.Kind.UNITARY, Borough.Kind.DISTRICT, Borough.Kind.METROPOLITAN_DISTRICT]
        self.boroughs = self.create(
            Borough,
            [
                Borough(
                    name=f"Synthetic area {index:03d}",
                    slug=f"{SLUG_PREFIX}area-{index:03d}",
                    gss_code=f"E99{index:06d}",
                    kind=self.rng.choice(kinds),
                    region=ENGLISH_REGIONS[index % len(ENGLISH_REGIONS)],
                    police_force=f"Synthetic police force {index % 40:02d}",
                    **self.sourced(index, "area"),
                )
                for index in range(1, self.n("areas") + 1)
            ],
        )
        self.say(f"{len(self.boroughs)} areas")

    def organisations(self):
        kinds = list(Organisation.Kind)
        self.organisations = self.create(
            Organisation,
            [
                Organisation(
                    name=f"Synthetic organisation {index:04d}",
                    slug=f"{SLUG_PREFIX}organisation-{index:04d}",
                    kind=self.rng.choice(kinds),
                    description=self.text.sentences(200, self.text.lean()),
                    **self.sourced(index, "organisation"),
                )
                for index in range(1, self.n("organisations") + 1)
            ],
        )

    def partnerships(self):
        kinds = list(Partnership.Kind)
        self.partnerships = self.create(
            Partnership,
            [
                Partnership(
                    name=f"Synthetic partnership {index:03d}",
                    slug=f"{SLUG_PREFIX}partnership-{index:03d}",
                    kind=self.rng.choice(kinds),
                    description=self.text.sentences(300, self.text.lean()),
                    **self.sourced(index, "partnership"),
                )
                for index in range(1, self.n("partnerships") + 1)
            ],
        )
        self.link(
            Partnership.members.through,
            [
                {"partnership_id": partnership.pk, "borough_id": borough.pk}
                for partnership in self.partnerships
                for borough in self.rng.sample(self.boroughs, min(len(self.boroughs), 4))
            ],
        )

    def funding(self):
        self.funders = self.create(
            Funder,
            [
                Funder(
                    name=f"Synthetic funder {index:02d}",
                    slug=f"{SLUG_PREFIX}funder-{index:02d}",
                    kind=self.rng.choice(list(Funder.Kind)),
                    org_identifier=f"GB-SYNTHETIC-{index:04d}",
                    **self.sourced(index, "funder"),
                )
                for index in range(1, self.n("funders") + 1)
            ],
        )
        streams = []
        for index in range(1, self.n("streams") + 1):
            starts = self.day(FIRST_DAY, date(2024, 1, 1))
            streams.append(
                FundingStream(
                    funder=self.rng.choice(self.funders),
                    name=f"Synthetic fund {index:03d}",
                    slug=f"{SLUG_PREFIX}fund-{index:03d}",
                    description=self.text.sentences(400, self.text.lean()),
                    starts_on=starts,
                    ends_on=starts + timedelta(days=self.rng.randint(365, 1100)),
                    **self.sourced(index, "funding stream"),
                )
            )
        self.streams = self.create(FundingStream, streams)
        awards, recipients = [], []
        for index in range(1, self.n("awards") + 1):
            awarded = self.day()
            amount = round(10 ** self.rng.uniform(3.5, 6.3), -2)
            kind = self.rng.random()
            awards.append(
                Award(
                    stream=self.rng.choice(self.streams),
                    title=f"Synthetic award {index:05d}: {self.text.title(self.text.lean(), 4)}",
                    slug=f"{SLUG_PREFIX}award-{index:05d}",
                    recipient_partnership=self.rng.choice(self.partnerships)
                    if 0.7 <= kind < 0.85
                    else None,
                    recipient_organisation=self.rng.choice(self.organisations)
                    if kind >= 0.85
                    else None,
                    amount=None if self.rng.random() < 0.05 else amount,
                    amount_text="" if self.rng.random() < 0.5 else f"£{amount:,.0f}",
                    awarded_on=awarded,
                    starts_on=awarded,
                    ends_on=awarded + timedelta(days=self.rng.randint(180, 1100)),
                    purpose=self.text.sentences(300, self.text.lean()),
                    **self.sourced(index, "award"),
                )
            )
            recipients.append(kind < 0.7)
        self.awards = self.create(Award, awards)
        self.link(
            Award.recipient_boroughs.through,
            [
                {"award_id": award.pk, "borough_id": borough.pk}
                for award, to_boroughs in zip(self.awards, recipients, strict=True)
                if to_boroughs
                for borough in self.rng.sample(
                    self.boroughs, min(len(self.boroughs), self.rng.choice((1, 1, 1, 2, 3)))
                )
            ],
        )
        self.say(f"{len(self.awards)} awards")

    def interventions(self):
        records = []
        for index in range(1, self.n("interventions") + 1):
            lean = self.text.lean()
            youngest = self.rng.choice((None, 8, 10, 11, 13, 16))
            records.append(
                Intervention(
                    name=f"Synthetic programme {index:04d}: {self.text.title(lean, 3)}",
                    slug=f"{SLUG_PREFIX}intervention-{index:04d}",
                    description=self.text.sentences(self.rng.randint(400, 1500), lean),
                    category=self.rng.choice(list(Intervention.Category)),
                    prevention_level=self.rng.choice(list(Intervention.PreventionLevel)),
                    **self.evidence(index, "intervention"),
                    min_age=youngest,
                    max_age=None if youngest is None else youngest + self.rng.randint(2, 10),
                    **self.sourced(index, "intervention"),
                )
            )
        self.interventions = self.create(Intervention, records)
        self.link(
            Intervention.providers.through,
            [
                {"intervention_id": intervention.pk, "organisation_id": organisation.pk}
                for intervention in self.interventions
                for organisation in self.rng.sample(
                    self.organisations, min(len(self.organisations), self.rng.randint(0, 2))
                )
            ],
        )
        if self.settings:
            self.link(
                Intervention.settings.through,
                [
                    {"intervention_id": intervention.pk, "setting_id": setting.pk}
                    for intervention in self.interventions
                    for setting in self.rng.sample(
                        self.settings, min(len(self.settings), self.rng.randint(0, 2))
                    )
                ],
            )
        self.say(f"{len(self.interventions)} interventions")

    def case_studies(self):
        statuses = list(CaseStudy.Status)
        total = self.n("case_studies")
        for start in range(0, total, BATCH):
            records = []
            for index in range(start + 1, min(total, start + BATCH) + 1):
                lean = self.text.lean()
                status = self.rng.choices(statuses, weights=(3, 2, 95))[0]
                published = self.day(date(2019, 6, 1))
                youngest = self.rng.choice((None, 10, 11, 12, 14))
                records.append(
                    CaseStudy(
                        title=f"Synthetic case study {index:05d}: {self.text.title(lean)}",
                        slug=f"{SLUG_PREFIX}case-study-{index:05d}",
                        summary=self.text.sentences(self.rng.randint(300, 600), lean),
                        challenge=self.text.sentences(self.rng.randint(600, 1000), lean),
                        solution=self.text.sentences(self.rng.randint(1000, 1800), lean),
                        impact=self.text.sentences(self.rng.randint(400, 800), lean),
                        lessons_learned=self.text.sentences(self.rng.randint(300, 700), lean),
                        sustainability=self.text.sentences(self.rng.randint(0, 400), lean),
                        partnership=self.rng.choice(self.partnerships)
                        if self.rng.random() < 0.3
                        else None,
                        year=published.year,
                        status=status,
                        published_at=self.moment(published)
                        if status == CaseStudy.Status.PUBLISHED
                        else None,
                        min_age=youngest,
                        max_age=None if youngest is None else youngest + self.rng.randint(4, 11),
                        contact_organisation=f"Synthetic area {self.rng.randint(1, 345):03d}",
                        **self.evidence(index, "case study"),
                        **self.sourced(index, "case study"),
                    )
                )
            made = self.create(CaseStudy, records)
            self._case_study_links(made)
            self.say(f"{start + len(made)} case studies")

    def _case_study_links(self, case_studies):
        rng = self.rng

        def pick(options, low, high):
            return rng.sample(options, min(len(options), rng.randint(low, high)))

        pairs = [
            (CaseStudy.boroughs.through, "borough_id", self.boroughs, 1, 3),
            (CaseStudy.interventions.through, "intervention_id", self.interventions, 1, 3),
            (CaseStudy.approaches.through, "approach_id", self.approaches, 1, 3),
            (CaseStudy.settings.through, "setting_id", self.settings, 0, 2),
            (CaseStudy.awards.through, "award_id", self.awards, 0, 1),
        ]
        for through, column, options, low, high in pairs:
            if options:
                self.link(
                    through,
                    [
                        {"casestudy_id": case_study.pk, column: option.pk}
                        for case_study in case_studies
                        for option in pick(options, low, high)
                    ],
                )
        outcomes = []
        for case_study in case_studies:
            for order in range(rng.randint(0, 3)):
                value = rng.choice((rng.randint(5, 60), rng.randint(10, 900)))
                outcomes.append(
                    Outcome(
                        case_study=case_study,
                        metric=self.text.title(self.text.lean(), 4),
                        value=value,
                        unit=Outcome.Unit.PERCENT if value <= 60 else Outcome.Unit.COUNT,
                        direction=rng.choice(list(Outcome.Direction)),
                        period=f"{rng.randint(6, 24)} months",
                        order=order,
                        **self.sourced(case_study.pk, "outcome"),
                    )
                )
        self.create(Outcome, outcomes)

    def plans(self):
        framework = Framework.objects.create(
            name="Synthetic framework",
            slug=f"{SLUG_PREFIX}framework",
            description="Themes for the synthetic plans.",
            **self.sourced(1, "framework"),
        )
        self.report.created[Framework] += 1
        themes = self.create(
            Theme,
            [
                Theme(
                    framework=framework,
                    slug=f"theme-{order}",
                    name=f"Synthetic theme {order}: {self.text.title(self.text.lean(), 3)}",
                    order=order,
                    **self.sourced(order, "theme"),
                )
                for order in range(1, 7)
            ],
        )
        # About one area in seven has no plan; the plans left over are second plans.
        with_plans = self.rng.sample(self.boroughs, max(1, math.ceil(len(self.boroughs) * 6 / 7)))
        plan_count = self.n("plans")
        items_each = self.n("items") / plan_count
        plans = []
        for index in range(1, plan_count + 1):
            borough = with_plans[(index - 1) % len(with_plans)]
            second = index > len(with_plans)
            starts = self.day(date(2019, 1, 1), date(2021, 12, 31))
            if second:
                starts = self.day(date(2022, 1, 1), date(2023, 12, 31))
            plans.append(
                ActionPlan(
                    title=f"{borough.name} synthetic knife-crime plan {starts.year}",
                    slug=f"{SLUG_PREFIX}plan-{index:03d}",
                    borough=borough,
                    framework=framework,
                    period_start=starts,
                    period_end=starts + timedelta(days=self.rng.randint(700, 1500)),
                    status=ActionPlan.Status.ACTIVE
                    if self.rng.random() < 0.9
                    else ActionPlan.Status.DRAFT,
                    scope=self.rng.choice(list(ActionPlan.Scope)),
                    last_refreshed_on=self.day(starts),
                    **self.sourced(index, "action plan"),
                )
            )
        plans = self.create(ActionPlan, plans)
        # Each plan's record begins when it was added, a month before its period.
        self.create(
            PlanChange,
            [
                PlanChange(
                    plan=plan,
                    changed_at=self.moment(plan.period_start - timedelta(days=30)),
                    changes={"created": {"from": None, "to": plan.title}},
                )
                for plan in plans
            ],
        )
        made = 0
        for chunk in range(0, len(plans), 20):
            made += self._items(plans[chunk : chunk + 20], themes, items_each)
            self.say(f"{made} action items")

    _WALKS = {
        ItemStatus.NOT_STARTED: (
            *[ItemStatus.ON_TRACK] * 3,
            ItemStatus.AT_RISK,
            ItemStatus.NOT_STARTED,
        ),
        ItemStatus.ON_TRACK: (*[ItemStatus.ON_TRACK] * 4, ItemStatus.AT_RISK, ItemStatus.COMPLETE),
        ItemStatus.AT_RISK: (ItemStatus.ON_TRACK, ItemStatus.OFF_TRACK, ItemStatus.AT_RISK),
        ItemStatus.OFF_TRACK: (
            ItemStatus.AT_RISK,
            ItemStatus.OFF_TRACK,
            ItemStatus.ON_TRACK,
            ItemStatus.CANCELLED,
        ),
    }

    def _items(self, plans, themes, items_each):
        rng = self.rng
        items, histories = [], []
        for plan in plans:
            count = max(1, round(items_each * rng.uniform(0.4, 1.6)))
            for order in range(1, count + 1):
                lean = self.text.lean()
                created = plan.period_start + timedelta(days=rng.randint(0, 120))
                history, status, progress, when = [], ItemStatus.NOT_STARTED, None, created
                steps = rng.randint(1, 8)
                history.append(("", status, None, progress, when))
                for _ in range(steps):
                    if status in (ItemStatus.COMPLETE, ItemStatus.CANCELLED):
                        break
                    when = when + timedelta(days=rng.randint(20, 150))
                    if when > LAST_DAY:
                        break
                    before, before_progress = status, progress
                    status = rng.choice(self._WALKS[status])
                    if status == ItemStatus.COMPLETE:
                        progress = 100
                    elif rng.random() < 0.7:
                        progress = min(95, (progress or 0) + rng.randint(5, 30))
                    history.append((before, status, before_progress, progress, when))
                items.append(
                    ActionItem(
                        plan=plan,
                        theme=rng.choice(themes),
                        slug=f"item-{order:03d}",
                        title=self.text.title(lean, rng.randint(4, 9)),
                        description=self.text.sentences(rng.randint(100, 500), lean),
                        lead_agency=rng.choice(("Council", "Police", "NHS", "Youth service")),
                        due_date=plan.period_end - timedelta(days=rng.randint(0, 400))
                        if rng.random() < 0.8
                        else None,
                        status=status,
                        progress=progress,
                        order=order,
                        last_updated_at=self.moment(when),
                        **self.sourced(order, "action item"),
                    )
                )
                histories.append(history)
        items = self.create(ActionItem, items)
        updates = []
        for item, history in zip(items, histories, strict=True):
            for before, after, before_progress, after_progress, when in history:
                if before == "":
                    changes = {"created": {"from": None, "to": item.title}}
                else:
                    changes = {}
                    if before != after:
                        changes["status"] = {
                            "from": ItemStatus(before).label,
                            "to": ItemStatus(after).label,
                        }
                    if before_progress != after_progress:
                        changes["progress"] = {"from": before_progress, "to": after_progress}
                updates.append(
                    StatusUpdate(
                        item=item,
                        changed_at=self.moment(when),
                        from_status=before,
                        to_status=after,
                        from_progress=before_progress,
                        to_progress=after_progress,
                        changes=changes,
                        note="Synthetic note: "
                        + self.text.sentences(rng.randint(40, 160), self.text.lean())
                        if after in (ItemStatus.AT_RISK, ItemStatus.OFF_TRACK) or rng.random() < 0.3
                        else "",
                    )
                )
        self.create(StatusUpdate, updates)
        return len(items)

    def stock_takes(self):
        rounds = self.create(
            StockTake,
            [
                StockTake(
                    title=f"Synthetic stock-take {index:02d}",
                    slug=f"{SLUG_PREFIX}stock-take-{index:02d}",
                    publisher="SV Portal benchmark generator",
                    conducted_on=self.day(),
                    coverage_region=ENGLISH_REGIONS[index % len(ENGLISH_REGIONS)],
                    **self.sourced(index, "stock-take"),
                )
                for index in range(1, self.n("stock_takes") + 1)
            ],
        )
        questions = self.create(
            StockTakeQuestion,
            [
                StockTakeQuestion(
                    stock_take=stock_take,
                    slug=f"q{number}",
                    number=number,
                    text=self.text.title(self.text.lean(), 10) + "?",
                    **self.sourced(number, "question"),
                )
                for stock_take in rounds
                for number in range(1, 9)
            ],
        )
        labels = ("Yes", "Partly", "No", "Planned")
        options = self.create(
            StockTakeOption,
            [
                StockTakeOption(question=question, slug=label.lower(), label=label, order=order)
                for question in questions
                for order, label in enumerate(labels)
            ],
        )
        by_question = {}
        for option in options:
            by_question.setdefault(option.question_id, []).append(option)
        by_region = {}
        for borough in self.boroughs:
            by_region.setdefault(borough.region, []).append(borough)
        answers = []
        for question in questions:
            for borough in by_region.get(question.stock_take.coverage_region, []):
                if self.rng.random() < 0.15:  # not answered: not recorded
                    continue
                answers.append(
                    StockTakeAnswer(
                        question=question,
                        borough=borough,
                        option=self.rng.choices(by_question[question.pk], weights=(5, 3, 2, 1))[0],
                        **self.sourced(question.pk, "answer"),
                    )
                )
        self.create(StockTakeAnswer, answers)
        self.say(f"{len(rounds)} stock-takes")

    def plan_figures(self):
        """Every plan's and every area's stored figures (actionplans.figures,
        actionplans.dated_figures, casestudies.figures, funding.figures) and the case-study
        facets' (casestudies.facet_figures), counted afresh: the synthetic records link to
        real areas too."""
        plans = list(ActionPlan.objects.values_list("pk", flat=True))
        plan_figures_refresh(plans)
        dated_figures_refresh(plans)
        areas = list(Borough.objects.values_list("pk", flat=True))
        borough_practice_figures_refresh(areas)
        borough_award_figures_refresh(areas)
        case_study_facets_refresh()
        self.say("plan, area and facet figures counted")

    def search_documents(self):
        """Every searchable kind's (case studies, interventions, plan items, funding,
        areas): each index's synthetic records."""
        for index in search_indexes():
            index.store(index.model._default_manager.filter(source=self.source))
        self.say("search documents stored")
