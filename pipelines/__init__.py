"""What combines the loaders and the search library: ingestion, evaluation, calibration.

One command line, ``python -m pipelines ingest|query|eval|calibrate`` (see ``pipelines/__main__.py``).
"""
