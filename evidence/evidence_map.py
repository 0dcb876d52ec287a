"""The evidence map: every piece of evidence of a rating cell, a solution or an open item, as one list.

A piece of evidence is expert input linked to what is shown, an excerpt of a
source document or of input, a reference of the draft's annex, a rating round's
figures, or a revision of the rating with what it rested on. Each comes with a
stance (supports the current rating, argues for higher or lower, context), a
date, a title or quote, an author label and a link, newest first.

Visibility is the evidence app's one rule (``Submission.objects.visible_to``):
input and excerpts of input the viewer may not read are left out, and authors
are shown as the viewer may know them ("Expert N" for other experts and
observers). Each list costs a constant number of queries whatever its length.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from consultation.models import (
    Assessment,
    AssessmentRevision,
    Consultation,
    Criterion,
    OpenItem,
    Reference,
    Role,
    RoundStatus,
    Solution,
)
from consultation.rules import role_of
from evidence.linked_input import display_name, submission_url
from evidence.models import Excerpt, ProposedRating, Stance, Submission
from evidence.querysets import cell_excerpts, cell_submissions, visible_excerpts
from evidence.services.pseudonyms import pseudonym_labels


class Kind:
    """The kinds of evidence, in the order a list shows items of the same date."""

    SUBMISSION = "submission"
    EXCERPT = "excerpt"
    ROUND = "round"
    REVISION = "revision"
    REFERENCE = "reference"

    choices = [
        (SUBMISSION, "Expert input"),
        (EXCERPT, "Excerpt"),
        (ROUND, "Round result"),
        (REVISION, "Revision"),
        (REFERENCE, "Reference"),
    ]
    labels = dict(choices)


STANCE_LABELS = dict(Stance.choices)
# The stances that argue for a change of the rating.
CHANGE_STANCES = (Stance.HIGHER, Stance.LOWER)


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence as the pages and the API show it."""

    kind: str
    pk: int
    stance: str
    date: datetime | None
    title: str
    quote: str = ""
    author: str = ""
    url: str = ""
    detail: str = ""
    withdrawn: bool = False
    # Argues for a change (higher or lower) dated after the rating's latest revision, which does not cite it.
    undecided: bool = False

    @property
    def kind_label(self) -> str:
        return Kind.labels[self.kind]

    @property
    def stance_label(self) -> str:
        return STANCE_LABELS[self.stance]


@dataclass(frozen=True)
class EvidenceFilter:
    """What a list is narrowed to: kinds, stances and a range of dates (days, both ends included)."""

    kinds: tuple[str, ...] = ()
    stances: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    @property
    def active(self) -> bool:
        return bool(self.kinds or self.stances or self.date_from or self.date_to)

    def keeps(self, item: EvidenceItem) -> bool:
        if self.kinds and item.kind not in self.kinds:
            return False
        if self.stances and item.stance not in self.stances:
            return False
        if self.date_from or self.date_to:
            if item.date is None:
                return False
            day = timezone.localtime(item.date).date()
            if self.date_from and day < self.date_from:
                return False
            if self.date_to and day > self.date_to:
                return False
        return True


@dataclass
class EvidenceMap:
    """The evidence of one cell, solution or open item, newest first (undated references last)."""

    items: list[EvidenceItem] = field(default_factory=list)
    total: int = 0

    @property
    def undecided(self) -> list[EvidenceItem]:
        return [item for item in self.items if item.undecided]


def stance_of_proposal(proposed: int | None, current: int | None, has_rating: bool) -> str:
    """A proposed rating against the cell's current stars: higher, lower, supports; context when either is N/A."""
    if not has_rating or proposed is None or current is None:
        return Stance.SUPPORTS if has_rating and proposed is None and current is None else Stance.CONTEXT
    if proposed > current:
        return Stance.HIGHER
    if proposed < current:
        return Stance.LOWER
    return Stance.SUPPORTS


def _stars(value: int | None) -> str:
    return "N/A" if value is None else f"{value}★"


def _sorted(items: list[EvidenceItem], filters: EvidenceFilter | None) -> EvidenceMap:
    order = {kind: n for n, (kind, _) in enumerate(Kind.choices)}
    floor = datetime.min.replace(tzinfo=timezone.get_current_timezone())
    ordered = sorted(items, key=lambda i: (i.date is not None, i.date or floor, -order[i.kind], i.pk), reverse=True)
    kept = [i for i in ordered if filters is None or filters.keeps(i)]
    return EvidenceMap(items=kept, total=len(items))


class _Authors:
    """Author labels as the viewer may know them: "You", a name for the secretariat, "Expert N" for the others."""

    def __init__(self, viewer, consultation: Consultation, submissions) -> None:
        self.viewer, self.role = viewer, role_of(viewer, consultation)
        others = {s.author_id for s in submissions if s.author_id != viewer.pk}
        self.labels = pseudonym_labels(consultation, others) if others and self.role != Role.SECRETARIAT else {}

    def __call__(self, submission: Submission) -> str:
        if submission.author_id == self.viewer.pk:
            return "You"
        if self.role == Role.SECRETARIAT:
            return display_name(submission.author)
        return self.labels.get(submission.author_id, "An expert")


def _submission_item(s: Submission, *, stance: str, detail: str, authors: _Authors, slug: str, undecided=False):
    return EvidenceItem(
        kind=Kind.SUBMISSION,
        pk=s.pk,
        stance=stance,
        date=s.submitted_at,
        title=str(s),
        author=authors(s),
        url=submission_url(s, role=authors.role, slug=slug),
        detail=detail,
        withdrawn=s.is_withdrawn,
        undecided=undecided,
    )


def _excerpt_item(e: Excerpt, *, authors: _Authors, slug: str, undecided: bool = False) -> EvidenceItem:
    if e.source_id:
        source = e.source
        author = source.author or source.reference
        title = str(source)
        url = _source_url(slug, e)
        detail = f"From {title}" + (f" ({source.date:%d %b %Y})" if source.date else "")
    else:
        author = authors(e.submission)
        title = str(e.submission)
        url = submission_url(e.submission, role=authors.role, slug=slug)
        detail = f"Quoted from the input “{title}”"
    if e.note:
        detail += f". {e.note}"
    return EvidenceItem(
        kind=Kind.EXCERPT,
        pk=e.pk,
        stance=e.stance,
        date=e.created_at,
        title=title,
        quote=e.quote,
        author=author,
        url=url,
        detail=detail,
        undecided=undecided,
    )


def _source_url(slug: str, excerpt: Excerpt) -> str:
    """The excerpt on its source document's page where the library has one (helper pages may not exist yet)."""
    from django.urls import NoReverseMatch

    for name, args in (("evidence:excerpt", [slug, excerpt.pk]), ("evidence:source", [slug, excerpt.source_id])):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def _reference_item(reference: Reference, slug: str) -> EvidenceItem:
    url = reference.url if reference.url.startswith(("http://", "https://")) else ""
    detail = ", ".join(str(part) for part in (reference.venue, reference.year) if part)
    return EvidenceItem(
        kind=Kind.REFERENCE,
        pk=reference.pk,
        stance=Stance.CONTEXT,
        date=None,
        title=reference.title,
        author=reference.authors,
        url=url or reverse("consultation:references", args=[slug]),
        detail=detail,
    )


def _excerpts_queryset(viewer, consultation: Consultation):
    return (
        visible_excerpts(viewer, consultation)
        .select_related("source", "submission", "submission__author", "submission__author__profile")
        .order_by("-created_at", "-pk")
    )


def _submissions_queryset(viewer, consultation: Consultation):
    return (
        Submission.objects.visible_to(viewer, consultation)
        .submitted()
        .select_related("author", "author__profile")
        .order_by("-submitted_at", "-pk")
    )


# --- A cell ----------------------------------------------------------------------------------------------


def cell_evidence(
    viewer, consultation: Consultation, solution: Solution, criterion: Criterion, filters: EvidenceFilter | None = None
) -> EvidenceMap:
    """Every piece of evidence of the cell ``solution`` × ``criterion`` the viewer may see, newest first.

    Input linked to both the solution and the criterion, or proposing a rating of
    the cell (its stance: the proposal against the current stars); excerpts
    linked to the cell, or to both its solution and criterion; the solution's
    references; the rounds that rated the cell (closed ones only for experts);
    the cell's revisions with what they rest on. Evidence arguing for higher or
    lower, dated after the latest revision and not cited by it, is marked
    ``undecided``. A constant number of queries.
    """
    slug = consultation.slug
    assessment = (
        Assessment.objects.filter(solution=solution, criterion=criterion)
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=AssessmentRevision.objects.select_related("created_by", "round")
                .prefetch_related(
                    Prefetch("evidence", queryset=Submission.objects.order_by("pk").only("pk", "title")),
                    Prefetch("excerpts", queryset=Excerpt.objects.order_by("pk").only("pk", "quote", "submission_id")),
                )
                .order_by("number"),
            )
        )
        .first()
    )
    revisions = list(assessment.revisions.all()) if assessment else []
    latest = revisions[-1] if revisions else None
    has_rating = latest is not None
    current = latest.stars if latest else None
    cited_submissions = {s.pk for s in latest.evidence.all()} if latest else set()
    cited_excerpts = {e.pk for e in latest.excerpts.all()} if latest else set()

    def is_undecided(stance: str, when: datetime | None, cited: bool) -> bool:
        if stance not in CHANGE_STANCES or cited or when is None:
            return False
        return latest is None or when > latest.created_at

    submissions = list(
        cell_submissions(_submissions_queryset(viewer, consultation), solution, criterion).prefetch_related(
            Prefetch(
                "proposed_ratings",
                queryset=ProposedRating.objects.filter(solution=solution, criterion=criterion),
                to_attr="cell_proposals",
            )
        )
    )
    excerpts = list(cell_excerpts(_excerpts_queryset(viewer, consultation), solution, criterion, assessment))
    readable = {s.pk for s in submissions}
    authors = _Authors(viewer, consultation, [*submissions, *(e.submission for e in excerpts if e.submission_id)])
    items: list[EvidenceItem] = []
    for s in submissions:
        proposal = s.cell_proposals[0] if s.cell_proposals else None
        if proposal is None:
            stance, detail = Stance.CONTEXT, "Linked to the solution and the criterion."
        else:
            stance = stance_of_proposal(proposal.stars, current, has_rating)
            detail = f"Proposes {_stars(proposal.stars)}" + (f" (now {_stars(current)})" if has_rating else "")
            if proposal.justification:
                detail += f": {proposal.justification}"
        undecided = (
            proposal is not None
            and not s.is_withdrawn
            and is_undecided(stance, s.submitted_at, s.pk in cited_submissions)
        )
        items.append(_submission_item(s, stance=stance, detail=detail, authors=authors, slug=slug, undecided=undecided))
    for e in excerpts:
        withdrawn = e.submission_id is not None and e.submission.is_withdrawn
        undecided = not withdrawn and is_undecided(e.stance, e.created_at, e.pk in cited_excerpts)
        items.append(_excerpt_item(e, authors=authors, slug=slug, undecided=undecided))
    items += [_reference_item(r, slug) for r in solution.references.order_by("group_order", "number")]
    if assessment is not None:
        items += _round_items(viewer, consultation, assessment, current, has_rating)
        items += _revision_items(consultation, solution, criterion, revisions, viewer, readable)
    return _sorted(items, filters)


def _round_items(viewer, consultation, assessment, current, has_rating) -> list[EvidenceItem]:
    from consultation.rounds import cell_round_results
    from consultation.rules import can_view_round_results

    items = []
    for result in cell_round_results(assessment):
        round_ = result.round
        round_.consultation = consultation  # the rule reads the role of the viewer in it
        if not can_view_round_results(viewer, round_):
            continue
        figures = result.figures
        closed = round_.status == RoundStatus.CLOSED
        stance = Stance.CONTEXT
        if closed and figures.median is not None and has_rating and current is not None:
            stance = (
                Stance.HIGHER if figures.median > current else Stance.LOWER if figures.median < current else "supports"
            )
        items.append(
            EvidenceItem(
                kind=Kind.ROUND,
                pk=round_.pk,
                stance=stance,
                date=round_.closed_at or round_.closes_at,
                title=f"Round {round_.number}" + ("" if closed else " (still open)"),
                detail=figures.summary,
                url=reverse("consultation:round_results", args=[consultation.slug, round_.number]),
            )
        )
    return items


def _revision_items(consultation, solution, criterion, revisions, viewer, readable: set[int]) -> list[EvidenceItem]:
    history = reverse("consultation:cell_history", args=[consultation.slug, solution.code, criterion.key])
    visible_ids = readable | set(
        Submission.objects.visible_to(viewer, consultation)
        .filter(pk__in={s.pk for r in revisions for s in r.evidence.all()})
        .values_list("pk", flat=True)
    )
    items, previous = [], None
    for r in revisions:
        change = _stars(r.stars) if previous is None else f"{_stars(previous.stars)} → {_stars(r.stars)}"
        cited = [f"“{s.title or f'Submission {s.pk}'}”" for s in r.evidence.all() if s.pk in visible_ids]
        hidden = sum(1 for s in r.evidence.all() if s.pk not in visible_ids)
        quotes = [
            f"“{e.quote[:80]}”" for e in r.excerpts.all() if e.submission_id is None or e.submission_id in visible_ids
        ]
        rests = ", ".join(chain(cited, quotes))
        if hidden:
            rests += (", " if rests else "") + f"{hidden} piece{'s' if hidden != 1 else ''} of input you cannot read"
        detail = f"{change}, {r.level or 'no level'}. Reason: {r.reason}" + (f" Rests on: {rests}." if rests else "")
        items.append(
            EvidenceItem(
                kind=Kind.REVISION,
                pk=r.pk,
                stance=Stance.CONTEXT,
                date=r.created_at,
                title=f"Revision {r.number}" + (f", round {r.round.number}" if r.round else ""),
                author=(r.created_by.get_full_name() or r.created_by.get_username()) if r.created_by else "",
                url=f"{history}#revision-{r.number}",
                detail=detail,
            )
        )
        previous = r
    return items


# --- A solution ------------------------------------------------------------------------------------------


def solution_evidence(
    viewer, consultation: Consultation, solution: Solution, filters: EvidenceFilter | None = None
) -> EvidenceMap:
    """The input linked to the solution (or proposing ratings in it), its excerpts and references, newest first.

    A submission's stance is that of its proposals in this solution when they all
    agree (each against its cell's current stars), otherwise context. Excerpts
    linked to the solution or to one of its cells. A constant number of queries.
    """
    slug = consultation.slug
    current = {
        (solution.pk, c): (stars, revision)
        for c, stars, revision in Assessment.objects.filter(solution=solution).values_list(
            "criterion_id", "stars", "revision"
        )
    }
    names = dict(Criterion.objects.filter(consultation=consultation).values_list("pk", "name"))
    submissions = list(
        _submissions_queryset(viewer, consultation)
        .linked_to(solution=solution)
        .prefetch_related(
            Prefetch(
                "proposed_ratings", queryset=ProposedRating.objects.filter(solution=solution), to_attr="cell_proposals"
            )
        )
    )
    excerpts = list(
        _excerpts_queryset(viewer, consultation).filter(Q(solutions=solution) | Q(cells__solution=solution)).distinct()
    )
    authors = _Authors(viewer, consultation, [*submissions, *(e.submission for e in excerpts if e.submission_id)])
    items = []
    for s in submissions:
        stances, parts = set(), []
        for p in s.cell_proposals:
            stars, revision = current.get((solution.pk, p.criterion_id), (None, 0))
            stances.add(stance_of_proposal(p.stars, stars, bool(revision)))
            parts.append(f"{names.get(p.criterion_id, '?')}: proposes {_stars(p.stars)}")
        stance = stances.pop() if len(stances) == 1 else Stance.CONTEXT
        detail = "; ".join(parts) if parts else "Linked to the solution."
        items.append(_submission_item(s, stance=stance, detail=detail, authors=authors, slug=slug))
    items += [_excerpt_item(e, authors=authors, slug=slug) for e in excerpts]
    items += [_reference_item(r, slug) for r in solution.references.order_by("group_order", "number")]
    return _sorted(items, filters)


# --- An open item ----------------------------------------------------------------------------------------


def open_item_evidence(
    viewer, consultation: Consultation, item: OpenItem, filters: EvidenceFilter | None = None
) -> EvidenceMap:
    """The input linked to the open item or answering it, and the excerpts linked to it, newest first."""
    slug = consultation.slug
    answering = set(item.answering_submissions.values_list("pk", flat=True))
    submissions = list(_submissions_queryset(viewer, consultation).linked_to(open_item=item))
    excerpts = list(_excerpts_queryset(viewer, consultation).filter(open_items=item))
    authors = _Authors(viewer, consultation, [*submissions, *(e.submission for e in excerpts if e.submission_id)])
    items = [
        _submission_item(
            s,
            stance=Stance.CONTEXT,
            detail="Answers the item (chosen by the secretariat)." if s.pk in answering else "Linked to the item.",
            authors=authors,
            slug=slug,
        )
        for s in submissions
    ]
    items += [_excerpt_item(e, authors=authors, slug=slug) for e in excerpts]
    return _sorted(items, filters)
