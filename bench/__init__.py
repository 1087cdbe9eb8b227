"""Benchmarks: numbers printed, never asserted in tests."""
