"""The desk's rules in one place: who may do what, the workflow's moves, and what a claim needs to move on."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.errors import RuleViolation
from claims.models import Claim, ClaimStatus, QuoteStatus, Rating, Stance

User = AbstractBaseUser | AnonymousUser

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

# The button each move gets in the admin, named for what the person does.
MOVE_LABELS = {
    (S.DRAFT, S.RESEARCHING): _("Start research"),
    (S.RESEARCHING, S.IN_REVIEW): _("Send to review"),
    (S.IN_REVIEW, S.RESEARCHING): _("Send back to research"),
    (S.IN_REVIEW, S.PUBLISHED): _("Publish"),
    (S.DRAFT, S.REJECTED): _("Reject"),
    (S.RESEARCHING, S.REJECTED): _("Reject"),
    (S.IN_REVIEW, S.REJECTED): _("Reject"),
    REOPEN: _("Reopen for a correction"),
}


def move_permission(from_status: str, to_status: str) -> str | None:
    """The permission a move takes, or None when the workflow has no such move."""
    return MOVES.get((ClaimStatus(from_status), ClaimStatus(to_status)))


def moves_for(user: User, claim: Claim) -> list[ClaimStatus]:
    """The statuses this user's role may move this claim to, as buttons and the API's `moves` offer them.

    A move whose rule can never hold for this claim (rejecting a fact-check once published) is not offered; the
    readiness rules may still refuse when they try.
    """
    return [
        to
        for (frm, to), permission in MOVES.items()
        if frm == claim.status and user.has_perm(permission) and (to != ClaimStatus.REJECTED or may_be_rejected(claim))
    ]


def may_be_rejected(claim: Claim) -> bool:
    """A fact-check once published stays public: it is corrected, never rejected."""
    return not was_published(claim)


def can_read_desk(user: User) -> bool:
    """Viewers, researchers, editors and superusers read the desk; accounts without a role do not."""
    return bool(user and user.is_authenticated and user.has_perm("claims.view_claim"))


def can_create_claim(user: User) -> bool:
    return user.has_perm("claims.add_claim")


def can_request_check(user: User) -> bool:
    """Asking for a source to be checked now is for those who maintain evidence."""
    return can_edit_evidence(user, None, "change")


def can_edit_claim(user: User, claim: Claim | None) -> bool:
    """Researchers edit unpublished claims; editors also correct published ones."""
    if claim is None:
        return user.has_perm("claims.change_claim")
    if claim.status == ClaimStatus.PUBLISHED:
        return user.has_perm("claims.correct_published_claim")
    return user.has_perm("claims.change_claim")


def was_published(claim: Claim) -> bool:
    """Once published, a fact-check stays public (as last published) even while it is reopened for a correction."""
    return claim.first_published_at is not None or claim.status == ClaimStatus.PUBLISHED


def can_delete_claim(user: User, claim: Claim | None) -> bool:
    """Editors delete claims that were never published; a published fact-check is reopened, never deleted."""
    if claim is not None and was_published(claim):
        return False
    return user.has_perm("claims.delete_claim")


def can_edit_evidence(user: User, claim: Claim | None, action: str) -> bool:
    """The role's right: evidence is edited by those who may edit its claim. `action` is add, change or delete."""
    return user.has_perm(f"claims.{action}_evidence") and can_edit_claim(user, claim)


def evidence_frozen(claim: Claim | None) -> bool:
    """Readers see a published fact-check's evidence: it changes only after the fact-check is reopened."""
    return claim is not None and claim.status == ClaimStatus.PUBLISHED


def can_edit_evidence_now(user: User, claim: Claim | None, action: str) -> bool:
    return can_edit_evidence(user, claim, action) and not evidence_frozen(claim)


def can_delete_rating(user: User, rating: Rating | None) -> bool:
    """Editors delete a step of the scale that no claim uses, except `unproven`, which the workflow's rules name."""
    if rating is not None and (rating.slug == Rating.UNPROVEN or rating.claims.exists()):
        return False
    return user.has_perm("claims.delete_rating")


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


def can_override_quote(user: User) -> bool:
    return user.has_perm("claims.override_quote")
