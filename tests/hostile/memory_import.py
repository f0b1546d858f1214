"""Allocates 20 GiB while being imported."""

hog = bytearray(20 * 2**30)
