"""SeenNonces: a signed timestamp+nonce is good for one body only, within its window."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.mp.replay import SeenNonces


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["x", "y"]))))
def test_a_pair_is_accepted_again_only_with_the_body_it_came_with(requests):
    nonces, first_body = SeenNonces(ttl_s=660, clock=Clock()), {}
    for key, body in requests:
        expected = first_body.setdefault(key, body) == body
        assert nonces.accept(key, body) is expected


def test_a_pair_is_forgotten_only_after_the_window():
    clock = Clock()
    nonces = SeenNonces(ttl_s=660, clock=clock)
    assert nonces.accept("k", "body")
    clock.now = 659
    assert not nonces.accept("k", "forged")
    clock.now = 661   # by now the timestamp itself is refused; the memory can go
    assert nonces.accept("k", "other") and len(nonces._seen) == 1
