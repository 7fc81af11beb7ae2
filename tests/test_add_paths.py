"""Shortcuts of the one-article ``claims add`` (compiled templates kept on disk, stable source
labels, the old generation's folder resolved once) give the same bytes as the slow route."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.render import outputs, report


@pytest.fixture
def template_cache(tmp_path, monkeypatch):
    """A private cache folder for the compiled templates (and none left cached in memory)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CLAIMS_NO_TEMPLATE_CACHE", raising=False)
    report._template_cache.cache_clear()
    report._html_macros.cache_clear()
    yield tmp_path / "cache" / "claims" / "templates"
    report._template_cache.cache_clear()
    report._html_macros.cache_clear()


def _all_texts(view) -> dict[str, str]:
    report._html_macros.cache_clear()  # compiled again (from the cache, when there is one)
    return outputs.texts(view)


def test_compiled_templates_are_cached_and_render_the_same(tiny_run, template_cache,
                                                           monkeypatch) -> None:
    result, _ = tiny_run
    view = result.view
    monkeypatch.setenv("CLAIMS_NO_TEMPLATE_CACHE", "1")
    report._template_cache.cache_clear()
    uncached = _all_texts(view)
    assert not template_cache.exists()
    monkeypatch.delenv("CLAIMS_NO_TEMPLATE_CACHE")
    report._template_cache.cache_clear()
    first = _all_texts(view)  # compiles and writes the cache
    entries = sorted(p.name for p in template_cache.iterdir())
    assert [n.split("-")[0] for n in entries] == ["html", "md"]
    assert oct(template_cache.stat().st_mode & 0o777) == oct(0o700)
    second = _all_texts(view)  # loads the cached bytecode
    assert first == uncached
    assert second == uncached


def test_a_damaged_or_foreign_cache_is_never_used(tiny_run, template_cache) -> None:
    result, _ = tiny_run
    expected = _all_texts(result.view)
    for entry in template_cache.iterdir():  # garbage in every entry: compiled again
        entry.write_bytes(b"not bytecode at all")
    assert _all_texts(result.view) == expected
    os.chmod(template_cache, 0o777)  # a folder others could write to: not loaded from
    report._template_cache.cache_clear()
    assert report._template_cache(True) is None
    assert _all_texts(result.view) == expected


def test_no_cache_where_the_folder_cannot_be_made(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    report._template_cache.cache_clear()
    try:
        assert report._template_cache(False) is None
    finally:
        report._template_cache.cache_clear()
