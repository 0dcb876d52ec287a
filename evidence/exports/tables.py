"""The tables of an export (XLSX sheets, CSV files): row generators streamed from the database.

Every table reads its rows with ``.values_list(...).iterator()`` (a server-side
cursor in PostgreSQL), so memory stays flat however many rows there are, and
never runs a query per row: what a row needs from elsewhere (linked solutions,
criteria, open items) is joined into text by correlated ``string_agg``
subqueries in the same statement, and people's names come from a small map
read once. Rows hold plain values (``str``, ``int``, ``bool``, ``None``,
aware ``datetime``); each writer formats them its own way.

The tables show the consultation as of ``context.as_of``: the matrix and the
classifications as they stood then, the rating history and input up to then.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

from django.contrib.auth import get_user_model
from django.contrib.postgres.aggregates import StringAgg
from django.db.models import CharField, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce

from consultation.consensus import ConsensusRule, figures, number
from consultation.models import (
    Assessment,
    AssessmentRevision,
    Classification,
    ClassificationChoice,
    ClassificationRevision,
    Membership,
    OpenItem,
    Reference,
    Role,
    RoundAnswer,
    RoundStatus,
)
from evidence.exports import ExportContext
from evidence.models import InternalNote, Submission, SubmissionStatus

CHUNK = 5000  # rows fetched per round trip of the server-side cursor
JOIN = "; "  # how linked things are joined into one text cell


@dataclass(frozen=True)
class Table:
    """One table: ``key`` names the sheet or file, ``rows()`` yields tuples in the order of ``columns``."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: Callable[[], Iterator[tuple]]


def _live(field: str, context: ExportContext) -> Q:
    """Solutions or criteria not yet retired at ``as_of``."""
    return Q(**{f"{field}__retired_at__isnull": True}) | Q(**{f"{field}__retired_at__gt": context.as_of})


def _joined(through: QuerySet, owner: str, text: str, order: tuple[str, ...]) -> Coalesce:
    """A correlated subquery joining ``text`` of the rows of an M2M ``through`` table of one owner."""
    aggregate = (
        through.filter(**{owner: OuterRef("pk")})
        .values(owner)
        .annotate(joined=StringAgg(text, delimiter=JOIN, order_by=order, output_field=TextField()))
        .values("joined")
    )
    return Coalesce(Subquery(aggregate), Value(""), output_field=TextField())


def people_labels(context: ExportContext) -> dict[int, str]:
    """How every member and author is named in this export, read once.

    The secretariat is named; experts and observers are "Expert N" when
    pseudonymising (``context.author_label``), which also covers authors who
    since left the consultation.
    """
    User = get_user_model()
    consultation = context.consultation
    secretariat = set(
        Membership.objects.filter(consultation=consultation, role=Role.SECRETARIAT).values_list("user_id", flat=True)
    )
    ids = (
        set(Membership.objects.filter(consultation=consultation).values_list("user_id", flat=True))
        | set(context.expert_numbers)
        | set(
            AssessmentRevision.objects.filter(consultation=consultation)
            .exclude(created_by=None)
            .values_list("created_by_id", flat=True)
            .distinct()
        )
        | set(
            InternalNote.objects.filter(submission__consultation=consultation)
            .exclude(author=None)
            .values_list("author_id", flat=True)
            .distinct()
        )
    )
    labels = {}
    for user in User.objects.filter(pk__in=ids):
        if context.pseudonymise and user.pk in secretariat:
            labels[user.pk] = (user.get_full_name() or user.get_username()).strip()
        else:
            labels[user.pk] = context.author_label(user)
    return labels


def _changes(context: ExportContext) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """What changed since ``compare_to``: direction per cell ("up", "down", ...) and per classification."""
    if context.compare_to is None:
        return {}, {}
    from consultation.diffs import diff

    changes = diff(context.consultation, context.compare_to.published_at, context.as_of)
    cells = {(c.solution.code, c.criterion.key): c.direction_text for c in changes.cells}
    classifications = {
        c.solution.code: f"{c.before_label or 'none'} → {c.after_label}" for c in changes.classifications
    }
    return cells, classifications


def matrix(context: ExportContext) -> Table:
    def rows() -> Iterator[tuple]:
        cells, _ = _changes(context)
        owners = Assessment.objects.filter(consultation=context.consultation)
        revisions = (
            AssessmentRevision.objects.as_of(owners, context.as_of)
            .filter(_live("assessment__solution", context), _live("assessment__criterion", context))
            .order_by(
                "assessment__solution__order",
                "assessment__solution__code",
                "assessment__criterion__order",
                "assessment__criterion__key",
            )
            .values_list(
                "assessment__solution__code",
                "assessment__solution__title",
                "assessment__criterion__key",
                "assessment__criterion__name",
                "stars",
                "level",
                "rationale",
                "number",
                "created_at",
            )
        )
        for code, title, key, name, stars, level, rationale, revision, changed_at in revisions.iterator(CHUNK):
            changed = cells.get((code, key), "") if context.compare_to else ""
            yield (code, title, key, name, stars, level, rationale, revision, changed_at, changed)

    changed = f"changed since {context.compare_to.label}" if context.compare_to else "changed since"
    return Table(
        "matrix",
        "Matrix",
        (
            "solution",
            "solution title",
            "criterion",
            "criterion name",
            "stars",
            "level",
            "rationale",
            "revision",
            "changed at",
            changed,
        ),
        rows,
    )


def classifications(context: ExportContext) -> Table:
    labels = dict(ClassificationChoice.choices)

    def rows() -> Iterator[tuple]:
        _, changes = _changes(context)
        owners = Classification.objects.filter(consultation=context.consultation)
        revisions = (
            ClassificationRevision.objects.as_of(owners, context.as_of)
            .filter(_live("classification__solution", context))
            .order_by("classification__solution__order", "classification__solution__code")
            .values_list(
                "classification__solution__code", "classification__solution__title", "value", "number", "created_at"
            )
        )
        for code, title, value, revision, changed_at in revisions.iterator(CHUNK):
            yield (code, title, labels.get(value, value), revision, changed_at, changes.get(code, ""))

    return Table(
        "classifications",
        "Classifications",
        ("solution", "solution title", "classification", "revision", "changed at", "changed since"),
        rows,
    )


def rating_history(context: ExportContext) -> Table:
    def rows() -> Iterator[tuple]:
        labels = people_labels(context)
        revisions = (
            AssessmentRevision.objects.filter(consultation=context.consultation, created_at__lte=context.as_of)
            .order_by(
                "assessment__solution__order",
                "assessment__solution__code",
                "assessment__criterion__order",
                "assessment__criterion__key",
                "number",
            )
            .values_list(
                "assessment__solution__code",
                "assessment__criterion__key",
                "number",
                "stars",
                "level",
                "rationale",
                "reason",
                "source",
                "round__number",
                "created_by_id",
                "created_at",
            )
        )
        for *values, created_by, created_at in revisions.iterator(CHUNK):
            yield (*values, labels.get(created_by, ""), created_at)

    return Table(
        "rating_history",
        "Rating history",
        (
            "solution",
            "criterion",
            "revision",
            "stars",
            "level",
            "rationale",
            "reason",
            "source",
            "round",
            "by",
            "at",
        ),
        rows,
    )


def submissions_queryset(context: ExportContext) -> QuerySet:
    """The submissions table's rows as one SQL statement (also what the benchmark hands to ``COPY``).

    The input the recipient may read (``Submission.objects.visible_to``), submitted by ``as_of``;
    withdrawn input stays in the table with the time it was withdrawn.
    """
    through = Submission.solutions.through.objects
    criteria = Submission.criteria.through.objects
    items = Submission.open_items.through.objects
    return (
        Submission.objects.visible_to(context.recipient, context.consultation)
        .filter(submitted_at__isnull=False, submitted_at__lte=context.as_of)
        .order_by("submitted_at", "id")
        .annotate(
            linked_solutions=_joined(through, "submission", "solution__code", ("solution__order", "solution__code")),
            linked_criteria=_joined(criteria, "submission", "criterion__key", ("criterion__order", "criterion__key")),
            linked_open_items=_joined(items, "submission", "openitem__prompt", ("openitem__created_at", "openitem")),
        )
        .values_list(
            "id",
            "author_id",
            "title",
            "body",
            "status",
            "response",
            "submitted_at",
            "linked_solutions",
            "linked_criteria",
            "linked_open_items",
            "withdrawn_at",
        )
    )


SUBMISSION_COLUMNS = (
    "id",
    "author",
    "title",
    "body",
    "status",
    "response",
    "submitted at",
    "solutions",
    "criteria",
    "open items",
    "withdrawn at",
)


def submission_rows(context: ExportContext, labels: dict[int, str] | None = None) -> Iterator[tuple]:
    """The submissions table's rows, the author named as the export names them."""
    labels = people_labels(context) if labels is None else labels
    statuses = dict(SubmissionStatus.choices)
    for pk, author, title, body, status, *rest in submissions_queryset(context).iterator(CHUNK):
        yield (pk, labels.get(author, "Expert"), title, body, statuses.get(status, status), *rest)


def submissions(context: ExportContext) -> Table:
    return Table("submissions", "Submissions", SUBMISSION_COLUMNS, lambda: submission_rows(context))


def internal_notes(context: ExportContext) -> Table:
    def rows() -> Iterator[tuple]:
        labels = people_labels(context)
        notes = (
            InternalNote.objects.filter(
                submission__in=Submission.objects.visible_to(context.recipient, context.consultation),
                created_at__lte=context.as_of,
            )
            .order_by("submission__submitted_at", "submission_id", "created_at", "id")
            .values_list("submission_id", "submission__title", "author_id", "body", "created_at")
        )
        for submission, title, author, body, created_at in notes.iterator(CHUNK):
            yield (submission, title, labels.get(author, ""), body, created_at)

    return Table("internal_notes", "Internal notes", ("submission", "submission title", "by", "note", "at"), rows)


def open_items(context: ExportContext) -> Table:
    def rows() -> Iterator[tuple]:
        # Only input the recipient may read: an observer's table names no other submission.
        visible = Submission.objects.visible_to(context.recipient, context.consultation).filter(
            submitted_at__isnull=False, submitted_at__lte=context.as_of
        )
        answering = Submission.answers_open_items.through.objects.filter(submission__in=visible.values("pk"))
        items = (
            OpenItem.objects.filter(consultation=context.consultation, created_at__lte=context.as_of)
            .order_by("created_at", "id")
            .annotate(answered_by=_joined(answering, "openitem", Cast("submission_id", CharField()), ("submission",)))
            .values_list(
                "section__number",
                "place",
                "prompt",
                "status",
                "resolution",
                "assessment__solution__code",
                "assessment__criterion__key",
                "answered_by",
            )
        )
        statuses = dict(OpenItem._meta.get_field("status").choices)
        for position, (section, place, prompt, status, resolution, code, key, answered) in enumerate(
            items.iterator(CHUNK), start=1
        ):
            cell = f"{code} × {key}" if code else ""
            yield (position, section or "", place, prompt, statuses.get(status, status), resolution, cell, answered)

    return Table(
        "open_items",
        "Open items",
        ("number", "section", "place", "prompt", "status", "resolution", "cell", "answered by submissions"),
        rows,
    )


def round_results(context: ExportContext) -> Table:
    def rows() -> Iterator[tuple]:
        rule = ConsensusRule.of(context.consultation)
        answers = (
            RoundAnswer.objects.filter(round__consultation=context.consultation, round__opens_at__lte=context.as_of)
            .order_by(
                "round__number",
                "assessment__solution__order",
                "assessment__solution__code",
                "assessment__criterion__order",
                "assessment__criterion__key",
            )
            .values_list(
                "round__number",
                "round__title",
                "round__status",
                "assessment__solution__code",
                "assessment__criterion__key",
                "stars",
            )
        )
        for (round_number, title, status, code, key), group in groupby(answers.iterator(CHUNK), lambda r: r[:5]):
            f = figures((row[5] for row in group), rule)
            yield (
                round_number,
                title,
                dict(RoundStatus.choices).get(status, status),
                code,
                key,
                f.answers,
                f.cannot_judge,
                *(None if v is None else float(number(v)) for v in (f.median, f.q1, f.q3, f.iqr)),
                f.share_within_one,
                "yes" if f.consensus else "no",
                *(f.distribution.get(stars, 0) for stars in (1, 2, 3, 4, 5)),
            )

    return Table(
        "round_results",
        "Round results",
        (
            "round",
            "round title",
            "round status",
            "solution",
            "criterion",
            "answers",
            "cannot judge",
            "median",
            "q1",
            "q3",
            "iqr",
            "% within one star",
            "consensus",
            "1 star",
            "2 stars",
            "3 stars",
            "4 stars",
            "5 stars",
        ),
        rows,
    )


def references(context: ExportContext) -> Table:
    def rows() -> Iterator[tuple]:
        solutions = Reference.solutions.through.objects
        refs = (
            Reference.objects.filter(consultation=context.consultation)
            .order_by("group_order", "number")
            .annotate(linked=_joined(solutions, "reference", "solution__code", ("solution__order", "solution__code")))
            .values_list("group", "number", "authors", "title", "year", "venue", "url", "doi", "linked")
        )
        yield from refs.iterator(CHUNK)

    return Table(
        "references",
        "References",
        ("group", "number", "authors", "title", "year", "venue", "url", "doi", "solutions"),
        rows,
    )


def tables(context: ExportContext) -> list[Table]:
    """Every table of an export, in the order of the sheets; internal notes only when asked for."""
    chosen = [
        matrix(context),
        classifications(context),
        rating_history(context),
        submissions(context),
    ]
    if context.include_internal_notes:
        chosen.append(internal_notes(context))
    chosen += [open_items(context), round_results(context), references(context)]
    return chosen


def about_rows(context: ExportContext, chosen: Iterable[Table]) -> list[tuple[str, str]]:
    """The "About" facts: what was exported, for whom, when, with which options."""
    consultation = context.consultation
    made_at = context.made_at or context.as_of
    recipient = context.recipient
    made_for = (recipient.get_full_name() or recipient.get_username()) if recipient is not None else ""
    return [
        ("Consultation", str(consultation)),
        ("Marking", consultation.marking),
        ("Made for", made_for),
        ("Made at", made_at.isoformat(timespec="seconds")),
        ("As of", context.version.label if context.version else context.as_of.isoformat(timespec="seconds")),
        ("Changes marked since", context.compare_to.label if context.compare_to else "—"),
        ("Experts pseudonymised", "yes" if context.pseudonymise else "no"),
        ("Internal notes included", "yes" if context.include_internal_notes else "no"),
        ("Watermark", context.watermark or "—"),
        ("Tables", ", ".join(t.title for t in chosen)),
    ]
