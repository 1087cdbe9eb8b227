"""Custom actions: thin adapters between the dialog and the support API."""
