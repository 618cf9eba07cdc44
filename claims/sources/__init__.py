"""Keeping cited sources under watch: fetching, reading pages, dispatching checks, recording them, verifying quotes."""
