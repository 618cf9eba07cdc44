"""The history page of the admin, said in the reader's language.

django-simple-history's page shows raw values ("published", "None", "Deleted verdict (pk=None)") and a few strings
its catalogs do not translate; this one shows each changed field as the claim's page shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.db.models import Field
from django.utils.html import conditional_escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

if TYPE_CHECKING:
    from django.http import HttpRequest

NOTHING = "—"


class DeskRecordHelper(HistoricalRecordContextHelper):
    """A changed field's old and new value as the claim's page shows them: choices by label, nothing as a dash."""

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        field: Field[Any, Any] = self.model._meta.get_field(change.field)
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return NOTHING
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class DeskHistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/desk_history_list.html"
    # Fields the admin does not edit but the history must show when they change (a claim's workflow status):
    # simple-history diffs editable fields only.
    history_workflow_fields: ClassVar[Sequence[str]] = ()

    def history_view_title(self, request: HttpRequest, obj: Any) -> str:
        return _("History: %(object)s") % {"object": obj}

    def get_historical_record_context_helper(self, request: HttpRequest, historical_record: Any) -> DeskRecordHelper:
        return DeskRecordHelper(self.model, historical_record)

    def set_history_delta_changes(
        self, request: HttpRequest, historical_records: Sequence[Any], foreign_keys_are_objs: bool = True
    ) -> None:
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        for newer, older in zip(records, records[1:], strict=False):
            helper = self.get_historical_record_context_helper(request, newer)
            moves = []
            for name in self.history_workflow_fields:
                before, after = getattr(older, name), getattr(newer, name)
                if before != after:
                    change = ModelChange(name, before, after)
                    moves.append(
                        {
                            "field": capfirst(self.model._meta.get_field(name).verbose_name),
                            "old": conditional_escape(helper.prepare_delta_change_value(change, before)),
                            "new": conditional_escape(helper.prepare_delta_change_value(change, after)),
                        }
                    )
            newer.history_delta_changes = [*moves, *newer.history_delta_changes]
