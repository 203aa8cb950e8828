"""ID and bank numbers at rest: AES-256-GCM ciphertext plus an HMAC-SHA256 look-up hash.

The hash is keyed so that a leaked table can't be reversed by hashing every possible ID
(there are only ~10^10 plausible ones); it lets us find duplicates without decrypting.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE = 12


class SensitiveCipher:
    def __init__(self, data_key: bytes, lookup_key: bytes) -> None:
        self._aead = AESGCM(data_key)
        self._lookup_key = lookup_key

    def __repr__(self) -> str:
        return "SensitiveCipher(<keys redacted>)"

    def encrypt(self, plaintext: str) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plaintext.encode(), None)

    def decrypt(self, blob: bytes) -> str:
        return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], None).decode()

    def lookup_hash(self, plaintext: str) -> str:
        return hmac.new(self._lookup_key, plaintext.encode(), hashlib.sha256).hexdigest()
