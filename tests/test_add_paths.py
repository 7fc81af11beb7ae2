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


# --------------------------------------------------------------------------- source labels

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_IDS = st.lists(st.text("0123456789abcdef", min_size=1, max_size=8), max_size=40, unique=True)


@settings(max_examples=300, deadline=None)
@given(ids=_IDS, new=st.text("0123456789abcdef", min_size=1, max_size=8))
def test_source_labels_are_short_distinct_prefixes_that_an_addition_leaves_alone(
        ids: list[str], new: str) -> None:
    labels = report.source_labels(ids)
    assert sorted(labels) == sorted(ids)
    assert len(set(labels.values())) == len(ids)  # distinct
    for doc, label in labels.items():
        assert doc.startswith(label)
        assert len(label) >= min(len(doc), report.SOURCE_LABEL)
        # as short as it can be: one character less would start another id too
        if len(label) > report.SOURCE_LABEL:
            assert any(o != doc and o.startswith(label[:-1]) for o in ids)
    if new in labels:
        return
    after = report.source_labels([*ids, new])
    changed = [d for d in ids if after[d] != labels[d]]
    # only ids that start like the new one (beyond the shortest label) get longer labels
    assert all(d[:report.SOURCE_LABEL] == new[:report.SOURCE_LABEL] or d.startswith(new)
               for d in changed)
    assert all(len(after[d]) > len(labels[d]) for d in changed)


def test_an_article_sorting_first_renumbers_nothing(tmp_path: Path) -> None:
    """Labels do not depend on a document's rank: an article whose name sorts before every
    other one rewrites the pages of its own claims and findings and the sources pages, not
    every page that cites a source (as numbers by rank did)."""
    from tests.test_report_pages import write
    from tests.test_report_pieces import make_world

    out = tmp_path / "out"
    out.mkdir()
    world = make_world(11, documents=160, findings=260)
    layouts, _ = write(out, world.view(), {})
    before = {p.name: p.stat().st_ino for p in (out / "report").iterdir()}
    doc = world.add_document(path="000-first.txt", claims=4)
    new = [c for c in world.claims.values() if c.doc_id == doc.id]
    world.add_finding(new)
    layouts, stats = write(out, world.view(), layouts)
    after = {p.name: p.stat().st_ino for p in (out / "report").iterdir()}
    kept = [name for name in before if after.get(name) == before[name]]
    assert len(kept) > len(before) / 2
    assert stats["report/"].bytes_rendered < stats["report/"].bytes_reused / 4
    assert stats["contradictions.md"].bytes_rendered < stats["contradictions.md"].bytes_reused
    for name, text in outputs.texts(world.view()).items():  # the same as a fresh render
        assert (out / name).read_text(encoding="utf-8") == text, name


def test_an_add_walks_the_corpus_once_and_runs_on_what_a_walk_finds(tmp_path: Path,
                                                                    monkeypatch) -> None:
    """The add's run is given the corpus as the add walked it, with the files it placed
    (one under a free name): the same documents and outputs as a run that walks again."""
    from pipeline import api
    from pipeline import corpus as corpus_module

    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "b.txt").write_text("Acme said its revenue was $5 billion in 2024.\n")
    (corpus / "sub" / "c.txt").write_text("Acme reported revenue of $7 billion in 2024.\n")
    out = tmp_path / "out"
    api.extract(corpus, out=out)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / "b.txt").write_text("Acme's revenue reached $6 billion in 2024, it said.\n")
    (incoming / "a.txt").write_text("Rivals put Acme's revenue in 2024 at $9 billion.\n")
    walks: list[Path] = []
    real = corpus_module.walk_corpus

    def counted(folder: Path) -> corpus_module.CorpusWalk:
        walks.append(folder)
        return real(folder)

    monkeypatch.setattr(api, "walk_corpus", counted)
    monkeypatch.setattr(corpus_module, "walk_corpus", counted)
    result = api.add([incoming / "b.txt", incoming / "a.txt"], corpus=corpus, out=out)
    assert len(walks) == 1
    assert result.run is not None
    assert [d.path for d in result.run.view.docs] == ["a.txt", "b-2.txt", "b.txt", "sub/c.txt"]
    fresh = tmp_path / "fresh"
    api.extract(corpus, out=fresh)
    for name in ("claims.jsonl", "contradictions.json", "contradictions.md"):
        assert (out / name).read_bytes() == (fresh / name).read_bytes(), name
