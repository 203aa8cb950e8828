"""Fixtures shared by the pdf tests."""

from __future__ import annotations

import pytest

from pdf.fonts import FontSet, load_fonts


@pytest.fixture(scope="session")
def fonts() -> FontSet:
    # The shipped font only: tests must not depend on what the host has installed.
    return load_fonts(fallback="")
