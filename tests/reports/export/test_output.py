"""Writing outputs: atomic, manifest-guarded, never over a user's file unasked."""

from __future__ import annotations

import json
import os

import pytest

from reports.export.output import MANIFEST, OutputExistsError, write_bundle, write_file


def test_bundle_new_unchanged_replaced(tmp_path):
    out = tmp_path / "report"
    assert write_bundle(out, {"a.txt": "one", "b/c.txt": b"two"}) == {
        "a.txt": "new",
        "b/c.txt": "new",
    }
    assert (out / "b" / "c.txt").read_bytes() == b"two"
    manifest = json.loads((out / MANIFEST).read_text())
    assert set(manifest) == {"a.txt", "b/c.txt"}
    assert write_bundle(out, {"a.txt": "one", "b/c.txt": b"two"}) == {
        "a.txt": "unchanged",
        "b/c.txt": "unchanged",
    }
    assert write_bundle(out, {"a.txt": "uno"})["a.txt"] == "replaced"
    assert (out / "a.txt").read_text() == "uno"


def test_bundle_refuses_files_it_did_not_write(tmp_path):
    (tmp_path / "a.txt").write_text("the user's notes")
    with pytest.raises(OutputExistsError, match="were not written by zopa"):
        write_bundle(tmp_path, {"a.txt": "report", "new.txt": "x"})
    assert (tmp_path / "a.txt").read_text() == "the user's notes"
    assert not (tmp_path / "new.txt").exists()  # nothing written when refusing
    assert write_bundle(tmp_path, {"a.txt": "report"}, force=True) == {"a.txt": "replaced"}


def test_bundle_refuses_a_file_edited_since_zopa_wrote_it(tmp_path):
    write_bundle(tmp_path, {"a.txt": "report"})
    (tmp_path / "a.txt").write_text("report, annotated by hand")
    with pytest.raises(OutputExistsError):
        write_bundle(tmp_path, {"a.txt": "report v2"})
    assert (tmp_path / "a.txt").read_text() == "report, annotated by hand"


def test_write_file_reports_what_it_did(tmp_path):
    p = tmp_path / "g.graphml"
    assert write_file(p, "x") == "new"
    assert write_file(p, "x") == "unchanged"
    assert write_file(p, "y") == "replaced"
    with pytest.raises(OutputExistsError):
        write_file(tmp_path, "z")


def test_atomic_write_leaves_no_temporary_files(tmp_path, monkeypatch):
    write_bundle(tmp_path, {"a.txt": "one"})

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_bundle(tmp_path, {"a.txt": "two"})
    assert (tmp_path / "a.txt").read_text() == "one"
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "a.txt"]
