"""The tests mirror the package tree, so a module's tests are found by its path, not by grep
(tests/notices/delivery/ holds the tests of notices/delivery/)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN_FOLDERS = {"e2e", "browser", "fixtures", "__pycache__"}  # whole-path and shared helpers


def test_every_test_folder_mirrors_a_package_folder():
    strays = []
    for folder in (ROOT / "tests").rglob("*"):
        if not folder.is_dir() or OWN_FOLDERS & set(folder.relative_to(ROOT / "tests").parts):
            continue
        package = ROOT / folder.relative_to(ROOT / "tests")
        # a folder of tests stands for a package, or for one large module (bot/worker.py)
        if not (package / "__init__.py").exists() and not package.with_suffix(".py").exists():
            strays.append(str(folder.relative_to(ROOT)))
    assert strays == []


def test_tests_sit_beside_their_package_not_in_one_flat_hall():
    flat = [p.name for p in (ROOT / "tests" / "notices").glob("test_*.py")]
    modules = [p.stem for p in (ROOT / "notices").glob("*.py") if p.stem != "__init__"]
    assert all(name.removeprefix("test_").removesuffix(".py") in modules for name in flat)
