"""Exits the process while being imported."""

import sys

sys.exit(3)
