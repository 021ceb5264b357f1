"""Full-text search over case studies and interventions, on PostgreSQL and on SQLite.

One query language on both databases, the web-search syntax people already type: words
(every one must match), "quoted phrases", -excluded words or phrases, and `or` between
two alternatives. It is parsed here, so both databases read a query alike, and anything
malformed (`"unclosed`, `---`, `&&||`, `(`) is searched as the plain words it holds —
never an error. A query that holds no word at all matches nothing.

PostgreSQL searches English full text. A case study's document weights its title (A)
above its summary (B), its five sections (C) and the text of what it links to (D):
boroughs, partnership, interventions, their providers and the outcomes. The document is
stored in CaseStudy.search_vector (GIN-indexed) by refresh_case_study_vectors, which the
services call after every write. Saving a case study any other way (the admin, the data
loader) or changing what it links to clears its stored vector — the receivers below,
which only invalidate that cache — and a case study without a stored vector is searched
with its document computed on the fly, so freshly loaded data is found either way.
websearch_to_tsquery reads the query, ts_rank ranks and ts_headline marks the snippet.
Interventions are few and edited in the admin: their document is always computed.

A query PostgreSQL cannot search as full text — only common words such as "the" — is
searched as SQLite searches.

SQLite, the embedded default, matches simply: each word or phrase must start a word, in
any case, somewhere in the same fields ("line" finds "lines", not "guidelines"); an
excluded one nowhere. It ranks with the same weights, counting where the words appear;
the snippet is the text around the first match.

Snippets are HTML: everything escaped, each match inside <mark>.
"""

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections, router
from django.db.models import (
    Case,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Concat, Least, Length, Lower, Replace
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.html import escape
from django.utils.safestring import mark_safe

from boroughs.models import Borough, Organisation, Partnership

from .models import CaseStudy, Intervention, Outcome

#: The PostgreSQL text-search configuration: English stemming and stop words.
CONFIG = "english"
#: Words and phrases a query may hold; the rest are ignored.
MAX_TERMS = 12
#: ts_rank's default weights for D, C, B and A, which the simple ranking copies.
WEIGHTS = {"A": 1.0, "B": 0.4, "C": 0.2, "D": 0.1}
#: In the simple ranking, occurrences of a term in one weight's fields count up to this.
MAX_COUNTED = 5
#: Snippet length, in words around the first match (simple) or per fragment (PostgreSQL).
SNIPPET_WORDS = 35
#: ts_headline marks matches with these; they are swapped for <mark> after escaping.
START, STOP = "\ue000", "\ue001"

#: PostgreSQL's English stop words (tsearch_data/english.stop): a query made only of
#: these has no lexemes, so it cannot be searched as full text.
STOP_WORDS = frozenset(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing a an the and but if or because as until while of at by for
    with about against between into through during before after above below to from up
    down in out on off over under again further then once here there when where why how
    all any both each few more most other some such no nor not only own same so than too
    very s t can will just don should now
    """.split()
)


# --- Reading a query ---------------------------------------------------------------------

_TOKEN = re.compile(r'(-*)"([^"]*)"?|([^\s"]+)')
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    text: str  # words separated by single spaces, as typed (case kept)
    phrase: bool = False  # typed in quotes

    def websearch(self):
        return f'"{self.text}"' if self.phrase else self.text

    @property
    def full_text_searchable(self):
        """Whether PostgreSQL finds a lexeme in it (a word that is not a stop word)."""
        return any(word not in STOP_WORDS for word in _WORD.findall(self.text.lower()))


@dataclass(frozen=True)
class Group:
    """Terms that must all match, and excluded terms none of which may."""

    terms: tuple = ()  # of Term
    excluded: tuple = ()  # of Term

    def websearch(self):
        return " ".join(
            [term.websearch() for term in self.terms]
            + [f"-{term.websearch()}" for term in self.excluded]
        )


@dataclass(frozen=True)
class ParsedQuery:
    """A search, as websearch_to_tsquery reads one: groups separated by `or`, any of
    which may match; within a group every term must match and no excluded one may."""

    text: str = ""
    groups: tuple = ()  # of Group

    def __bool__(self):
        """Whether anything was asked for at all (a blank query asks for nothing)."""
        return bool(self.text.strip())

    @property
    def matches_nothing(self):
        """Typed, but no word in it: nothing can match."""
        return bool(self) and not self.groups

    @property
    def terms(self):
        """Every term that must or may match, for ranking and marking."""
        return [term for group in self.groups for term in group.terms]

    @property
    def excluded(self):
        return [term for group in self.groups for term in group.excluded]

    @property
    def full_text(self):
        return any(term.full_text_searchable for term in (*self.terms, *self.excluded))

    def websearch(self):
        """The query in websearch_to_tsquery's syntax, as parsed here."""
        return " or ".join(group.websearch() for group in self.groups)


def _clean_word(word):
    return _EDGE_PUNCTUATION.sub("", word)


def _term(words, phrase):
    words = [cleaned for cleaned in (_clean_word(word) for word in words) if cleaned]
    if not words:
        return None
    return Term(" ".join(words), phrase)


def parse_query(text):
    """Read a query in web-search syntax; whatever is typed, never an error. As in
    websearch_to_tsquery, `or` separates groups: "county lines or hospital" is (county
    and lines) or hospital."""
    text = (text or "").strip()
    groups, terms, excluded = [], [], []
    count = 0

    def close_group():
        if terms or excluded:
            groups.append(Group(tuple(terms), tuple(excluded)))
        terms.clear()
        excluded.clear()

    for match in _TOKEN.finditer(text):
        if count >= MAX_TERMS:
            break
        dashes, phrase, word = match.groups()
        if word is not None and word.lower() == "or":
            close_group()
            continue
        if word is not None:
            negated = word.startswith("-")
            term = _term([word.lstrip("-")], phrase=False)
        else:
            negated = bool(dashes)
            term = _term(phrase.split(), phrase=True)
        if term is None:  # punctuation alone, such as --- or &&||: nothing to search for
            continue
        count += 1
        (excluded if negated else terms).append(term)
    close_group()
    return ParsedQuery(text=text, groups=tuple(groups))


# --- What each model's search covers -------------------------------------------------------


def _joined(queryset, key, expression):
    """The values of `expression` over `queryset`'s rows for the outer record, joined by
    spaces, as a subquery."""
    return Subquery(
        queryset.values(key).annotate(joined=StringAgg(expression, delimiter=" ")).values("joined"),
        output_field=TextField(),
    )


@dataclass(frozen=True)
class Searchable:
    """How one model is searched: its fields by weight, the text of related records, the
    field that stores its document (if any) and the fields a snippet is cut from."""

    model: type
    fields: dict  # weight -> field names
    related_weight: str
    stored: str | None
    snippet_fields: tuple

    def related_text(self, model):
        """PostgreSQL expressions for the related records' text, for the outer record."""
        raise NotImplementedError

    def related_match(self, pattern):
        """A Q: the record is linked to something whose text matches the regular
        expression `pattern`, in any case."""
        raise NotImplementedError

    def document(self, model=None):
        """The weighted tsvector, computed. `model` may be a migration's historical model."""
        model = model or self.model
        vectors = [
            SearchVector(*names, weight=weight, config=CONFIG)
            for weight, names in self.fields.items()
        ]
        vectors.append(
            SearchVector(*self.related_text(model), weight=self.related_weight, config=CONFIG)
        )
        return reduce(lambda left, right: left + right, vectors)

    def text_fields(self):
        return [name for names in self.fields.values() for name in names]


class CaseStudySearchable(Searchable):
    def related_text(self, model):
        boroughs = model.boroughs.through
        interventions = model.interventions.through
        partnership = model._meta.get_field("partnership").related_model
        outcome = model._meta.get_field("outcomes").related_model
        return [
            _joined(
                boroughs.objects.filter(casestudy=OuterRef("pk")), "casestudy", "borough__name"
            ),
            Subquery(
                partnership.objects.filter(pk=OuterRef("partnership_id")).values("name")[:1],
                output_field=TextField(),
            ),
            _joined(
                interventions.objects.filter(casestudy=OuterRef("pk")),
                "casestudy",
                "intervention__name",
            ),
            _joined(
                interventions.objects.filter(
                    casestudy=OuterRef("pk"), intervention__providers__isnull=False
                ),
                "casestudy",
                "intervention__providers__name",
            ),
            _joined(
                outcome.objects.filter(case_study=OuterRef("pk")),
                "case_study",
                Concat("metric", Value(" "), "quote", output_field=TextField()),
            ),
        ]

    def related_match(self, pattern):
        through = CaseStudy.interventions.through
        return (
            Q(
                pk__in=CaseStudy.boroughs.through.objects.filter(
                    borough__name__iregex=pattern
                ).values("casestudy_id")
            )
            | Q(pk__in=CaseStudy.objects.filter(partnership__name__iregex=pattern).values("pk"))
            | Q(
                pk__in=through.objects.filter(
                    Q(intervention__name__iregex=pattern)
                    | Q(intervention__providers__name__iregex=pattern)
                ).values("casestudy_id")
            )
            | Q(
                pk__in=Outcome.objects.filter(
                    Q(metric__iregex=pattern) | Q(quote__iregex=pattern)
                ).values("case_study_id")
            )
        )


class InterventionSearchable(Searchable):
    def related_text(self, model):
        providers = model.providers.through
        return [
            _joined(
                providers.objects.filter(intervention=OuterRef("pk")),
                "intervention",
                "organisation__name",
            )
        ]

    def related_match(self, pattern):
        return Q(
            pk__in=Intervention.providers.through.objects.filter(
                organisation__name__iregex=pattern
            ).values("intervention_id")
        )


CASE_STUDIES = CaseStudySearchable(
    model=CaseStudy,
    fields={
        "A": ("title",),
        "B": ("summary",),
        "C": ("challenge", "solution", "impact", "lessons_learned", "sustainability"),
    },
    related_weight="D",
    stored="search_vector",
    snippet_fields=("summary", "solution", "challenge", "impact", "lessons_learned"),
)
INTERVENTIONS = InterventionSearchable(
    model=Intervention,
    fields={"A": ("name",), "B": ("description",)},
    related_weight="C",
    stored=None,
    snippet_fields=("description",),
)


# --- Matching and ranking ------------------------------------------------------------------


def _vendor(queryset):
    return connections[queryset.db].vendor


def _full_text(queryset, parsed):
    return _vendor(queryset) == "postgresql" and parsed.full_text


def _search_query(parsed):
    return SearchQuery(parsed.websearch(), search_type="websearch", config=CONFIG)


def _word_start(term, vendor):
    """A regular expression for the term at the start of a word, in the database's dialect:
    "line" finds "lines" but not "guidelines"."""
    words = r"\s+".join(re.escape(word) for word in term.text.split())
    return (r"\m" if vendor == "postgresql" else r"\b") + words


def _simple_term(searchable, term, vendor):
    """The term starts a word, in any case, in one of the fields or a related record."""
    pattern = _word_start(term, vendor)
    return reduce(
        or_,
        [Q(**{f"{name}__iregex": pattern}) for name in searchable.text_fields()],
        searchable.related_match(pattern),
    )


def _simple_match(searchable, parsed, vendor):
    def group_match(group):
        conditions = [_simple_term(searchable, term, vendor) for term in group.terms]
        conditions += [~_simple_term(searchable, term, vendor) for term in group.excluded]
        return reduce(and_, conditions)

    return reduce(or_, [group_match(group) for group in parsed.groups])


def matching(queryset, searchable, parsed):
    """The records of `queryset` that match the parsed query (all of them if it is blank)."""
    if not parsed:
        return queryset
    if parsed.matches_nothing:
        return queryset.none()
    if not _full_text(queryset, parsed):
        return queryset.filter(_simple_match(searchable, parsed, _vendor(queryset)))
    query = _search_query(parsed)
    if not searchable.stored:
        return queryset.alias(search_document=searchable.document()).filter(search_document=query)
    # Two subqueries, so that neither reads a stored vector it does not need: the stored
    # vectors that match, through their GIN index; and, among case studies without one
    # (through a partial index), those whose computed document matches.
    records = searchable.model._default_manager
    stored = records.filter(**{searchable.stored: query}).values("pk")
    computed = (
        records.filter(**{f"{searchable.stored}__isnull": True})
        .alias(search_document=searchable.document())
        .filter(search_document=query)
        .values("pk")
    )
    return queryset.filter(Q(pk__in=stored) | Q(pk__in=computed))


def _occurrences(name, text):
    """How many times `text` appears in the field, in any case (SQLite's lower() folds
    ASCII letters only)."""
    lowered = Lower(name)
    return (Length(lowered) - Length(Replace(lowered, Value(text.lower())))) / Value(len(text))


def _simple_rank(searchable, parsed, vendor):
    """Each term scores, for each weight, the weight times how often it appears in that
    weight's fields (counting up to MAX_COUNTED), plus the related records' weight once
    if one of them mentions it. The sum s is scaled to s / (s + 1), between 0 and 1 as
    ts_rank is."""
    scores = []
    for term in parsed.terms:
        for weight, names in searchable.fields.items():
            found = reduce(lambda a, b: a + b, [_occurrences(name, term.text) for name in names])
            scores.append(Least(found, Value(MAX_COUNTED)) * Value(WEIGHTS[weight]))
        scores.append(
            Case(
                When(searchable.related_match(_word_start(term, vendor)), then=Value(1)),
                default=Value(0),
            )
            * Value(WEIGHTS[searchable.related_weight])
        )
    if not scores:
        return Value(0.0, output_field=FloatField())
    total = reduce(lambda a, b: a + b, scores, Value(0.0))
    return ExpressionWrapper(total / (total + Value(1.0)), output_field=FloatField())


def with_rank(queryset, searchable, parsed):
    """Annotate `search_rank`, between 0 and 1, higher more relevant: ts_rank of the
    stored document on PostgreSQL, the simple ranking elsewhere.

    A case study without a stored document (briefly: from a change made outside the
    services until the next refresh) is ranked the simple way on PostgreSQL too. Ranking
    its computed document instead would be exact, but PostgreSQL's planner then prices
    every row as if its document were computed, and on large tables spends seconds
    JIT-compiling the query.
    """
    if not parsed or parsed.matches_nothing:
        return queryset.annotate(search_rank=Value(0.0, output_field=FloatField()))
    if not _full_text(queryset, parsed):
        return queryset.annotate(search_rank=_simple_rank(searchable, parsed, _vendor(queryset)))
    query = _search_query(parsed)
    if not searchable.stored:
        return queryset.annotate(search_rank=SearchRank(searchable.document(), query))
    return queryset.annotate(
        search_rank=Case(
            When(
                **{f"{searchable.stored}__isnull": True},
                then=_simple_rank(searchable, parsed, _vendor(queryset)),
            ),
            default=SearchRank(F(searchable.stored), query),
            output_field=FloatField(),
        )
    )


def with_headline(queryset, searchable, parsed):
    """On PostgreSQL's full-text search, annotate `search_headline`: ts_headline's
    fragments of the snippet fields with the matches between START and STOP. Elsewhere the
    snippet is cut in Python from the fields already fetched (snippet())."""
    if not parsed or parsed.matches_nothing or not _full_text(queryset, parsed):
        return queryset
    # Without the markers, should a text hold them: only ts_headline's may become marks.
    fields = [
        Replace(
            Replace(F(name), Value(START), Value(""), output_field=TextField()),
            Value(STOP),
            Value(""),
            output_field=TextField(),
        )
        for name in searchable.snippet_fields
    ]
    text = reduce(
        lambda left, right: Concat(left, Value("\n\n"), right, output_field=TextField()),
        fields,
    )
    return queryset.annotate(
        search_headline=SearchHeadline(
            text,
            _search_query(parsed),
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_words=SNIPPET_WORDS,
            min_words=SNIPPET_WORDS // 2,
            max_fragments=2,
            fragment_delimiter=" … ",
        )
    )


# --- Snippets --------------------------------------------------------------------------------

_MARKDOWN = [
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](link) -> text
    (re.compile(r"(\*\*|__|`)"), ""),
    (re.compile(r"(?m)^\s*(#+|[-*+]|\d+\.)\s+"), ""),
]
_SPACE = re.compile(r"\s+")


def _plain(text, *, markers=False):
    """Markdown's marks removed and whitespace collapsed: a snippet is one line of text.
    START and STOP go too, unless they are ts_headline's (`markers`)."""
    if not markers:
        text = text.replace(START, "").replace(STOP, "")
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    return _SPACE.sub(" ", text).strip()


def _marked(text):
    """Escape everything, then turn each START…STOP pair into <mark>…</mark>."""
    html = escape(text)
    html = re.sub(f"{STOP}(\\s+){START}", r"\1", html)  # neighbouring words: one mark
    html = re.sub(f"{START}([^{START}{STOP}]*){STOP}", r"<mark>\1</mark>", html)
    return mark_safe(html.replace(START, "").replace(STOP, ""))  # noqa: S308 - escaped above


def _term_pattern(terms):
    """The terms at the start of a word, as the simple match finds them."""
    alternatives = sorted(
        {r"\s+".join(re.escape(word) for word in term.text.split()) for term in terms},
        key=len,
        reverse=True,
    )
    if not alternatives:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def _window(text, start, end, words=SNIPPET_WORDS):
    """About `words` words of `text` around text[start:end], with … where it is cut."""
    before = text[:start].split(" ")  # the last is the part of a word before the match
    after = text[end:].split(" ")  # the first is the rest of the match's word
    keep_before = min(len(before) - 1, words // 3)
    keep_after = max(words - keep_before, 1)
    window = " ".join(before[len(before) - 1 - keep_before :])
    window += text[start:end] + " ".join(after[:keep_after])
    prefix = "… " if len(before) - 1 > keep_before else ""
    suffix = " …" if len(after) > keep_after else ""
    return f"{prefix}{window}{suffix}"


def plain_snippet(texts, parsed):
    """The text around the first match in `texts` (tried in order), escaped, every match
    in it marked; the start of the first text when none matches."""
    texts = [_plain(text) for text in texts if text and text.strip()]
    if not texts:
        return mark_safe("")  # noqa: S308 - nothing to escape
    pattern = _term_pattern(parsed.terms)
    for text in texts if pattern else ():
        found = pattern.search(text)
        if found:
            window = _window(text, found.start(), found.end())
            return _marked(pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", window))
    words = texts[0].split(" ")
    cut = " ".join(words[:SNIPPET_WORDS]) + (" …" if len(words) > SNIPPET_WORDS else "")
    return _marked(cut)


def snippet(record, searchable, parsed):
    """The record's snippet for the search, as safe HTML: ts_headline's where the query
    annotated one, otherwise cut here."""
    headline = getattr(record, "search_headline", None)
    if headline is not None:
        text = _plain(headline, markers=True)
        if not text.replace(START, "").replace(STOP, "").strip():
            return plain_snippet([getattr(record, n) for n in searchable.snippet_fields], parsed)
        whole = _plain(" ".join(getattr(record, n) or "" for n in searchable.snippet_fields))
        bare = text.replace(START, "").replace(STOP, "")
        if not whole.startswith(bare[:40]):
            text = f"… {text}"
        if not whole.endswith(bare[-40:]):
            text = f"{text} …"
        return _marked(text)
    return plain_snippet([getattr(record, name) for name in searchable.snippet_fields], parsed)


# --- Keeping stored vectors fresh --------------------------------------------------------------


def refresh_case_study_vectors(queryset):
    """Store the computed document of each case study in `queryset` (PostgreSQL only;
    SQLite has no stored vectors). One UPDATE; returns how many were refreshed."""
    if _vendor(queryset) != "postgresql":
        return 0
    return queryset.update(search_vector=CASE_STUDIES.document(queryset.model))


def refresh_historical_case_study_vectors(model, using):
    """refresh_case_study_vectors for a migration's historical model."""
    return model.objects.using(using).update(search_vector=CASE_STUDIES.document(model))


def _on_postgresql(model):
    return connections[router.db_for_write(model)].vendor == "postgresql"


def _clear(case_studies):
    """Forget the stored vectors of these case studies (a queryset or ids): the search
    computes theirs until they are refreshed."""
    if not isinstance(case_studies, list | set | tuple):
        case_studies = case_studies.values("pk")
    CaseStudy.objects.filter(pk__in=case_studies, search_vector__isnull=False).update(
        search_vector=None
    )


@receiver(pre_save, sender=CaseStudy)
def _case_study_saved(sender, instance, update_fields=None, **kwargs):
    # A full save writes the vector back as it was read: empty it, so it is never stale.
    if update_fields is None:
        instance.search_vector = None


@receiver(post_save, sender=CaseStudy)
def _case_study_fields_saved(sender, instance, update_fields=None, **kwargs):
    indexed = set(CASE_STUDIES.text_fields()) | {"partnership"}
    if update_fields and indexed & set(update_fields) and _on_postgresql(CaseStudy):
        _clear([instance.pk])


@receiver(post_save, sender=Outcome)
@receiver(post_delete, sender=Outcome)
def _outcome_changed(sender, instance, **kwargs):
    if _on_postgresql(CaseStudy):
        _clear([instance.case_study_id])


@receiver(post_save, sender=Intervention)
def _intervention_saved(sender, instance, created=False, raw=False, **kwargs):
    if not created and _on_postgresql(CaseStudy):
        _clear(CaseStudy.objects.filter(interventions=instance))


@receiver(post_save, sender=Borough)
def _borough_saved(sender, instance, created=False, **kwargs):
    if not created and _on_postgresql(CaseStudy):
        _clear(CaseStudy.objects.filter(boroughs=instance))


@receiver(post_save, sender=Partnership)
def _partnership_saved(sender, instance, created=False, **kwargs):
    if not created and _on_postgresql(CaseStudy):
        _clear(CaseStudy.objects.filter(partnership=instance))


@receiver(post_save, sender=Organisation)
def _organisation_saved(sender, instance, created=False, **kwargs):
    if not created and _on_postgresql(CaseStudy):
        _clear(CaseStudy.objects.filter(interventions__providers=instance))


def _links_changed(case_studies_of):
    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
            return
        if not _on_postgresql(CaseStudy):
            return
        _clear(case_studies_of(instance, reverse, pk_set))

    return changed


def _case_studies_linked(instance, reverse, pk_set):
    """The case studies on the changed side of a case study's many-to-many field."""
    if not reverse:
        return [instance.pk]
    return list(pk_set or ()) or instance.case_studies.all()


def _case_studies_using(instance, reverse, pk_set):
    """The case studies using the interventions whose providers changed."""
    interventions = pk_set if reverse else [instance.pk]
    if reverse and not pk_set:
        interventions = instance.interventions.values("pk")
    return CaseStudy.objects.filter(interventions__in=interventions)


_on_boroughs = _links_changed(_case_studies_linked)
_on_interventions = _links_changed(_case_studies_linked)
_on_providers = _links_changed(_case_studies_using)
m2m_changed.connect(_on_boroughs, sender=CaseStudy.boroughs.through, weak=False)
m2m_changed.connect(_on_interventions, sender=CaseStudy.interventions.through, weak=False)
m2m_changed.connect(_on_providers, sender=Intervention.providers.through, weak=False)
