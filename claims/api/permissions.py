"""Who may call what, asked of claims/rules.py: a refusal here is the rule's own answer, as the services give it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission

from claims import rules

if TYPE_CHECKING:  # DRF reads this module while rest_framework.views is still importing.
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from claims.models import Claim, Evidence


class DeskRole(BasePermission):
    """Reading takes a role on the desk. Anonymous callers get 401; the rules refuse the others with their 403.

    The subclasses say what a write takes: they raise the rule's DeskError, which the exception handler answers
    with the rule's status, code and message, the same as when the service refuses.
    """

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        rules.check_may_read_desk(request.user)
        if request.method not in SAFE_METHODS:
            self.check_write(request, view)
        return True

    def check_write(self, request: Request, view: APIView) -> None:
        """The role's right to this write, before the row is read; the services check the row itself again."""


class ClaimAccess(DeskRole):
    """Creating, editing, deleting and moving claims, per the role and the claim's status."""

    def check_write(self, request: Request, view: APIView) -> None:
        action = getattr(view, "action", None)
        if action == "create":
            rules.check_may_create_claim(request.user)
        elif action == "evidence":
            rules.check_may_edit_evidence(request.user, None, "add")
        elif action == "transitions":
            rules.check_may_move_claims(request.user)
        elif action == "destroy":
            # Whether this claim may go (a published one may not: 409), the service decides.
            rules.check_may_delete_claims(request.user)
        else:
            rules.check_may_edit_claim(request.user, None)

    def has_object_permission(self, request: Request, view: APIView, obj: Claim) -> bool:
        if request.method not in SAFE_METHODS and getattr(view, "action", None) == "partial_update":
            rules.check_may_edit_claim(request.user, obj)
        return True


class EvidenceAccess(DeskRole):
    def check_write(self, request: Request, view: APIView) -> None:
        rules.check_may_edit_evidence(request.user, None, _evidence_action(request))

    def has_object_permission(self, request: Request, view: APIView, obj: Evidence) -> bool:
        if request.method not in SAFE_METHODS:
            rules.check_may_edit_evidence(request.user, obj.claim, _evidence_action(request))
        return True


def _evidence_action(request: Request) -> str:
    return "delete" if request.method == "DELETE" else "change"


class SourceAccess(DeskRole):
    """Sources are read by every role; asking for a re-check is for those who maintain evidence."""

    def check_write(self, request: Request, view: APIView) -> None:
        rules.check_may_request_check(request.user)
