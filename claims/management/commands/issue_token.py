"""`python manage.py issue_token USERNAME`: a desk member's API token, made on first use; the key is the last line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print the API token of a user (created if they have none). The key is on the last line."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user named {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"The user {username!r} is inactive: an API token would not work.")
        token, created = Token.objects.get_or_create(user=user)
        self.stdout.write(
            f"{'New' if created else 'Existing'} API token for {username}; send it as `Authorization: Token <key>`:"
        )
        self.stdout.write(token.key)
