"""The parts of `make bench-alerts`, which bench/bench_alerts.py runs one after the other and reports on."""

from bench.common import logger

log = logger("bench-alerts")
