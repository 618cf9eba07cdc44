"""Who may do what: Django's ModelBackend, with a person's permissions read in one query rather than two.

Every API request and admin page asks what its user may do (roles are groups: rules.py); ModelBackend reads the
user's own permissions and their groups' in two queries, once per request since each request loads its user anew.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.db.models import Q


class DeskBackend(ModelBackend):
    def get_all_permissions(self, user_obj: AbstractBaseUser | AnonymousUser, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        # Kept on the user object, where ModelBackend keeps it (and where Django clears it when roles change).
        cached: set[str] | None = getattr(user_obj, "_perm_cache", None)
        if cached is None:
            permissions = Permission.objects.all()
            if not getattr(user_obj, "is_superuser", False):
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            names = permissions.values_list("content_type__app_label", "codename").order_by().distinct()
            cached = {f"{app_label}.{codename}" for app_label, codename in names}
            setattr(user_obj, "_perm_cache", cached)  # noqa: B010
        return cached
