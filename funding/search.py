"""What funding search covers, and keeping the streams' and awards' documents fresh.

How a query is read, widened by synonyms, matched and ranked is core.search, the same for
every search in the portal (docs/decisions/0012-one-search.md); this module says what each
record's document holds:

- a funding stream: its name (A) above its description (B) and its funder (C);
- an award: its title (A) above its purpose (B), its stream and funder (C), and who
  received it (D): boroughs, partnership, organisation.

The receivers below keep the stored documents (a cache of this text) fresh however a
record or what it names changes: the admin, the loader.
"""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from boroughs.models import Borough, Organisation, Partnership
from core.search import SearchIndex

from .models import Award, Funder, FundingStream


def _joined(*texts):
    return "\n".join(text for text in texts if text)


def funding_stream_documents(queryset):
    for stream in queryset.defer("search_vector").select_related("funder"):
        yield (
            stream.pk,
            {
                "A": stream.name,
                "B": stream.description,
                "C": stream.funder.name if stream.funder else "",
            },
        )


def award_documents(queryset):
    records = (
        queryset.defer("search_vector")
        .select_related("stream__funder", "recipient_partnership", "recipient_organisation")
        .prefetch_related("recipient_boroughs")
    )
    for award in records:
        stream = award.stream
        yield (
            award.pk,
            {
                "A": award.title,
                "B": award.purpose,
                "C": _joined(stream.name, stream.funder.name if stream.funder else ""),
                "D": _joined(
                    *(borough.name for borough in award.recipient_boroughs.all()),
                    award.recipient_partnership.name if award.recipient_partnership else "",
                    award.recipient_organisation.name if award.recipient_organisation else "",
                ),
            },
        )


FUNDING_STREAMS = SearchIndex(
    model=FundingStream, documents=funding_stream_documents, snippet_fields=("description",)
)
AWARDS = SearchIndex(
    model=Award,
    documents=award_documents,
    snippet_fields=("purpose",),
    postings="search_postings",
)


# --- Keeping the documents fresh --------------------------------------------------------------


FUNDING_STREAMS.follow_own_records()
AWARDS.follow_own_records()


# An award's document carries the names of its stream and its recipients.
AWARDS.follow_names(FundingStream, Borough, Partnership, Organisation, through="awards")


@receiver(post_save, sender=Funder)
def _funder_saved(sender, instance, created=False, **kwargs):
    if not created:
        FUNDING_STREAMS.refresh(instance.streams.values_list("pk", flat=True))
        AWARDS.refresh(Award.objects.filter(stream__funder=instance).values_list("pk", flat=True))


def _on_recipients(sender, instance, action, reverse, pk_set, **kwargs):
    """An award's recipient boroughs changed (from either side)."""
    if action.startswith("pre_") and not (reverse and action == "pre_clear"):
        return
    if not reverse:
        AWARDS.refresh([instance.pk])
    elif action == "pre_clear":
        instance._search_awards = list(instance.awards.values_list("pk", flat=True))
    elif action == "post_clear":
        AWARDS.refresh(getattr(instance, "_search_awards", []))
    else:
        AWARDS.refresh(pk_set or ())


m2m_changed.connect(_on_recipients, sender=Award.recipient_boroughs.through, weak=False)
