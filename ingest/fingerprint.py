"""Content fingerprints: an exact hash for change detection and a MinHash for near-duplicates.

The same press release as TXT, PDF, DOCX and HTML differs in line breaks, hyphenation and page
furniture, so exact hashes miss it; the Jaccard similarity of word 5-gram shingles does not.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

_PERMUTATIONS = 128
_SHINGLE = 5
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20260329)  # fixed: signatures must compare across runs and machines
_A = _rng.integers(1, int(_PRIME), size=_PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, int(_PRIME), size=_PERMUTATIONS, dtype=np.uint64)
_WORD = re.compile(r"\w+", re.UNICODE)


def content_hash(text: str) -> str:
    """SHA-256 of the text with whitespace normalised: re-wrapping a file is no change."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def minhash(text: str) -> bytes:
    tokens = _WORD.findall(text.lower())
    shingles = {" ".join(tokens[i : i + _SHINGLE]) for i in range(max(1, len(tokens) - _SHINGLE + 1))}
    hashes = np.fromiter(
        (
            int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") >> 3
            for s in shingles
        ),
        dtype=np.uint64,
        count=len(shingles),
    )
    # (a*x + b) mod p on 61-bit values would overflow uint64; the product is taken modulo 2**64
    # first, which keeps the permutations independent enough for a duplicate check.
    permuted = (hashes[:, None] * _A[None, :] + _B[None, :]) % _PRIME
    return permuted.min(axis=0).astype(np.uint64).tobytes()


def similarity(left: bytes, right: bytes) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    a = np.frombuffer(left, dtype=np.uint64)
    b = np.frombuffer(right, dtype=np.uint64)
    if a.shape != b.shape:
        return 0.0
    return float(np.mean(a == b))
