"""The desk's rules in one place: who may do what, the workflow's moves, and what a claim needs to move on.

Each rule has one answer: a `can_…`/`may_…` question for the doors that only offer what is allowed (buttons, fields),
and a `check_…` that raises the rule's one DeskError (one code, one message) for the services and the API, which
turn it into one status code.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable
from datetime import datetime
from typing import TypedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext
from django_stubs_ext import WithAnnotations

from claims.errors import InvalidInput, NotAllowed, RuleViolation
from claims.models import Claim, ClaimStatus, QuoteStatus, Rating, Stance, Transition

# Whoever asks: a desk member, or someone not signed in.
AnyUser = User | AnonymousUser

VIEWER, RESEARCHER, EDITOR = "viewer", "researcher", "editor"

S = ClaimStatus

# The move that reopens a published fact-check for a correction; its comment is the published correction note.
REOPEN = (S.PUBLISHED, S.RESEARCHING)
# The statuses of a reopened fact-check while the desk works on it: still public, as last published.
BEING_CORRECTED = (S.RESEARCHING, S.IN_REVIEW)

# Every allowed move, with the permission it takes. Researchers hold change_claim; editors also the others.
MOVES: dict[tuple[ClaimStatus, ClaimStatus], str] = {
    (S.DRAFT, S.RESEARCHING): "claims.change_claim",
    (S.RESEARCHING, S.IN_REVIEW): "claims.change_claim",
    # A reviewer sends a claim back for more research.
    (S.IN_REVIEW, S.RESEARCHING): "claims.change_claim",
    (S.IN_REVIEW, S.PUBLISHED): "claims.publish_claim",
    (S.DRAFT, S.REJECTED): "claims.reject_claim",
    (S.RESEARCHING, S.REJECTED): "claims.reject_claim",
    (S.IN_REVIEW, S.REJECTED): "claims.reject_claim",
    REOPEN: "claims.reopen_claim",
}

# Moves that must say why: a rejection, and a reopening (its comment is the published correction note).
COMMENT_REQUIRED = {(S.DRAFT, S.REJECTED), (S.RESEARCHING, S.REJECTED), (S.IN_REVIEW, S.REJECTED), REOPEN}

# What readers see of a published fact-check besides its verdict: changed only in the open, with a note for them.
PUBLIC_FIELDS = frozenset({"text", "claimant", "claim_date", "appearance_url", "language", "summary"})
# The verdict: on a published fact-check, changed only through a reopening (a correction).
VERDICT_FIELDS = frozenset({"rating"})
# What two people must have seen before it is published: whoever changed one of these since the claim was sent to
# review does not publish it.
REVIEWED_FIELDS = ("rating_id", "summary", "text")


def _denied(message: str) -> NotAllowed:
    return NotAllowed("permission_denied", message)


# --- Reading the desk ---------------------------------------------------------------------------


def signed_in(user: AnyUser) -> User:
    """The desk member behind a request: the doors let no anonymous caller reach a write, and this says so."""
    if not isinstance(user, User) or not user.is_authenticated:
        raise _denied(gettext("Sign in to the claim desk first."))
    return user


def can_read_desk(user: AnyUser) -> bool:
    """Viewers, researchers, editors and superusers read the desk; accounts without a role do not."""
    return bool(user and user.is_authenticated and user.has_perm("claims.view_claim"))


def check_may_read_desk(user: AnyUser) -> None:
    if not can_read_desk(user):
        raise _denied(gettext("Your account has no role on the claim desk (viewer, researcher or editor)."))


# --- Claims -------------------------------------------------------------------------------------


def was_published(claim: Claim) -> bool:
    """Once published, a fact-check stays public (as last published) even while it is reopened for a correction."""
    return claim.first_published_at is not None or claim.status == ClaimStatus.PUBLISHED


def can_create_claim(user: AnyUser) -> bool:
    return user.has_perm("claims.add_claim")


def check_may_create_claim(user: AnyUser) -> None:
    if not can_create_claim(user):
        raise _denied(gettext("Your role cannot create claims."))


def can_judge_similar_claims(user: AnyUser) -> bool:
    """Researchers and editors say whether a suggested claim is the same one (confirmed) or another (dismissed)."""
    return user.has_perm("claims.change_claim")


def check_may_judge_similar_claims(user: AnyUser) -> None:
    if not can_judge_similar_claims(user):
        raise _denied(gettext("Your role cannot confirm or dismiss similar claims."))


def can_take_in_articles(user: AnyUser) -> bool:
    """Reading an article for its check-worthy sentences is the first step of creating claims: for those who may."""
    return can_create_claim(user)


def check_may_take_in_articles(user: AnyUser) -> None:
    if not can_take_in_articles(user):
        raise _denied(gettext("Your role cannot create claims, so it cannot take articles in for them either."))


def can_edit_claim(user: AnyUser, claim: Claim | None) -> bool:
    """Researchers edit unpublished claims; editors also correct published ones. `claim` None: any claim."""
    if claim is None:
        return user.has_perm("claims.change_claim")
    if claim.status == ClaimStatus.PUBLISHED:
        return user.has_perm("claims.correct_published_claim")
    return user.has_perm("claims.change_claim")


def check_may_edit_claim(user: AnyUser, claim: Claim | None) -> None:
    if can_edit_claim(user, claim):
        return
    if claim is None:
        raise _denied(gettext("Your role cannot edit claims."))
    status = claim.get_status_display().lower()
    raise _denied(gettext("Your role cannot edit a claim that is %(status)s.") % {"status": status})


def can_delete_claims(user: AnyUser) -> bool:
    """Editors delete claims (those never published: see may_be_deleted)."""
    return user.has_perm("claims.delete_claim")


def may_be_deleted(claim: Claim) -> bool:
    """A published fact-check stays public: it is reopened for a correction, never deleted."""
    return not was_published(claim)


def check_may_delete_claims(user: AnyUser) -> None:
    if not can_delete_claims(user):
        raise _denied(gettext("Your role cannot delete claims."))


def check_may_be_deleted(claim: Claim) -> None:
    if not may_be_deleted(claim):
        raise RuleViolation(
            "published_claim_not_deletable",
            gettext(
                "A fact-check that was published cannot be deleted: readers can still see it. "
                "Reopen it for a correction instead."
            ),
        )


def check_deletable(user: AnyUser, claim: Claim) -> None:
    """The rule first, then the role: a published fact-check is refused alike to every role that could delete."""
    check_may_be_deleted(claim)
    check_may_delete_claims(user)


def check_publishable(claim: Claim) -> None:
    """What readers may see: the review's conditions, a summary, and every quote found or vouched for by an editor."""
    check_ready_for_review(claim)
    if not claim.summary.strip():
        raise RuleViolation("summary_required", gettext("Write the summary readers will see before publishing."))
    unverified = (
        claim.evidence.exclude(quote="")
        .exclude(quote_status=QuoteStatus.FOUND)
        .filter(quote_override_by__isnull=True)
        .select_related("source")
    )
    if unverified:
        urls = ", ".join(evidence.source.url for evidence in unverified)
        raise RuleViolation(
            "quote_not_verified",
            gettext(
                "Every quote must be found on its page, or vouched for by an editor with a reason. Not yet: %(urls)s."
            )
            % {"urls": urls},
        )


def check_ready_for_review(claim: Claim) -> None:
    """A claim goes to review with a rating and, unless it is rated unproven, evidence that supports or refutes it."""
    if claim.rating is None:
        raise RuleViolation("rating_required", gettext("Set a rating before sending the claim to review."))
    if (
        claim.rating.slug != Rating.UNPROVEN
        and not claim.evidence.filter(stance__in=[Stance.SUPPORTS, Stance.REFUTES]).exists()
    ):
        raise RuleViolation(
            "decisive_evidence_required",
            gettext("Attach at least one piece of evidence that supports or refutes the claim, or rate it unproven."),
        )


# --- The workflow -------------------------------------------------------------------------------


def move_permission(from_status: str, to_status: str) -> str | None:
    """The permission a move takes, or None when the workflow has no such move."""
    return MOVES.get((ClaimStatus(from_status), ClaimStatus(to_status)))


def moves_for(user: AnyUser, claim: Claim) -> list[ClaimStatus]:
    """The statuses this user's role may move this claim to, as buttons and the API's `moves` offer them.

    A move whose rule can never hold for this claim (rejecting a fact-check once published) is not offered; the
    readiness rules may still refuse when they try.
    """
    return [
        to
        for (frm, to), permission in MOVES.items()
        if frm == claim.status and user.has_perm(permission) and (to != ClaimStatus.REJECTED or may_be_rejected(claim))
    ]


def moves_offered(user: AnyUser, claim: Claim) -> list[ClaimStatus]:
    """The moves a person is offered on the claim's page: their role's, less publishing when four-eyes refuses it."""
    return [to for to in moves_for(user, claim) if to != ClaimStatus.PUBLISHED or may_publish(claim, user)]


def may_be_rejected(claim: Claim) -> bool:
    """A fact-check once published stays public: it is corrected, never rejected."""
    return not was_published(claim)


def check_may_move_claims(user: AnyUser) -> None:
    """Every move takes at least the right to edit claims; which moves a role may make, check_move says."""
    if not can_edit_claim(user, None):
        raise _denied(gettext("Your role cannot move claims through the workflow."))


def can_send_to_review(user: AnyUser) -> bool:
    """The role's right to send claims to review (each claim's readiness is checked when it moves)."""
    return user.has_perm(MOVES[(S.RESEARCHING, S.IN_REVIEW)])


def check_four_eyes(claim: Claim, by: AnyUser) -> None:
    """Two people see every verdict: whoever last sent the claim to review, or changed its rating, summary or text
    since, does not publish it."""
    if not settings.FACTCHECK_FOUR_EYES or not isinstance(by, User):
        return
    facts = _four_eyes(Claim.objects.filter(pk=claim.pk), by).first()
    if facts is None or facts.sent_to_review_by is None:
        return
    if facts.sent_to_review_by == by.pk:
        raise RuleViolation(
            "four_eyes",
            gettext("You sent this claim to review, so someone else must publish it (four-eyes rule)."),
        )
    if facts.verdict_edited_by_user:
        raise RuleViolation(
            "four_eyes",
            gettext(
                "You changed this claim's rating, summary or text since it was sent to review, so someone else must "
                "publish it (four-eyes rule)."
            ),
        )


def may_publish(claim: Claim, user: AnyUser) -> bool:
    """Whether the four-eyes rule lets this user publish the claim (the other rules are checked when they try)."""
    try:
        check_four_eyes(claim, user)
    except RuleViolation:
        return False
    return True


def can_publish(user: AnyUser) -> bool:
    """The role's right to publish (each claim's readiness and four-eyes are checked when it moves)."""
    return user.has_perm(MOVES[(S.IN_REVIEW, S.PUBLISHED)])


def claims_may_publish(claims: QuerySet[Claim], user: User) -> QuerySet[Claim]:
    """The claims among these that the four-eyes rule lets this user publish: may_publish as a query, for lists.

    A claim never sent to review is not held back. Each claim is annotated with `sent_to_review_at` (None if never).
    """
    claims = _four_eyes(claims, user)
    if not settings.FACTCHECK_FOUR_EYES:
        return claims
    return claims.filter(Q(sent_to_review_by__isnull=True) | ~Q(sent_to_review_by=user.pk)).exclude(
        Q(verdict_edited_by_user=True)
    )


class FourEyesFacts(TypedDict):
    sent_to_review_at: datetime | None
    sent_to_review_by: int | None
    verdict_edited_by_user: bool


def _four_eyes(claims: QuerySet[Claim], user: User) -> QuerySet[WithAnnotations[Claim, FourEyesFacts]]:
    """The four-eyes rule's facts, as annotations: who last sent each claim to review and when
    (`sent_to_review_by`, `sent_to_review_at`), and whether this user changed its rating, summary or text since
    (`verdict_edited_by_user`: a history record of theirs that differs in one of those from the record before it)."""
    last_sent = Transition.objects.filter(claim=OuterRef("pk"), to_status=ClaimStatus.IN_REVIEW).order_by("-at", "-id")
    claims = claims.annotate(
        sent_to_review_at=Subquery(last_sent.values("at")[:1]),
        sent_to_review_by=Subquery(last_sent.values("by_id")[:1]),
    )
    history = Claim.history.model
    # The record just before each record of the claim's history, in (history_date, history_id) order.
    previous = (
        history.objects.filter(id=OuterRef("id"))
        .filter(
            Q(history_date__lt=OuterRef("history_date"))
            | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
        )
        .order_by("-history_date", "-history_id")[:1]
    )
    verdict_edits = (
        history.objects.filter(
            id=OuterRef("pk"), history_user_id=user.pk, history_date__gte=OuterRef("sent_to_review_at")
        )
        .annotate(
            before_id=Subquery(previous.values("history_id")),
            **{f"{name}_before": Subquery(previous.values(name)) for name in REVIEWED_FIELDS},
        )
        .filter(before_id__isnull=False)
        .filter(functools.reduce(operator.or_, (_differs(name, f"{name}_before") for name in REVIEWED_FIELDS)))
    )
    return claims.annotate(verdict_edited_by_user=Exists(verdict_edits))


def _differs(field: str, other: str) -> Q:
    """`field` and `other` differ, NULL included (SQL's IS DISTINCT FROM): a rating set or removed is a change."""
    return (
        Q(**{f"{field}__isnull": False, f"{other}__isnull": False}) & ~Q(**{field: F(other)})
        | Q(**{f"{field}__isnull": True, f"{other}__isnull": False})
        | Q(**{f"{field}__isnull": False, f"{other}__isnull": True})
    )


def check_move(claim: Claim, to: ClaimStatus, by: AnyUser, comment: str) -> None:
    """May `by` move this claim (as it stands, locked) to `to` with this comment? The rule that refuses says why."""
    frm = ClaimStatus(claim.status)
    if frm == to:
        raise RuleViolation("already_there", gettext("The claim is already %(status)s.") % {"status": to.label.lower()})
    permission = move_permission(frm, to)
    if permission is None:
        possible = [str(t.label).lower() for (f, t) in MOVES if f == frm]
        raise RuleViolation(
            "transition_not_allowed",
            gettext("A claim that is %(frm)s cannot become %(to)s. It can become: %(possible)s.")
            % {"frm": frm.label.lower(), "to": to.label.lower(), "possible": ", ".join(possible) or "-"},
        )
    if not by.has_perm(permission):
        raise _denied(
            gettext("Your role cannot move a claim from %(frm)s to %(to)s; an editor can.")
            % {"frm": frm.label.lower(), "to": to.label.lower()}
        )
    if (frm, to) in COMMENT_REQUIRED and not comment:
        raise RuleViolation("comment_required", gettext("Say why in the comment: it is kept in the claim's history."))
    if to == ClaimStatus.IN_REVIEW:
        check_ready_for_review(claim)
    elif to == ClaimStatus.PUBLISHED:
        check_publishable(claim)
        check_four_eyes(claim, by)
    elif to == ClaimStatus.REJECTED and not may_be_rejected(claim):
        raise RuleViolation(
            "published_claim_not_rejectable",
            gettext("This fact-check was published and stays public: publish its correction instead of rejecting it."),
        )


def check_published_change(claim: Claim, changed: Iterable[str], *, note: str) -> None:
    """A published fact-check changes only in the open: its verdict through a reopening, what else readers see with
    a note for them, and only to a fact-check that could be published as it is; what only the desk sees (tags,
    assignee) freely. `claim` with the changes made."""
    changed, published = set(changed), claim.status == ClaimStatus.PUBLISHED
    if published and changed & VERDICT_FIELDS:
        raise RuleViolation(
            "reopen_to_change_verdict",
            gettext(
                "A published verdict changes only through a correction: reopen the fact-check, change its rating "
                "and publish it again."
            ),
        )
    seen_by_readers = published and bool(changed & PUBLIC_FIELDS)
    if note.strip() and not seen_by_readers:
        # Said rather than dropped: the note would be shown nowhere.
        raise InvalidInput(
            "change_note_without_change",
            gettext(
                "This change is not one readers see, so its note would be shown nowhere: leave the note empty, or "
                "change what readers see of the published fact-check."
            ),
            errors={"change_note": [gettext("Nothing readers see has changed.")]},
        )
    if seen_by_readers and not note.strip():
        raise RuleViolation(
            "change_note_required",
            gettext(
                "Readers see this change: say what changed and why in a note for them (a correction, a "
                "clarification or an update)."
            ),
        )
    if seen_by_readers:
        # Readers see it at once.
        check_publishable(claim)


# Who may be given claims to work on: those whose role edits them (researchers, editors, superusers).
ASSIGNEE_PERMISSION = "claims.change_claim"


def check_may_be_assigned(user: User | None) -> None:
    """A claim goes to a desk member who can work on it, or to nobody."""
    if user is not None and not (user.is_active and user.has_perm(ASSIGNEE_PERMISSION)):
        message = gettext("%(user)s has no role that works on claims (researcher or editor).") % {"user": user}
        raise InvalidInput("assignee_without_role", message, errors={"assignee": [message]})


# --- Evidence -----------------------------------------------------------------------------------


def can_edit_evidence(user: AnyUser, claim: Claim | None, action: str) -> bool:
    """The role's right: evidence is edited by those who may edit its claim. `action` is add, change or delete."""
    return user.has_perm(f"claims.{action}_evidence") and can_edit_claim(user, claim)


def evidence_frozen(claim: Claim | None) -> bool:
    """Readers see a published fact-check's evidence: it changes only after the fact-check is reopened."""
    return claim is not None and claim.status == ClaimStatus.PUBLISHED


def can_edit_evidence_now(user: AnyUser, claim: Claim | None, action: str) -> bool:
    return can_edit_evidence(user, claim, action) and not evidence_frozen(claim)


def check_may_edit_evidence(user: AnyUser, claim: Claim | None, action: str) -> None:
    """`claim` None: the role's right on evidence in general, before the claim is known."""
    if claim is None:
        if not can_edit_evidence(user, None, action):
            raise _denied(gettext("Your role cannot change evidence."))
        return
    if not can_edit_evidence(user, claim, action):
        raise _denied(
            gettext("Your role cannot change the evidence of a claim that is %(status)s.")
            % {"status": claim.get_status_display().lower()}
        )
    if evidence_frozen(claim):
        raise RuleViolation(
            "reopen_to_change_evidence",
            gettext("Readers see this evidence: reopen the fact-check for a correction before changing it."),
        )


def can_override_quote(user: AnyUser) -> bool:
    return user.has_perm("claims.override_quote")


def check_may_override_quote(user: AnyUser) -> None:
    if not can_override_quote(user):
        raise _denied(gettext("Only editors can vouch for a quote."))


# --- Sources and the verdict scale --------------------------------------------------------------


def can_request_check(user: AnyUser) -> bool:
    """Asking for a source to be checked now is for those who maintain evidence."""
    return can_edit_evidence(user, None, "change")


def check_may_request_check(user: AnyUser) -> None:
    if not can_request_check(user):
        raise _denied(gettext("Your role cannot ask for a source to be checked again."))


def can_manage_webhooks(user: AnyUser) -> bool:
    """Editors add, change and remove the machines the desk tells of its events, and read their delivery logs."""
    return user.has_perm("alerts.change_webhookendpoint")


def check_may_manage_webhooks(user: AnyUser) -> None:
    if not can_manage_webhooks(user):
        raise _denied(gettext("Only editors manage webhooks."))


# What a verdict says to readers and robots (the badge's words, ClaimReview's value): fixed once a published
# fact-check gives it, since changing them would change that verdict with no correction readers can see.
RATING_VERDICT_FIELDS = ("label_en", "label_fr", "claimreview_value")


def rating_fixed_by_publication(rating: Rating | None) -> bool:
    """A step of the scale that a fact-check was published with: what it says is now part of that verdict."""
    return rating is not None and rating.claims.filter(first_published_at__isnull=False).exists()


def can_delete_rating(user: AnyUser, rating: Rating | None) -> bool:
    """Editors delete a step of the scale that no claim uses, except `unproven`, which the workflow's rules name."""
    if rating is not None and (rating.slug == Rating.UNPROVEN or rating.claims.exists()):
        return False
    return user.has_perm("claims.delete_rating")
