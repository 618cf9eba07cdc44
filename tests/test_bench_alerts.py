"""`make bench-alerts` follows the schema and the alerts' code, and its verdict can fail: its seed is flagged by the
real sweep and planned into three deliveries per event; its tally catches a lost, a repeated and a forged
`webhook-id`; its flaky receiver fails every other answer."""

import http.client
import time

from django.utils import timezone

from bench.alerts import dataset
from bench.alerts.receiver import Receipt
from bench.alerts.tally import tally
from claims.alerts import planning, webhooks
from claims.flags import flags_sweep
from harness.webhook_receiver import WebhookReceiver


def test_the_seed_of_bench_alerts_is_flagged_and_planned_on_todays_schema(db, settings):
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = [9]
    dataset.tables_empty()
    dataset.claims_seed(5)
    urls = {name: f"http://127.0.0.1:9/desk/{name}" for name in ("fast", "slow", "flaky")}
    endpoints = dataset.endpoints_create(urls, by=dataset.editor_get())

    assert flags_sweep()["raised"] == 5
    plan = planning.events_plan()

    assert (plan.events, len(plan.deliveries), plan.immediate_notices) == (5, 15, [])
    assert len(dataset.bodies()) == 5
    assert {e.url for e in endpoints.values()} == set(urls.values())


def _receipt(msg_id: str, secret: str, *, status: int = 200, at: float = 0.0) -> Receipt:
    body = b'{"type":"flag.raised"}'
    headers = webhooks.signed_headers(msg_id=msg_id, body=body, secrets_now=[secret], at=timezone.now())
    return Receipt(
        "/desk/fast", status, at, msg_id, headers["webhook-timestamp"], headers["webhook-signature"], body.decode()
    )


def test_the_tally_counts_lost_duplicated_unexpected_and_forged_ids():
    secret, other = webhooks.new_secret(), webhooks.new_secret()
    receipts = [
        _receipt("evt_1", secret, status=500, at=10.0),
        _receipt("evt_1", secret, at=11.0),
        _receipt("evt_2", secret, at=12.0),
        _receipt("evt_2", secret, at=13.0),
        _receipt("evt_3", other, at=14.0),
        _receipt("evt_9", secret, at=15.0),
    ]

    result = tally(receipts, expected={"evt_1", "evt_2", "evt_3", "evt_4"}, secret=secret, started=10.0)

    assert (result.delivered, result.lost, result.duplicated, result.unexpected) == (3, 1, 1, 1)
    assert (result.requests, result.failures, result.bad_signatures) == (6, 1, 1)
    assert sorted(result.delays) == [1.0, 2.0, 4.0]


def test_the_flaky_receiver_answers_500_to_every_other_request_after_its_statuses():
    receiver = WebhookReceiver().start()
    try:
        receiver.script("/flaky", statuses=[503], fail_every=2)
        before = time.time()
        answers = []
        for _ in range(5):
            conn = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=5)
            conn.request("POST", "/flaky", body=b"{}", headers={"webhook-id": "evt_1"})
            answers.append(conn.getresponse().status)
            conn.close()
    finally:
        receiver.stop()

    assert answers == [503, 200, 500, 200, 500]
    assert all(before <= seen.received_at <= time.time() for seen in receiver.at("/flaky"))
