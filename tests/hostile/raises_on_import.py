"""Raises while being imported."""

raise ValueError("boom at import time")
