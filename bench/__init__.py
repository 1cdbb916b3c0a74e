"""Ingest benchmark for issue 3: `python -m bench` (or `make bench`). See bench/run.py."""
