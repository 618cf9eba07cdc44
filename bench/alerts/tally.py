"""What the receivers got, per endpoint: every webhook-id once, signed, and how long after the commit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

from bench.alerts.receiver import Receipt


@dataclass
class EndpointTally:
    """One endpoint's receipts over one phase, against the webhook-ids it should have taken."""

    expected: int = 0
    delivered: int = 0  # distinct expected ids answered 2xx
    requests: int = 0  # every request it took, failures included
    failures: int = 0  # answered other than 2xx
    lost: int = 0  # expected ids never answered 2xx
    duplicated: int = 0  # 2xx answers beyond the first for an id
    unexpected: int = 0  # ids it was never meant to get
    bad_signatures: int = 0  # 2xx requests whose webhook-signature does not verify with the endpoint's secret
    delays: list[float] = field(default_factory=list)  # seconds from the start to each id's first 2xx receipt
    span: float = 0.0  # seconds from the start to its last 2xx receipt

    @property
    def rate(self) -> float:
        """Deliveries per second, over its own span."""
        return self.delivered / self.span if self.span > 0 else 0.0


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values` (0 if none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def signature_valid(receipt: Receipt, signer: Webhook) -> bool:
    """Whether one of the request's signatures is the endpoint's over (id, timestamp, body), Standard Webhooks'."""
    try:
        at = datetime.fromtimestamp(int(receipt.timestamp), UTC)
    except ValueError:
        return False
    expected = signer.sign(receipt.webhook_id, at, receipt.body)
    return expected in receipt.signature.split(" ")


def tally(receipts: list[Receipt], *, expected: set[str], secret: str, started: float) -> EndpointTally:
    """One endpoint's receipts of a phase, against the ids it should have got; `started` as time.time()."""
    result = EndpointTally(expected=len(expected), requests=len(receipts))
    signer = Webhook(secret)
    first: dict[str, float] = {}
    answered: Counter[str] = Counter()
    for receipt in receipts:
        if not receipt.ok:
            result.failures += 1
            continue
        answered[receipt.webhook_id] += 1
        if not signature_valid(receipt, signer):
            result.bad_signatures += 1
        first[receipt.webhook_id] = min(first.get(receipt.webhook_id, receipt.received_at), receipt.received_at)
    result.delivered = len(first.keys() & expected)
    result.lost = len(expected - first.keys())
    result.unexpected = len(first.keys() - expected)
    result.duplicated = sum(count - 1 for count in answered.values())
    result.delays = [first[msg_id] - started for msg_id in first.keys() & expected]
    result.span = max(result.delays, default=0.0)
    return result
