"""The intake's fixtures: an intake read for real, from a page a real HTTP server on 127.0.0.1 serves."""

import pytest

from claims.intake.models import Intake
from claims.intake.reading import intake_read
from tests.claims.intake.articles import HTML, SEED_PAGE


@pytest.fixture
def read_intake(http_server, researcher):
    """read_intake(body=SEED_PAGE, headers=HTML, **route): the intake of a page served at a new path, read by the
    worker's own code in this process, as it stands afterwards."""
    served = 0

    def read(body: bytes = SEED_PAGE, headers=HTML, by=researcher, **route) -> Intake:
        nonlocal served
        served += 1
        url = http_server.route(f"/article-{served}", body=body, headers=headers, **route)
        intake = Intake.objects.create(url=url, requested_by=by)
        intake_read(intake_id=intake.pk)
        intake.refresh_from_db()
        return intake

    return read
