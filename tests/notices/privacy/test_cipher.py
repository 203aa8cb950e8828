"""The batch forms of the register cipher give what the one-value forms give."""

from __future__ import annotations

import hashlib
import hmac
import os

import pytest

from notices.privacy.cipher import SensitiveCipher

VALUES = ["41052119900101123X", "6222021234567890123", "13812345678", "", "张三"]


@pytest.mark.parametrize("key_len", [16, 32, 64, 65, 100])
def test_lookup_hashes_are_hmac_sha256_for_any_key_length(key_len: int) -> None:
    key = os.urandom(key_len)
    cipher = SensitiveCipher(os.urandom(32), key)
    expected = [hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in VALUES]
    assert cipher.lookup_hashes(VALUES) == expected
    assert [cipher.lookup_hash(v) for v in VALUES] == expected


def test_encrypt_many_round_trips_with_a_fresh_nonce_each() -> None:
    cipher = SensitiveCipher(os.urandom(32), os.urandom(32))
    blobs = cipher.encrypt_many(VALUES * 200)
    assert [cipher.decrypt(b) for b in blobs] == VALUES * 200
    assert len({b[:12] for b in blobs}) == len(blobs)
    assert all(v.encode() not in b for v, b in zip(VALUES, blobs, strict=False) if v)
    assert cipher.encrypt_many([]) == []
