"""The parts of `make bench-fetch`, which bench/bench_fetch.py runs one after the other and reports on."""

from bench.common import logger

log = logger("bench-fetch")
