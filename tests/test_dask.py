"""A run on a Dask LocalCluster writes the same files as a local run."""

from __future__ import annotations

import shutil

import pytest

from pipeline import api
from tests.conftest import DATA, ROOT, output_files

pytestmark = [pytest.mark.model, pytest.mark.slow]
distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as local:
        yield local


def make_corpus(folder):
    folder.mkdir()
    for path in sorted((DATA / "tiny").iterdir()):
        shutil.copy(path, folder / path.name)
    for path in sorted((ROOT / "corpus").glob("*.txt"))[:2]:
        shutil.copy(path, folder / path.name)
    return folder


def test_cluster_run_equals_local_run(tmp_path, cluster):
    corpus = make_corpus(tmp_path / "corpus")
    local = api.extract(corpus, out=tmp_path / "local", rules_dir=ROOT / "rules")
    remote = api.extract(corpus, out=tmp_path / "dask", rules_dir=ROOT / "rules",
                         scheduler=cluster.scheduler_address)
    assert remote.parsed == len(remote.documents) > 0
    assert output_files(tmp_path / "dask") == output_files(tmp_path / "local")
    assert [f.id for f in remote.findings] == [f.id for f in local.findings]


def test_rules_over_dasks_inline_limit_ship_run_after_run(tmp_path, cluster):
    # Dask names a keyword argument of map over 100 kB after the argument: every run's rules
    # met the last run's under one name and the scheduler failed. Rules that big (a padded
    # copy, whatever the shipped rules weigh) must work for run after run on one cluster.
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "notes.txt").write_text("padding\n" * 30_000, encoding="utf-8")
    corpus = make_corpus(tmp_path / "corpus")
    local = api.extract(corpus, out=tmp_path / "local", rules_dir=rules)
    for run in ("first", "second", "third"):
        remote = api.extract(corpus, out=tmp_path / run, rules_dir=rules,
                             scheduler=cluster.scheduler_address)
        assert [f.id for f in remote.findings] == [f.id for f in local.findings]
        assert output_files(tmp_path / run) == output_files(tmp_path / "local")


def test_cluster_checks_equal_local_checks_per_block(tmp_path, cluster, rules):
    from pipeline import distributed as dist
    from pipeline.check import checks

    corpus = make_corpus(tmp_path / "corpus")
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    with distributed.Client(cluster.scheduler_address) as client:
        for tasks in (1, 3, 16):
            merged = dist.run_checks(client, result.claims, rules=rules, tasks=tasks)
            assert merged == checks.run_checks(result.claims, rules=rules)


def test_checks_never_relate_claims_of_different_groups(tmp_path, rules):
    from pipeline import distributed as dist
    from pipeline.check import checks

    corpus = make_corpus(tmp_path / "corpus")
    result = api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules")
    groups = dist.independent_groups(result.claims, rules)
    assert sum(len(g) for g in groups) == len(result.claims) and len(groups) > 1
    per_group = {f.id: f for g in groups for f in checks.run_checks(g, rules=rules)}
    assert sorted(per_group) == sorted(f.id for f in checks.run_checks(result.claims,
                                                                       rules=rules))


def test_unreachable_scheduler_is_a_clean_error(tmp_path, monkeypatch):
    import functools

    from pipeline import distributed
    from pipeline.errors import InputError

    # the same code path with a shorter connect timeout than the 30 s default
    monkeypatch.setattr(distributed, "connect",
                        functools.partial(distributed.connect, timeout=3))
    corpus = make_corpus(tmp_path / "corpus")
    with pytest.raises(InputError, match="Dask scheduler"):
        api.extract(corpus, out=tmp_path / "out", rules_dir=ROOT / "rules",
                    scheduler="tcp://127.0.0.1:9")
