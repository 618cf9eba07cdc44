"""Who may call what: the desk's roles, asked of claims/rules.py. The services check again when they write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission

from claims import rules

if TYPE_CHECKING:  # DRF reads this module while rest_framework.views is still importing.
    from rest_framework.request import Request
    from rest_framework.views import APIView

    from claims.models import Claim, Evidence


class DeskRole(BasePermission):
    """Reading takes a role on the desk. Anonymous callers get 401, people without a role 403."""

    message = "Your account has no role on the claim desk (viewer, researcher or editor)."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return rules.can_read_desk(request.user)


class ClaimAccess(DeskRole):
    """Creating, editing, deleting and moving claims, per the role and the claim's status."""

    message = "Your role does not allow this on this claim."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        action = getattr(view, "action", None)
        if action == "create":
            return rules.can_create_claim(request.user)
        if action == "evidence":
            return rules.can_edit_evidence(request.user, None, "add")
        if action == "transitions":
            # Any move takes at least change_claim; which moves a role may make, the workflow service decides.
            return rules.can_edit_claim(request.user, None)
        if action == "destroy":
            # Whether this claim may go (a published one may not: 409), the service decides.
            return rules.can_delete_claim(request.user, None)
        return rules.can_edit_claim(request.user, None)

    def has_object_permission(self, request: Request, view: APIView, obj: Claim) -> bool:
        if request.method in SAFE_METHODS or getattr(view, "action", None) != "partial_update":
            return True
        return rules.can_edit_claim(request.user, obj)


class EvidenceAccess(DeskRole):
    message = "Your role cannot change the evidence of this claim."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in SAFE_METHODS:
            return True
        return rules.can_edit_evidence(request.user, None, "delete" if request.method == "DELETE" else "change")

    def has_object_permission(self, request: Request, view: APIView, obj: Evidence) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return rules.can_edit_evidence(request.user, obj.claim, "delete" if request.method == "DELETE" else "change")


class SourceAccess(DeskRole):
    """Sources are read by every role; asking for a re-check is for those who maintain evidence."""

    message = "Your role cannot ask for a source to be checked again."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or rules.can_request_check(request.user)
