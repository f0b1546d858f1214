"""Raises at import with a lone surrogate in its message, which cannot be encoded as UTF-8."""

raise ValueError("bad text \ud800 here")
