"""Fuzz targets for b12cli's value parser and CSV reader (hypothesis-driven).

Run `python -m fuzz --examples 100000` from the repository root; see docs/safety.md.
"""
