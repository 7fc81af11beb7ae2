"""The corpus walk never raises on a bad entry: every entry that is not an article file is
listed as skipped, with why (issue 20, item 1)."""

from __future__ import annotations

import errno
import os
import socket
from pathlib import Path

import pytest

from pipeline.corpus import walk_corpus
from pipeline.errors import InputError

ARTICLE = "Acme Robotics said revenue was $5 million in 2025.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(ARTICLE)
    (folder / "sub" / "b.md").write_text(ARTICLE)
    return folder


def reasons(corpus: Path) -> dict[str, str]:
    walk = walk_corpus(corpus)
    return {s.path: s.reason for s in walk.skipped}


def test_plain_files_and_folders_are_walked_in_order(corpus):
    (corpus / ".hidden.txt").write_text(ARTICLE)
    walk = walk_corpus(corpus)
    assert [p.relative_to(corpus).as_posix() for p in walk.files] == ["a.txt", "sub/b.md"]
    assert walk.skipped == []


def test_a_symlink_loop_is_skipped_not_raised(corpus):
    os.symlink("self.txt", corpus / "self.txt")
    os.symlink("ping.txt", corpus / "pong.txt")
    os.symlink("pong.txt", corpus / "ping.txt")
    found = reasons(corpus)
    assert set(found) == {"self.txt", "ping.txt", "pong.txt"}
    assert all(r.startswith("symlink loop") for r in found.values())


def test_a_symlink_to_a_folder_is_skipped_never_followed(corpus):
    os.symlink(corpus, corpus / "loop")
    os.symlink("..", corpus / "sub" / "up")
    walk = walk_corpus(corpus)
    assert [p.relative_to(corpus).as_posix() for p in walk.files] == ["a.txt", "sub/b.md"]
    assert {s.path for s in walk.skipped} == {"loop", "sub/up"}
    assert all("symlink to a folder" in s.reason for s in walk.skipped)


def test_a_dangling_symlink_is_skipped(corpus):
    os.symlink("gone.txt", corpus / "dangling.txt")
    assert reasons(corpus)["dangling.txt"].startswith("dangling symlink")


def test_fifos_sockets_and_devices_are_skipped_with_their_kind(corpus, tmp_path):
    os.mkfifo(corpus / "pipe.txt")
    server = socket.socket(socket.AF_UNIX)
    short = tmp_path / "s"  # AF_UNIX paths are short; bind it nearby and link it in
    server.bind(str(short))
    try:
        os.link(short, corpus / "sock.txt")
    except OSError:
        os.symlink(short, corpus / "sock.txt")
    os.symlink("/dev/zero", corpus / "zero.txt")
    os.symlink("/dev/null", corpus / "sub" / "null.md")
    found = reasons(corpus)
    server.close()
    assert found["pipe.txt"].startswith("not a regular file: a FIFO (named pipe)")
    assert "a socket" in found["sock.txt"]
    assert found["zero.txt"].startswith("symlink to a character device")
    assert found["sub/null.md"].startswith("symlink to a character device")
    assert all(r.endswith("(remove it from the corpus)") for r in found.values())


def test_an_unreadable_folder_is_skipped(corpus, monkeypatch):
    (corpus / "locked").mkdir()
    real = os.scandir

    def scandir(path):
        if str(path).endswith("/locked"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert reasons(corpus) == {"locked/": "folder cannot be read: Permission denied (check "
                                          "the folder's permissions)"}


def test_an_unreadable_corpus_folder_is_one_input_error(corpus, monkeypatch):
    def scandir(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError, match="cannot read the corpus folder"):
        walk_corpus(corpus)


def test_a_hostile_entry_name_is_skipped_under_its_shown_name(corpus):
    os.mkfifo(os.fsencode(corpus) + b"/evil\x1b[2J\xff.txt")
    assert list(reasons(corpus)) == ["evil\\x1b[2J\\xff.txt"]


def test_two_names_shown_alike_keep_the_first(corpus, rules):
    """A name with ESC and one with the four characters backslash, x, 1, b read the same
    once escaped: the second is skipped, never merged with the first."""
    from pipeline.api import load_documents

    (corpus / "a\x1b.txt").write_text("Acme Robotics said revenue was $5 million in 2025. " * 3)
    (corpus / "a\\x1b.txt").write_text("Acme Robotics said revenue was $6 million in 2025. " * 3)
    documents, skipped, _keys, _entries = load_documents(corpus, rules=rules)
    assert [d.path for d in documents].count("a\\x1b.txt") == 1
    assert [(s.path, s.reason.split(" (")[0]) for s in skipped if "x1b" in s.path] == [
        ("a\\x1b.txt", "another file's name is shown the same once its control characters "
                        "are escaped")]
