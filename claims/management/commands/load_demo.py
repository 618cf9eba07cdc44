"""Load the demo claims from the seed article and the demo accounts; running it again changes nothing."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.demo import DEMO_ACCOUNTS, demo_load


class Command(BaseCommand):
    help = "Load demo claims (DeepSeek, January 2025) and the demo accounts editor and researcher."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though DEBUG is off (the demo accounts have known passwords).",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("The demo accounts have known passwords. Use --force on a machine that is not public.")
        created = demo_load()
        self.stdout.write(f"Demo claims created: {created} (claims already there are left as they are).")
        for username, (role, password) in DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {role:<10} login: {username} / {password}")
