"""Which page of the HTML report shows what (``pipeline.render.pages``), and how the pages are
written: every finding once, page names from what they show, the sources a thousand to a
page, unchanged pages linked from the previous generation (no byte rendered)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from pipeline import fsio, render
from pipeline.models import Finding
from pipeline.render import outputs, pages, report, splice
from pipeline.state import rows
from tests.conftest import make_doc, report_claim
from tests.test_report_pieces import make_world


def write(out: Path, view: rows.View, layouts: dict[str, bytes]
          ) -> tuple[dict[str, bytes], dict[str, splice.Stats]]:
    """One run's outputs written and published as a new generation of ``out``."""
    stats: dict[str, splice.Stats] = {}
    with fsio.new_generation(out) as generation:
        _, new = outputs.write(out, view, state="s", layouts=layouts, generation=generation,
                               stats=stats)
        generation.seal()
        generation.committed = True
        generation.publish()
    return new, stats


def test_group_pages_are_named_after_their_subject_and_metric():
    name = pages.page_name("Acme <b>Robotics</b>", "deal_value")
    assert re.fullmatch(r"g-acme-b-robotics-b-deal-value-[0-9a-f]{8}\.html", name)
    assert name == pages.page_name("Acme <b>Robotics</b>", "deal_value")
    assert name != pages.page_name("acme <b>robotics</b>", "deal_value")  # its own group
    assert pages.page_name("", "").startswith("g-group-")


def test_garbled_findings_have_their_own_pages_and_groups_the_rest():
    world = make_world(4, documents=60, findings=200)
    view = world.view()
    plan = pages.pages_plan(view)
    order = plan.plan.shared.order
    in_groups = [order[i] for g in plan.groups for i in g.at]
    repaired = [order[i] for _, at in plan.repaired for i in at]
    assert in_groups and repaired
    assert all(f.kind != "garbled" for f in in_groups)
    assert all(f.kind == "garbled" for f in repaired)
    assert len(in_groups) + len(repaired) == len(view.findings)
    names = [g.page for g in plan.groups] + [n for n, _ in plan.repaired] + [
        n for n, _ in plan.claims]
    assert len(set(names)) == len(names)
    every = render.texts(view)
    assert {f"report/{n}" for n in names} | {"report/sources.html"} == {
        n for n in every if n.startswith("report/")}


def test_sources_are_about_a_thousand_to_a_page_and_findings_link_to_theirs():
    docs = [make_doc(i, f"a{i:05d}.txt", f"Title {i}") for i in range(1, 5002)]
    first, last = docs[0], docs[-1]
    claims = [report_claim("c-1", first, "Acme paid $5 million.", "$5 million", 5e6, 5e6),
              report_claim("c-2", last, "Acme paid $9 million.", "$9 million", 9e6, 9e6)]
    finding = Finding(id="f-1", kind="contradiction", severity="high", subject="Acme",
                      metric="cost", claims=("c-1", "c-2"), explanation="x",
                      check="value_mismatch.v1")
    every = render.texts(rows.memory_view(docs, claims, [finding], []))
    sources = {n: every[n] for n in every if n.startswith("report/sources")}
    counts = {n: text.count('<tr id="d-') for n, text in sources.items()}
    assert sum(counts.values()) == len(docs)  # each document on one page
    assert 2 <= len(sources) <= 15 and max(counts.values()) <= 2 * report.SOURCES_PAGE
    assert 'id="d-d1"' in every["report/sources.html"]
    # labels are the start of the document ids (make_doc's "d1" ... "d5001": whole ids here)
    (holder,) = [n for n, text in sources.items() if 'id="d-d5001"' in text]
    page = every["report/" + pages.page_name("Acme", "cost")]
    assert 'href="sources.html#d-d1"' in page
    assert f'href="{holder.removeprefix("report/")}#d-d5001"' in page


def test_sources_pages_are_cut_by_content():
    """An article sorting before the others joins the first page; every later source stays
    on its page (links to it unchanged), however many are added before it."""
    ids = [f"{i:016x}" for i in range(7, 60_000, 13)]
    before = report.source_pages(ids)
    after = report.source_pages(["0" * 16, *ids[:40], "00000000000000ff", *ids[40:]])
    moved = [d for d in ids if after[d] != before[d]]
    first_page = [d for d in ids if before[d] == "sources.html"]
    assert set(moved) <= set(first_page)
    assert len(set(before.values())) > 2


def test_unchanged_pages_are_linked_and_a_new_article_renders_few(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    world = make_world(7, documents=150, findings=250)
    layouts, _ = write(out, world.view(), {})
    before = {p.name: p.stat().st_ino for p in (out / "report").iterdir()}
    # the same run again: every page linked, nothing rendered
    layouts, stats = write(out, world.view(), layouts)
    assert stats["report/"].rendered == 0
    assert {p.name: p.stat().st_ino for p in (out / "report").iterdir()} == before
    # an article sorting last, with findings about its claims
    doc = world.add_document(path="zz-new.txt", claims=5)
    new = [c for c in world.claims.values() if c.doc_id == doc.id]
    added = [world.add_finding(new) for _ in range(2)]
    layouts, stats = write(out, world.view(), layouts)
    after = {p.name: p.stat().st_ino for p in (out / "report").iterdir()}
    kept = [name for name in before if after.get(name) == before[name]]
    # the pages of the groups of the new findings, and of the blocks of its claims (charts)
    blocks = {(c.subject or "", c.metric) for c in new} | {
        (f.subject or "", f.metric or "") for f in added}
    touched = {pages.page_name(*block) for block in blocks}
    assert len(kept) >= len(before) - len(touched) - 4  # + claims, repaired, sources pages
    assert len(kept) > len(before) / 2
    assert stats["report/"].bytes_rendered < stats["report/"].bytes_reused / 4
    for name, text in render.texts(world.view()).items():  # the same as a fresh render
        assert (out / name).read_text(encoding="utf-8") == text, name


def test_a_folder_copied_as_plain_files_is_adopted(tmp_path):
    """``cp -rL out/ copy/``: the report's folder is a plain folder; the next run takes it
    over as its first generation, showing the same pages."""
    out = tmp_path / "out"
    out.mkdir()
    world = make_world(3, documents=10, findings=12)
    write(out, world.view(), {})
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in out.iterdir():
        if not path.name.startswith("."):
            target = copy / path.name
            if path.is_dir():
                target.mkdir()
                for page in path.iterdir():
                    target.joinpath(page.name).write_bytes(page.read_bytes())
            else:
                target.write_bytes(path.read_bytes())
    shown = {p.name: p.read_bytes() for p in (copy / "report").iterdir()}
    fsio.recover(copy, None, outputs.NAMES)
    assert (copy / "report").is_symlink()
    assert {p.name: p.read_bytes() for p in (copy / "report").iterdir()} == shown
    assert fsio.current_generation(copy) == "1"
    assert not [p for p in copy.iterdir() if p.name.endswith(fsio.TMP_SUFFIX)]
    assert os.path.realpath(copy / "report").startswith(str(copy / fsio.GENERATIONS))


def test_index_rows_carry_their_findings_counts_per_kind_severity_status():
    world = make_world(9, documents=40, findings=80)
    view = world.view()
    index = render.text(view, "report.html")
    plan = pages.pages_plan(view)
    cells = re.findall(r'<tr class="grp" data-c="([^"]*)"', index)
    assert len(cells) == len(plan.groups)
    total = sum(int(cell.rsplit(":", 1)[1]) for row in cells for cell in row.split())
    assert total == sum(f.kind != "garbled" for f in view.findings)
