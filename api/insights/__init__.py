"""Deflection insights: conversation events from the bot and the metrics computed from them."""
