"""The leaderboard's grading sample: a seed the repository does not reveal.

`interp-puzzles grade` and `harness.grade` use each puzzle's public grading seed (`[grading] seed` in its
puzzle.toml), so that a solver can iterate on it. A solver can then also tune claims against exactly those rows, so
the leaderboard grades on a held-out seed instead, derived from a secret key:

    seed(puzzle) = lo + OFFSET + HMAC-SHA256(key, "<puzzle> v<version>") mod (hi − lo − OFFSET + 1)

with [lo, hi] the puzzle's `data.eval_seeds`, never its public seed (the next one is taken if they meet). The key is
`$INTERP_PUZZLES_HELD_OUT_KEY` (hex), else the file `<leaderboard folder>/.held-out-key`, created on the first run
from the operating system's randomness (mode 0600, ignored by git). A record names its sample by the key's
fingerprint, never by the seed, so neither the repository nor the results it publishes tell which rows were graded.
Whoever holds the key reproduces every score exactly; a checkout without it grades under a key of its own, and its
first `make leaderboard` grades everything again. `interp-puzzles leaderboard --public-seed` grades on the public
seeds instead: the verdicts a solver sees with `grade FILE`.

Verdicts must not depend on the seed: the references are graded on many random seeds (tests/benchmarks), so a true
hypothesis solves on the held-out one too.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..errors import PuzzleError
from ..puzzle.declaration import Declaration

KEY_ENV = "INTERP_PUZZLES_HELD_OUT_KEY"
KEY_FILE = ".held-out-key"
OFFSET = 1000  # seeds lo..lo+OFFSET-1 are left to hand-picked public seeds


@dataclass(frozen=True)
class Sample:
    """Which sample a leaderboard job grades on."""

    seed: int  # the grading seed actually used (never stored in a held-out record)
    label: str  # what the record shows and is keyed on: "public seed 7171" or "held-out 3f9a0c1d2b4e5f60"

    @property
    def public(self) -> bool:
        return self.label.startswith("public")


def public(decl: Declaration) -> Sample:
    return Sample(decl.grading.seed, f"public seed {decl.grading.seed}")


def key(folder: Path) -> bytes:
    """The secret key: $INTERP_PUZZLES_HELD_OUT_KEY, else folder/.held-out-key (made on first use)."""
    text = os.environ.get(KEY_ENV)
    where = f"the environment variable {KEY_ENV}"
    path = folder / KEY_FILE
    if text is None:
        if not path.is_file():
            folder.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
        text, where = path.read_text().strip(), str(path)
    try:
        value = bytes.fromhex(text.strip())
    except ValueError:
        value = b""
    if len(value) < 16:
        raise PuzzleError(f"{where} is not a key of at least 32 hexadecimal digits. Set it to e.g. the output of "
                          f"`python -c \"import secrets; print(secrets.token_hex(32))\"`, or delete {path} to make a "
                          "new one (every result is then graded again).")
    return value


def held_out(decl: Declaration, secret: bytes) -> Sample:
    """The puzzle's held-out sample under `secret`."""
    lo, hi = decl.data.eval_seeds
    low = lo + OFFSET if hi - lo > OFFSET else lo
    digest = hmac.new(secret, f"{decl.name} v{decl.version}".encode(), hashlib.sha256).digest()
    seed = low + int.from_bytes(digest[:8], "little") % (hi - low + 1)
    if seed == decl.grading.seed:
        seed = low + (seed - low + 1) % (hi - low + 1)
    return Sample(seed, f"held-out {fingerprint(secret)}")


def fingerprint(secret: bytes) -> str:
    """16 hex digits naming the key (a hash of it: the key cannot be recovered from it)."""
    return hashlib.sha256(b"interp-puzzles held-out key:" + secret).hexdigest()[:16]


__all__ = ["KEY_ENV", "KEY_FILE", "Sample", "fingerprint", "held_out", "key", "public"]
