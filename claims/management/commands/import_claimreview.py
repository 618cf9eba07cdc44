"""`python manage.py import_claimreview FILE [FILE...]`: other outlets' ClaimReview or DataFeed JSON-LD imported as
external fact-checks (`-` reads the standard input); importing a file again changes nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.errors import InvalidInput
from claims.matching.claimreview_import import ImportSummary, external_factchecks_import


class Command(BaseCommand):
    help = (
        "Import other outlets' fact-checks from ClaimReview JSON-LD: a ClaimReview, a list of them, a DataFeed or an "
        "@graph. Each fact-check is known by its address: importing it again updates it. Exits with 1 if a file "
        "could not be read, or held fact-checks none of which could be imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="A JSON-LD file, or - for the standard input.")
        parser.add_argument("--user", help="The desk member recorded as having imported them (a username).")

    def handle(self, *args: Any, files: list[str], user: str | None = None, **options: Any) -> None:
        by = _user(user) if user else None
        failed = 0
        for name in files:
            if not self._import(name, by=by):
                failed += 1
        if failed:
            raise CommandError(f"{failed} of {len(files)} file(s) could not be imported.")

    def _import(self, name: str, *, by: User | None) -> bool:
        """One file imported and its summary printed; False if it could not be read or nothing in it was imported."""
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as error:
            self.stderr.write(f"{name}: cannot be read: {error.strerror or error}")
            return False
        if not data.strip():
            self.stdout.write(f"{name}: empty, nothing to import.")
            return True
        try:
            summary = external_factchecks_import(data=data, by=by)
        except InvalidInput as error:
            self.stderr.write(f"{name}: {error.message}")
            return False
        self._report(name, summary)
        if not summary.imported and summary.skipped:
            self.stderr.write(f"{name}: none of its {len(summary.skipped)} item(s) could be imported.")
            return False
        return True

    def _report(self, name: str, summary: ImportSummary) -> None:
        self.stdout.write(f"{name}: {summary}")
        for skipped in summary.skipped:
            self.stdout.write(f"  skipped {skipped}")


def _user(username: str) -> User:
    users = get_user_model()
    try:
        user: User = users.objects.get_by_natural_key(username)
    except users.DoesNotExist:
        raise CommandError(f"There is no user named {username!r}.") from None
    return user
