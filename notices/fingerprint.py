"""Fingerprints and verify codes of published versions (DESIGN §3).

The fingerprint is SHA-256 over canonical JSON of a version's public content. The verify code
is 8 characters of it in Crockford's base32 (no I, L, O, U), shown as ``7F3K-92QD``;
villagers type it back, so input is forgiving the way Crockford specifies: case, dashes,
spaces and full-width characters are ignored, O reads as 0, I and L as 1.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from villages.errors import NotFound

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH = 8
_SLIPS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def canonical_json(content: Any) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def fingerprint(content: Any) -> str:
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def verify_code(fingerprint_hex: str, attempt: int = 0) -> str:
    """The code for a fingerprint; ``attempt`` > 0 gives alternatives if a code is taken."""
    number = int(hashlib.sha256(f"{fingerprint_hex}:{attempt}".encode()).hexdigest(), 16)
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def normalize_code(text: str, length: int = CODE_LENGTH) -> str | None:
    """What a villager typed, as a stored code of ``length`` characters (a verify code, or
    an objection's receipt), or None if it can't be one."""
    if len(text) > 4 * length:   # no spelling of a code is that long: don't even look
        return None
    cleaned = unicodedata.normalize("NFKC", text).upper()
    cleaned = "".join(ch for ch in cleaned if ch.isalnum()).translate(_SLIPS)
    if len(cleaned) != length or any(ch not in ALPHABET for ch in cleaned):
        return None
    return cleaned


def unknown_code(code_text: str) -> NotFound:
    """The answer to a code that names no published version, however it was typed."""
    return NotFound(f"没有核验码为“{code_text.strip()[:20]}”的公示，请核对后重新输入")
