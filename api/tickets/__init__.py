"""Tickets: model, priority and SLA rules, lifecycle."""
