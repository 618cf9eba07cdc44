"""A real webhook receiver and a real SMTP server, both on 127.0.0.1, for the alerts' tests."""

from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from harness.celery_worker import free_port
from harness.webhook_receiver import WebhookReceiver


@pytest.fixture
def receiver(settings: Any) -> Iterator[WebhookReceiver]:
    """Scripted per path with `script(path, ...)`; its port is one the fetcher's rules allow."""
    server = WebhookReceiver().start()
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = [*settings.FACTCHECK_FETCH_ALLOWED_PORTS, server.port]
    yield server
    server.stop()


class Mailbox:
    """What the SMTP server was handed: (recipients, the message as bytes)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(settings: Any) -> Iterator[tuple[Controller, Mailbox]]:
    """A real SMTP server (aiosmtpd) on loopback, and Django's SMTP backend pointed at it."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield controller, mailbox
    controller.stop()
