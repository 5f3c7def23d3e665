"""End-to-end tests of ``zopa matrix``, ``zones``, ``graph`` and ``timeline``.

Golden files live in tests/golden/ and are compared exactly; regenerate them
with ``ZOPA_UPDATE_GOLDEN=1 pytest tests/reports/cli/test_cli_analysis.py`` and review the
diff.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import engine
from reports.cli.analysis import GRAPH_WRITERS, WIDTH, matrix_table
from reports.cli.main import main
from tests.conftest import CASES
from tests.golden import assert_golden

TINY = str(CASES / "tiny")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("matrix-tiny-conflict.txt", ["matrix", TINY]),
        ("matrix-tiny-overlap.json", ["matrix", TINY, "--kind", "overlap", "--format", "json"]),
        ("matrix-tiny-gap.csv", ["matrix", TINY, "--kind", "gap", "--format", "csv"]),
        ("matrix-tiny-gap.txt", ["matrix", TINY, "--kind", "gap"]),
        (
            "matrix-tiny-compatible-num.csv",
            ["matrix", TINY, "--kind", "compatible", "--issue", "num", "--format", "csv"],
        ),
        ("zones-tiny.txt", ["zones", TINY]),
        ("zones-tiny.csv", ["zones", TINY, "--format", "csv"]),
        ("zones-tiny.json", ["zones", TINY, "--format", "json"]),
        ("zones-tiny-early-ac.txt", ["zones", TINY, "--at", "2023-06-01", "--parties", "a,c"]),
    ],
)
def test_golden(capsys: pytest.CaptureFixture[str], name: str, args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 0 and err == ""
    assert_golden(name, out)


def test_matrix_values_follow_the_engine(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "matrix", TINY, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["scope"] == "aggregate" and data["kind"] == "conflict"
    assert data["parties"] == ["a", "b", "c"] and data["issue"] is None
    assert data["matrix"]["a"]["b"] == pytest.approx((0.9 * 0.25 + 0.3 * 1) / 1.75, abs=1e-6)
    code, out, _ = run(capsys, "matrix", TINY, "--kind", "gap", "--format", "json")
    data = json.loads(out)
    assert data["scope"] == "per issue" and list(data["matrices"]) == [
        "nom",
        "num",
        "ord",
    ]  # sorted keys
    assert data["matrices"]["nom"]["c"]["a"] is None  # NaN -> null, never 0
    code, out, _ = run(
        capsys, "matrix", TINY, "--kind", "overlap", "--issue", "ord", "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["party", "a", "b", "c"] and rows[1] == ["a", "1", "0", "0.5"]


def test_matrix_parties_and_at(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "matrix", TINY, "--parties", "c,a", "--at", "2023-06-01", "--format", "csv"
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["party", "a", "c"]
    m = engine.conflict_matrix(engine.load_case(TINY), at="2023-06-01", parties=["a", "c"])
    assert float(rows[1][2]) == pytest.approx(m.loc["a", "c"], abs=1e-6)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["matrix", TINY, "--issue", "nmo"], "did you mean 'nom'"),
        (["matrix", TINY, "--kind", "overlp"], "invalid choice"),
        (["matrix", TINY, "--parties", "a,zz"], "unknown party 'zz'"),
        (["zones", TINY, "--parties", "b,cc"], "did you mean 'c'"),
        (["zones", TINY, "--at", "2024-13-01"], "not a date"),
        (["graph", TINY, "-o", "g.bmp"], ".gexf, .graphml, .json, .pdf, .png, .svg"),
        (["graph", TINY, "-o", "graph"], "no extension"),
        (["timeline", TINY, "--parties", ","], "at least one party"),
    ],
)
def test_bad_input_exit_2(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: list[str],
    needle: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse's own usage errors
        code = exc.code
    _, err = capsys.readouterr()
    assert code == 2
    assert needle in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing written


def test_bad_case_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "zones", str(tmp_path))
    assert code == 1 and "case.yaml" in err


def test_graph_export_graphml(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "g.graphml"
    code, out, _ = run(capsys, "graph", TINY, "-o", str(target))
    assert code == 0 and f"new: {target}" in out
    H = nx.read_graphml(target)
    G = engine.incompatibility_graph(engine.load_case(TINY))
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    assert H.edges["a:ord", "b:ord"] == G.edges["a:ord", "b:ord"]
    assert H.nodes["a:ord"]["salience"] == 0.8 and H.nodes["b:ord"]["red_line"] is True
    assert H.nodes["a:num"]["ideal"] == 20.0 and H.nodes["a:ord"]["ideal"] == "o1"
    code, out, _ = run(capsys, "graph", TINY, "-o", str(target))
    assert f"unchanged: {target}" in out


def test_graph_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "graph", TINY)
    assert code == 0
    assert "8 positions, 3 conflict edges, 2 linkage edges" in out
    assert "Most central positions" in out and "a:nom" in out
    assert "Conflict clusters: 3" in out and "1. ord: a, b" in out
    assert (
        "Cheapest relaxation (exact; enumeration): relax 3 position(s), total salience 1.20" in out
    )
    assert max(len(line) for line in out.splitlines()) <= 120


def test_graph_gexf_and_json_are_deterministic(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    gexf, js = tmp_path / "g.gexf", tmp_path / "g.json"
    assert run(capsys, "graph", TINY, "-o", str(gexf))[0] == 0
    assert run(capsys, "graph", TINY, "-o", str(js))[0] == 0
    text = gexf.read_text()
    assert 'lastmodifieddate="2024-01-01"' in text  # the evaluation date, not today
    assert set(nx.read_gexf(gexf).nodes) == set(
        engine.incompatibility_graph(engine.load_case(TINY)).nodes
    )
    data = json.loads(js.read_text())
    assert {"nodes", "edges"} <= set(data) and len(data["nodes"]) == 8
    G = nx.node_link_graph(data, edges="edges")
    assert G.nodes["c:num"]["acceptable"] == "50 units"
    assert sorted(GRAPH_WRITERS) == [".gexf", ".graphml", ".json", ".pdf", ".png", ".svg"]


def test_timeline_outputs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "timeline", TINY)
    assert code == 0 and "early → late" in out and "softened" in out
    code, out, _ = run(capsys, "timeline", TINY, "--format", "json")
    data = json.loads(out)
    assert [s["snapshot"] for s in data["snapshots"]] == ["early", "late"]
    assert data["snapshots"][1]["date"] == "2024-01-01"
    assert data["snapshots"][1]["total_conflict"] == pytest.approx(0.565, abs=1e-6)
    assert data["changes"][0]["kind"] == "softened" and len(data["issues"]) == 6
    code, out, _ = run(capsys, "timeline", TINY, "--format", "csv")
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns)[:3] == ["snapshot", "date", "label"] and len(df) == 2
    code, out, _ = run(capsys, "timeline", TINY, "--format", "csv", "--changes")
    df = pd.read_csv(io.StringIO(out))
    assert df["kind"].tolist() == ["softened"] and df["party"].tolist() == ["a"]
    code, out, _ = run(capsys, "timeline", TINY, "--changes", "--format", "json")
    assert set(json.loads(out)) == {"case", "title", "parties", "changes"}


def test_wide_matrices_split_into_blocks() -> None:
    ids = [f"party-number-{i:02d}" for i in range(12)]
    df = pd.DataFrame(np.eye(12), index=ids, columns=ids)
    text = matrix_table(df)
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    assert text.count("party-number-00  ") >= 2  # the row labels repeat in every block


def test_help_documents_layouts(capsys: pytest.CaptureFixture[str]) -> None:
    for cmd in ("matrix", "zones", "graph", "timeline"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        out = capsys.readouterr().out
        assert "JSON" in out or ".graphml" in out
