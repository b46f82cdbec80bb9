"""RFC 6962 / RFC 9162 Merkle hashing and inclusion-proof checking, written from the RFCs alone
(not from pit's or pymerkle's code), for tests that check pit's trees and proofs independently."""

from __future__ import annotations

import hashlib


def _h(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def rfc6962_root(leaves: list[bytes]) -> bytes:
    """MTH of RFC 6962 §2.1, written from the RFC, independently of pymerkle."""
    if len(leaves) == 1:
        return _h(b"\x00" + leaves[0])
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    return _h(b"\x01" + rfc6962_root(leaves[:split]) + rfc6962_root(leaves[split:]))


def rfc9162_inclusion(index: int, size: int, leaf: bytes, path: tuple[bytes, ...]) -> bytes:
    """The root an RFC 9162 §2.1.3.2 audit path leads to."""
    fn, sn, result = index, size - 1, leaf
    for sibling in path:
        if fn & 1 or fn == sn:
            result = _h(b"\x01" + sibling + result)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = _h(b"\x01" + result + sibling)
        fn, sn = fn >> 1, sn >> 1
    return result
