"""workspace.kept and write_whole: results kept in the work folder, whole or not at all."""
from __future__ import annotations

import pickle

import pytest

from churnlab import workspace


def test_kept_computes_once_then_reads_back(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"answer": 42}

    path = tmp_path / "kept" / "result.pickle"
    assert workspace.kept(path, compute) == {"answer": 42}
    assert workspace.kept(path, compute) == {"answer": 42}
    assert len(calls) == 1
    assert [p.name for p in path.parent.iterdir()] == ["result.pickle"]  # no partial file left behind


def test_a_file_cut_short_is_computed_again_and_replaced(tmp_path):
    path = tmp_path / "result.pickle"
    path.write_bytes(pickle.dumps([1, 2, 3])[:5])
    assert workspace.kept(path, lambda: [1, 2, 3]) == [1, 2, 3]
    assert pickle.loads(path.read_bytes()) == [1, 2, 3]


def test_a_folder_that_cannot_be_written_keeps_nothing_and_loses_nothing(tmp_path, monkeypatch):
    def refuse(path, write):
        raise PermissionError("read-only")

    monkeypatch.setattr(workspace, "write_whole", refuse)
    assert workspace.kept(tmp_path / "result.pickle", lambda: "value") == "value"
    assert not (tmp_path / "result.pickle").exists()


def test_write_whole_leaves_no_partial_file_when_writing_fails(tmp_path):
    def half_then_fail(file_path):
        file_path.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        workspace.write_whole(tmp_path / "chart.png", half_then_fail)
    assert list(tmp_path.iterdir()) == []


def test_a_fingerprint_changes_with_a_file_or_a_version_and_ignores_line_endings(tmp_path):
    code = tmp_path / "code.py"
    code.write_bytes(b"x = 1\n")
    first = workspace.fingerprint([code], versions=("1.0",))
    assert workspace.fingerprint([code], versions=("1.0",)) == first
    assert workspace.fingerprint([code], versions=("1.1",)) != first
    code.write_bytes(b"x = 1\r\n")
    assert workspace.fingerprint([code], versions=("1.0",)) == first
    code.write_bytes(b"x = 2\n")
    assert workspace.fingerprint([code], versions=("1.0",)) != first
