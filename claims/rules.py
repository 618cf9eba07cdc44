"""Who may do what to a claim: the workflow's moves and the roles' rights, in one place for the admin, the API and the services."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, ClaimStatus

User = AbstractBaseUser | AnonymousUser

VIEWER, RESEARCHER, EDITOR = "viewer", "researcher", "editor"

S = ClaimStatus

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
    (S.PUBLISHED, S.RESEARCHING): "claims.reopen_claim",
}

# Moves that must say why: a rejection, and a reopening (its comment is the published correction note).
COMMENT_REQUIRED = {(S.DRAFT, S.REJECTED), (S.RESEARCHING, S.REJECTED), (S.IN_REVIEW, S.REJECTED), (S.PUBLISHED, S.RESEARCHING)}

# The button each move gets in the admin, named for what the person does.
MOVE_LABELS = {
    (S.DRAFT, S.RESEARCHING): _("Start research"),
    (S.RESEARCHING, S.IN_REVIEW): _("Send to review"),
    (S.IN_REVIEW, S.RESEARCHING): _("Send back to research"),
    (S.IN_REVIEW, S.PUBLISHED): _("Publish"),
    (S.DRAFT, S.REJECTED): _("Reject"),
    (S.RESEARCHING, S.REJECTED): _("Reject"),
    (S.IN_REVIEW, S.REJECTED): _("Reject"),
    (S.PUBLISHED, S.RESEARCHING): _("Reopen for a correction"),
}


def move_permission(from_status: str, to_status: str) -> str | None:
    """The permission a move takes, or None when the workflow has no such move."""
    return MOVES.get((ClaimStatus(from_status), ClaimStatus(to_status)))


def moves_for(user: User, claim: Claim) -> list[ClaimStatus]:
    """The statuses this user's role may move this claim to (the rules may still refuse when they try)."""
    return [
        to
        for (frm, to), permission in MOVES.items()
        if frm == claim.status and user.has_perm(permission)
    ]


def can_edit_claim(user: User, claim: Claim | None) -> bool:
    """Researchers edit unpublished claims; editors also correct published ones."""
    if claim is None:
        return user.has_perm("claims.change_claim")
    if claim.status == ClaimStatus.PUBLISHED:
        return user.has_perm("claims.correct_published_claim")
    return user.has_perm("claims.change_claim")


def can_delete_claim(user: User, claim: Claim | None) -> bool:
    """Editors delete claims that are not published; a published fact-check is reopened, never deleted."""
    if claim is not None and claim.status == ClaimStatus.PUBLISHED:
        return False
    return user.has_perm("claims.delete_claim")


def can_edit_evidence(user: User, claim: Claim | None, action: str) -> bool:
    """Evidence is edited by those who may edit its claim. `action` is add, change or delete."""
    return user.has_perm(f"claims.{action}_evidence") and can_edit_claim(user, claim)


def can_override_quote(user: User) -> bool:
    return user.has_perm("claims.override_quote")
