"""Alerts: what the watch and the workflow do, told to people (mail) and machines (webhooks) through an outbox."""
