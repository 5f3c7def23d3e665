"""The data behind the figures: hand-checked values on the tiny case, smoke tests on the shipped one.

The tiny case (tests/cases/tiny, as of 2024-01-01):

=====  =====================================  ==============================  =====================
party  ord (o1…o5, ordinal)                   nom (x, y, z; d(x, y) = 0.5)    num (0–100 units)
=====  =====================================  ==============================  =====================
a      ideal o1, accepts o1–o3, s 0.8,        ideal x, accepts x y, s 0.4     ideal 20, 10–40, s 0.6
       requires nom: x
b      ideal o5, accepts o4–o5, s 1.0,        ideal z, accepts z, s 0.2       ideal 80, 30–90, s 0.5
       red line
c      ideal o3, accepts o2 o3 o4, s 0.3      no position                     ideal 50, 50–50, s 0.2
=====  =====================================  ==============================  =====================
"""

from __future__ import annotations

import math
import subprocess
import sys

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import engine
from engine import Change, Party, scenario_from_changes
from engine.model.errors import UnknownIdError
from engine.solve.settlement import settle
from engine.whatif.compare import compare
from reports.figures.deltas import delta_data
from reports.figures.graph import graph_data
from reports.figures.heatmap import heatmap_data
from reports.figures.labels import format_value, party_names, short_name
from reports.figures.position_map import position_map_data
from reports.figures.settlement import settlement_data
from reports.figures.timeline import CHANGE_KINDS, ZONE_STATES, timeline_data
from reports.figures.zones import zone_chart_data
from tests.conftest import CASES, ROOT


@pytest.fixture(scope="module")
def tiny() -> engine.Case:
    return engine.load_case(CASES / "tiny")


@pytest.fixture(scope="module")
def shipped() -> engine.Case:
    return engine.load_case("ukraine-russia")


@pytest.fixture(scope="module")
def edgy(tiny: engine.Case) -> engine.Case:
    """Tiny, with nobody on "nom" any more and a party "d" without positions."""
    changes = [
        Change("position", party="a", issue="nom", withdraw=True),
        Change("position", party="b", issue="nom", withdraw=True),
        Change("add_party", party="d", new_party=Party("d", "Party D (PD)", "observer")),
    ]
    return engine.apply(tiny, scenario_from_changes(changes))


@pytest.fixture(scope="module")
def solo(tiny: engine.Case) -> engine.Case:
    """Tiny with party a alone."""
    changes = [Change("remove_party", party="b"), Change("remove_party", party="c")]
    return engine.apply(tiny, scenario_from_changes(changes))


def cell(df: pd.DataFrame, issue: str, party: str) -> pd.Series:
    row = df[(df["issue"] == issue) & (df["party"] == party)]
    assert len(row) == 1
    return row.iloc[0]


# ------------------------------------------------------------------ labels


def test_short_name_rules():
    assert short_name("Party A") == "Party A"
    assert short_name("United Nations (General Assembly, Security Council, IAEA)") == (
        "United Nations"
    )
    long = "France, Germany, United Kingdom (E3) and the coalition of the willing"
    assert short_name(long) == "E3"
    no_abbr = "An extremely long party name that has no abbreviation at all"
    assert short_name(no_abbr) == no_abbr


def test_party_names_prefer_the_case_short_names(tiny, shipped):
    assert party_names(tiny) == {"a": "Party A", "b": "Party B", "c": "Party C"}
    names = party_names(shipped)
    short = {p.id: p.short for p in shipped.parties if getattr(p, "short", "")}
    for pid, s in short.items():
        assert names[pid] == s
    assert all(len(n) <= 24 for n in names.values())
    assert party_names(shipped, short=False)["ukraine"] == shipped.party("ukraine").name


def test_format_value():
    assert format_value(0.3) == "0.30"
    assert format_value(1.0) == "1.00"
    assert format_value(float("nan")) == "–"
    assert format_value(0.25, signed=True) == "+0.25"
    assert format_value(-0.128571, signed=True) == "−0.13"
    assert format_value(-0.004, signed=True) == "0.00"


def test_figdata_never_imports_matplotlib():
    code = "import sys, reports.figures, reports.figures.labels, reports.figures.frames; sys.exit(1 if 'matplotlib' in sys.modules else 0)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


# ------------------------------------------------------------ position map


def test_position_map_tables(tiny):
    d = position_map_data(tiny)
    assert d.at == "2024-01-01"
    assert d.issues["issue"].tolist() == ["ord", "nom", "num"]
    assert d.issues["k"].tolist() == [5, 3, 0]
    assert d.issues["row"].tolist() == [0, 1, 2]
    assert d.issues[["first_label", "last_label"]].to_numpy().tolist() == [
        ["One", "Five"],
        ["X", "Z"],
        ["0 units", "100 units"],
    ]
    assert d.issues["n_positions"].tolist() == [3, 2, 3]
    assert d.parties["party"].tolist() == ["a", "b", "c"]
    assert d.parties["n_positions"].tolist() == [3, 3, 2]
    assert d.parties["color_index"].tolist() == [0, 1, 2]
    assert len(d.cells) == 9
    assert d.cells[["issue", "party"]].to_numpy().tolist()[:3] == [
        ["ord", "a"],
        ["ord", "b"],
        ["ord", "c"],
    ]


def test_position_map_ordinal_cells(tiny):
    cells = position_map_data(tiny).cells
    a, b, c = (cell(cells, "ord", p) for p in "abc")
    assert a["accepts"] == (True, True, True, False, False)
    assert b["accepts"] == (False, False, False, True, True)
    assert c["accepts"] == (False, True, True, True, False)
    # ideal on [0, 1]: rank / (k - 1) = 0/4, 4/4, 2/4
    assert (a["ideal_norm"], b["ideal_norm"], c["ideal_norm"]) == (0.0, 1.0, 0.5)
    assert (a["ideal_index"], b["ideal_index"], c["ideal_index"]) == (0.0, 4.0, 2.0)
    assert (a["ideal"], a["ideal_label"], a["acceptable"]) == ("o1", "One", "One … Three")
    assert (a["salience"], b["salience"], c["salience"]) == (0.8, 1.0, 0.3)
    assert (a["red_line"], b["red_line"], c["red_line"]) == (False, True, False)
    assert a["requires"] == "Nominal issue: X"
    assert b["requires"] == ""
    assert math.isnan(a["lo"]) and math.isnan(a["hi"])


def test_position_map_nominal_and_missing_cells(tiny):
    cells = position_map_data(tiny).cells
    a, b, c = (cell(cells, "nom", p) for p in "abc")
    assert a["accepts"] == (True, True, False)
    assert b["accepts"] == (False, False, True)
    assert (a["ideal_norm"], b["ideal_norm"]) == (0.0, 1.0)
    assert not c["has_position"]
    assert c["accepts"] == () and c["ideal"] is None
    assert c["ideal_label"] == "no position" and c["acceptable"] == "no position"
    assert math.isnan(c["salience"]) and math.isnan(c["ideal_norm"])
    assert not c["red_line"]


def test_position_map_interval_cells(tiny):
    cells = position_map_data(tiny).cells
    a, b, c = (cell(cells, "num", p) for p in "abc")
    # numbers on [0, 100]: (x - 0) / 100
    assert [a["lo"], a["hi"], a["range"]] == [10.0, 40.0, 30.0]
    assert [a["lo_norm"], a["hi_norm"], a["ideal_norm"]] == [0.1, 0.4, 0.2]
    assert [b["lo"], b["hi"], b["ideal_norm"]] == [30.0, 90.0, 0.8]
    assert [c["lo"], c["hi"], c["range"], c["ideal_norm"]] == [50.0, 50.0, 0.0, 0.5]
    assert a["accepts"] == () and math.isnan(a["ideal_index"])
    assert (a["ideal"], a["acceptable"]) == (20.0, "10–40 units")


def test_position_map_option_table(tiny):
    opts = position_map_data(tiny).options
    # a: 5 + 3 options, b: 5 + 3, c: 5 (no position on nom, no options on num)
    assert len(opts) == 21
    assert opts.groupby(["issue", "party"])["is_ideal"].sum().eq(1).all()
    c = opts[(opts.issue == "ord") & (opts.party == "c")]
    assert c["acceptable"].tolist() == [False, True, True, True, False]
    assert c["option_label"].tolist() == ["One", "Two", "Three", "Four", "Five"]


def test_position_map_date_and_subset(tiny):
    early = position_map_data(tiny, at="2023-06-01")
    a = cell(early.cells, "ord", "a")
    assert a["accepts"] == (True, True, False, False, False)  # o1–o2 before December
    assert a["requires"] == ""
    sub = position_map_data(tiny, parties=["c", "a"])
    assert sub.parties["party"].tolist() == ["a", "c"]  # the case's order
    assert sub.parties["column"].tolist() == [0, 1]
    assert set(sub.cells["party"]) == {"a", "c"}


def test_position_map_edge_cases(edgy, solo):
    d = position_map_data(edgy)
    assert d.issues.set_index("issue").loc["nom", "n_positions"] == 0
    assert d.parties.set_index("party").loc["d", "n_positions"] == 0
    assert d.parties.set_index("party").loc["d", "party_name"] == "Party D (PD)"
    assert not d.cells[d.cells["party"] == "d"]["has_position"].any()
    one = position_map_data(solo)
    assert one.parties["party"].tolist() == ["a"] and len(one.cells) == 3


def test_position_map_shipped(shipped):
    d = position_map_data(shipped)
    n_p, n_i = len(shipped.parties), len(shipped.issues)
    assert len(d.cells) == n_p * n_i
    assert d.cells["has_position"].sum() == len(shipped.at())
    cap = d.cells[(d.cells["issue"] == "army_cap") & d.cells["has_position"]]
    assert len(cap) and cap["lo"].notna().all() and (cap["lo"] <= cap["hi"]).all()
    assert cap["ideal_norm"].between(0, 1).all()
    ords = d.cells[(d.cells["scale"] != "interval") & d.cells["has_position"]]
    assert (ords["accepts"].map(len) == ords["k"]).all()
    assert ords.apply(lambda r: r["accepts"][int(r["ideal_index"])], axis=1).all()


# -------------------------------------------------------------- zone chart


def test_zone_chart_ordinal(tiny):
    d = zone_chart_data(tiny, "ord")
    assert (d.issue, d.issue_name, d.scale, d.ordered, d.note) == (
        "ord",
        "Ordinal issue",
        "ordinal",
        True,
        "",
    )
    assert d.spans[["party", "lo", "hi"]].to_numpy().tolist() == [
        ["a", 0.0, 2.0],
        ["b", 3.0, 4.0],
        ["c", 1.0, 3.0],
    ]
    assert d.parties["ideal_x"].tolist() == [0.0, 4.0, 2.0]
    assert d.parties["red_line"].tolist() == [False, True, False]
    # who accepts each option: o1 a; o2 a c; o3 a c; o4 b c; o5 b
    assert d.options["n_accept"].tolist() == [1, 2, 2, 2, 1]
    assert d.options["rejected_by"].tolist() == [("b", "c"), ("b",), ("b",), ("a",), ("a", "c")]
    assert not d.options["in_zone"].any()
    assert d.zone_empty and d.zone == "(empty)" and d.zone_spans == ()
    assert d.n_parties == 3
    assert d.blockers == (("a",), ("b",))
    assert d.blocker_names == (("Party A",), ("Party B",))
    assert (d.status_quo, d.status_quo_label) == (1.0, "Two")


def test_zone_chart_open_zone(tiny):
    d = zone_chart_data(tiny, "ord", parties=["a", "c"])
    # a accepts o1–o3, c o2–o4: the zone is o2–o3
    assert not d.zone_empty
    assert d.zone == "Two … Three"
    assert d.zone_spans == ((1.0, 2.0),)
    assert d.options["in_zone"].tolist() == [False, True, True, False, False]
    assert d.blockers == ()
    num = zone_chart_data(tiny, "num", parties=["a", "b"])
    # a 10–40, b 30–90: the zone is 30–40
    assert num.zone_spans == ((30.0, 40.0),) and num.zone == "30–40 units"


def test_zone_chart_nominal_with_missing_party(tiny):
    d = zone_chart_data(tiny, "nom")
    assert not d.ordered and "no order" in d.note
    assert d.spans[["party", "lo", "hi"]].to_numpy().tolist() == [["a", 0.0, 1.0], ["b", 2.0, 2.0]]
    c = d.parties.set_index("party").loc["c"]
    assert not c["has_position"] and math.isnan(c["ideal_x"]) and c["ideal_label"] == "no position"
    assert d.n_parties == 2
    assert d.options["n_accept"].tolist() == [1, 1, 1]
    assert math.isnan(d.status_quo) and d.status_quo_label == ""


def test_zone_chart_interval(tiny):
    d = zone_chart_data(tiny, "num")
    assert (d.min, d.max, d.unit) == (0.0, 100.0, "units")
    assert d.spans[["party", "lo", "hi"]].to_numpy().tolist() == [
        ["a", 10.0, 40.0],
        ["b", 30.0, 90.0],
        ["c", 50.0, 50.0],
    ]
    assert d.parties["ideal_x"].tolist() == [20.0, 80.0, 50.0]
    assert d.parties["salience"].tolist() == [0.6, 0.5, 0.2]
    assert d.zone_empty and d.blockers == (("a",), ("c",))
    assert len(d.options) == 0
    assert (d.status_quo, d.status_quo_label) == (50.0, "50 units")


def test_zone_chart_nobody_and_one_party(edgy, solo):
    d = zone_chart_data(edgy, "nom")
    assert d.n_parties == 0 and len(d.spans) == 0
    assert not d.zone_empty  # nothing constrains the issue
    assert not d.parties["has_position"].any()
    one = zone_chart_data(solo, "ord")
    assert one.n_parties == 1 and not one.zone_empty and one.zone == "One … Three"


def test_zone_chart_errors(tiny):
    with pytest.raises(UnknownIdError):
        zone_chart_data(tiny, "nope")
    with pytest.raises(UnknownIdError):
        zone_chart_data(tiny, "ord", parties=["zz"])


def test_zone_chart_every_shipped_issue(shipped):
    zones = engine.agreement_zones(shipped)
    for issue in shipped.issues:
        d = zone_chart_data(shipped, issue.id)
        assert d.n_parties == zones.loc[issue.id, "n_parties"]
        assert d.blockers == tuple(zones.loc[issue.id, "blockers"])
        if not issue.is_interval:
            assert len(d.options) == issue.k
            assert d.options["n_accept"].between(0, d.n_parties).all()
        assert set(d.spans["party"]) == set(d.parties.loc[d.parties["has_position"], "party"])


# ----------------------------------------------------------------- heatmap


def test_heatmap_conflict_values(tiny):
    m = engine.conflict_matrix(tiny)
    d = heatmap_data(m, kind="conflict", names=party_names(tiny))
    assert (d.vmin, d.vmax) == (0.0, 1.0)
    assert d.rows == ("a", "b", "c") and d.row_labels == ("Party A", "Party B", "Party C")
    cells = d.cells.set_index(["row", "column"])
    # a–b: gaps 1/4 (w 0.9), 1 (w 0.3), 0 (w 0.55) -> 0.525 / 1.75 = 0.30
    assert cells.loc[("a", "b"), "value"] == pytest.approx(0.3)
    assert cells.loc[("a", "b"), "text"] == "0.30"
    # a–c: gap 0 on ord (w 0.55), 10/100 on num (w 0.4); a alone on nom (w 0.4/2):
    # the pair conflict by stake is 0.04 / 1.15
    assert cells.loc[("a", "c"), "value"] == pytest.approx(0.04 / (0.55 + 0.4 + 0.2))
    assert cells.loc[("a", "c"), "text"] == "0.03"
    assert cells.loc[("a", "a"), "text"] == "0.00"
    assert (cells.loc[("b", "a"), "i"], cells.loc[("b", "a"), "j"]) == (1, 0)
    assert not d.cells["is_nan"].any() and not d.all_nan


def test_heatmap_cells_carry_the_issues_both_parties_state(tiny):
    m, n = engine.conflict_matrix(tiny), engine.shared_issues_matrix(tiny)
    d = heatmap_data(m, kind="conflict", shared=n)
    assert d.has_shared and not heatmap_data(m, kind="conflict").has_shared
    cells = d.cells.set_index(["row", "column"])
    # tiny: a and b both state ord, nom, num (3); c states ord and num only, so a–c and b–c
    # share 2; the diagonal is what the party states (a 3, c 2)
    expected = {("a", "b"): 3, ("a", "c"): 2, ("b", "c"): 2, ("a", "a"): 3, ("c", "c"): 2}
    for (p, q), k in expected.items():
        assert cells.loc[(p, q), "n_shared"] == k == cells.loc[(q, p), "n_shared"]
    assert cells.loc[("a", "b"), "label"] == "0.30 · 3"
    assert cells.loc[("a", "c"), "label"] == "0.03 · 2"
    assert cells.loc[("b", "c"), "label"] == "0.00 · 2"
    # counts follow the matrix's labels, not positions
    d2 = heatmap_data(m, kind="conflict", shared=n.loc[["c", "b", "a"], ["c", "b", "a"]])
    assert d2.cells["label"].tolist() == d.cells["label"].tolist()
    # without counts the label is the value alone
    plain = heatmap_data(m, kind="conflict")
    assert plain.cells["label"].tolist() == plain.cells["text"].tolist()
    assert plain.cells["n_shared"].isna().all()
    with pytest.raises(ValueError, match="lack"):
        heatmap_data(m, kind="conflict", shared=n.loc[["a", "b"], ["a", "b"]])


def test_heatmap_nan_and_delta(edgy, tiny):
    d = heatmap_data(engine.overlap_matrix(edgy), kind="overlap")
    dd = d.cells[d.cells["row"] == "d"]
    assert dd["is_nan"].all() and (dd["text"] == "–").all()
    assert d.cells.set_index(["row", "column"]).loc[("a", "a"), "text"] == "1.00"
    nan = pd.DataFrame(np.nan, index=["p", "q"], columns=["p", "q"])
    allnan = heatmap_data(nan, kind="conflict_delta")
    assert allnan.all_nan and (allnan.vmin, allnan.vmax) == (-0.1, 0.1)
    new = engine.apply(tiny, tiny.scenario("b-softens"))
    delta = heatmap_data(compare(tiny, new).conflict_delta, kind="conflict_delta")
    # largest |change| 0.1286 -> the scale is ±0.2 (rounded up to a tenth)
    assert (delta.vmin, delta.vmax) == (-0.2, 0.2)
    assert delta.cells.set_index(["row", "column"]).loc[("a", "b"), "text"] == "−0.13"
    assert delta.cells.set_index(["row", "column"]).loc[("b", "c"), "text"] == "0.00"


def test_heatmap_unknown_kind(tiny):
    with pytest.raises(UnknownIdError):
        heatmap_data(engine.overlap_matrix(tiny), kind="overlapp")


def test_heatmap_shipped(shipped):
    m = engine.overlap_matrix(shipped)
    d = heatmap_data(m, kind="overlap", names=party_names(shipped))
    n = len(shipped.parties)
    assert len(d.cells) == n * n
    assert d.cells.loc[~d.cells["is_nan"], "value"].between(0, 1).all()
    assert (d.cells.loc[d.cells["is_nan"], "text"] == "–").all()


# ------------------------------------------------------------------- graph


def test_graph_layout_tiny(tiny):
    d = graph_data(engine.incompatibility_graph(tiny), case=tiny)
    assert d.rows["issue"].tolist() == ["ord", "nom", "num"]
    assert d.rows["n_positions"].tolist() == [3, 2, 3]
    assert d.rows["n_conflicts"].tolist() == [1, 1, 1]
    assert d.columns["party"].tolist() == ["a", "b", "c"]
    nodes = d.nodes.set_index("node")
    assert len(nodes) == 8
    assert nodes.loc["c:num", ["row", "column", "x", "y"]].tolist() == [2, 2, 2.0, 2.0]
    assert nodes.loc["b:ord", "red_line"] and not nodes.loc["a:ord", "red_line"]
    assert nodes.loc["a:nom", "conflict_degree"] == 1
    assert nodes.loc["a:ord", "linkage_degree"] == 2
    assert d.empty_cells[["issue", "party"]].to_numpy().tolist() == [["nom", "c"]]


def test_graph_edges_tiny(tiny):
    d = graph_data(engine.incompatibility_graph(tiny))
    conf = d.edges[d.edges["kind"] == "conflict"]
    assert conf[["u", "v", "span"]].to_numpy().tolist() == [
        ["a:ord", "b:ord", 1],
        ["a:nom", "b:nom", 1],
        ["a:num", "c:num", 2],
    ]
    # conflict = gap × (s_p + s_q)/2: 1/4 × 0.9; 1 × 0.3; 10/100 × 0.4
    assert conf["weight"].tolist() == pytest.approx([0.225, 0.3, 0.04])
    # 3 columns: neighbours rise 0.18 rows, the two ends 0.18 + 0.24 = 0.42
    assert conf["height"].tolist() == pytest.approx([0.18, 0.18, 0.42])
    assert (conf["y0"] == conf["y1"]).all()
    link = d.edges[d.edges["kind"] == "linkage"]
    assert link[["u", "v"]].to_numpy().tolist() == [["a:ord", "a:nom"], ["a:ord", "b:nom"]]
    assert (link["weight"] == 0).all() and (link["height"] == 0).all()
    assert link["condition"].iloc[0] == "a:ord if nom: x"


def test_graph_relaxation_tiny(tiny):
    d = graph_data(engine.incompatibility_graph(tiny))
    assert d.relaxation == ("a:ord", "b:nom", "c:num")
    assert d.relaxation_salience == pytest.approx(0.8 + 0.2 + 0.2)
    assert d.relaxation_exact
    assert set(d.nodes.loc[d.nodes["relax"], "node"]) == set(d.relaxation)
    assert d.at == "2024-01-01"


def test_graph_empty_and_one_party(solo):
    d = graph_data(nx.Graph())
    assert len(d.nodes) == len(d.edges) == len(d.rows) == len(d.columns) == 0
    assert d.relaxation == ()
    one = graph_data(engine.incompatibility_graph(solo))
    assert len(one.nodes) == 3 and one.relaxation == ()
    # a's own linkage (ord requires nom) is the only edge left
    assert one.edges[["u", "v", "kind"]].to_numpy().tolist() == [["a:ord", "a:nom", "linkage"]]


def test_graph_shipped(shipped):
    G = engine.incompatibility_graph(shipped)
    d = graph_data(G, case=shipped)
    assert len(d.nodes) == G.number_of_nodes() and len(d.edges) == G.number_of_edges()
    conf = d.edges[d.edges["kind"] == "conflict"]
    assert (conf["y0"] == conf["y1"]).all()  # conflicts stay in their issue's row
    assert conf["height"].between(0.18, 0.42).all()
    assert len(d.nodes) + len(d.empty_cells) == len(d.rows) * len(d.columns)
    assert d.columns["party_name"].str.len().max() <= 24


# ---------------------------------------------------------------- timeline


def test_timeline_tiny(tiny):
    d = timeline_data(tiny)
    s = d.snapshots
    assert s["snapshot"].tolist() == ["early", "late"]
    assert s["position"].tolist() == [0, 1]
    assert s["date"].tolist() == ["2023-06-01", "2024-01-01"]
    # early: ord 0.45 (gap 2/4 × 0.9), nom 0.3, num 0.04; late: ord 1/4 × 0.9
    assert s["total_conflict"].tolist() == pytest.approx([0.79, 0.565])
    assert s["open_zones"].tolist() == [0, 0]
    assert s["n_changes"].tolist() == [0, 1]
    z = d.zones.set_index(["snapshot", "issue"])
    assert z.loc[("late", "ord"), "total_conflict"] == pytest.approx(0.225)
    assert z.loc[("late", "nom"), "n_parties"] == 2
    assert set(d.zones["state"]) == {"empty"}
    assert d.changes[
        ["party", "issue", "to_snapshot", "kind", "direction"]
    ].to_numpy().tolist() == [["a", "ord", "late", "softened", 1]]
    counts = d.counts.set_index(["snapshot", "party"])
    assert counts.loc[("late", "a"), "softened"] == 1
    assert counts[list(CHANGE_KINDS)].to_numpy().sum() == 1
    assert len(d.counts) == 2 * 3


def test_timeline_one_party(solo):
    d = timeline_data(solo)
    assert set(d.zones["state"]) == {"not compared"}
    assert (d.snapshots["total_conflict"] == 0).all()


def test_timeline_shipped(shipped):
    d = timeline_data(shipped)
    assert len(d.snapshots) == len(shipped.snapshot_dates())
    assert len(d.zones) == len(d.snapshots) * len(shipped.issues)
    assert set(d.zones["state"]) <= set(ZONE_STATES)
    assert d.snapshots["n_changes"].sum() == len(d.changes)
    assert set(d.changes["direction"]) <= {-1, 0, 1}


# -------------------------------------------------------------- settlement


def test_settlement_tiny(tiny):
    d = settlement_data({"total": settle(tiny)}, case=tiny)
    # package o4, x, 40: a pays 0.8 × 1/4 on ord; b 0.2 × 1 on nom; c 0.2 × 10/100 on num
    assert d.costs[["party", "party_name"]].to_numpy().tolist() == [
        ["a", "Party A"],
        ["b", "Party B"],
        ["c", "Party C"],
    ]
    assert d.costs["cost"].tolist() == pytest.approx([0.2, 0.2, 0.02])
    assert d.outcomes[["issue", "outcome", "outcome_label"]].to_numpy().tolist() == [
        ["ord", "o4", "Four"],
        ["nom", "x", "X"],
        ["num", 40.0, "40 units"],
    ]
    assert d.outcomes["cost"].tolist() == pytest.approx([0.2, 0.2, 0.02])
    assert d.outcomes["issue_name"].tolist() == [
        "Ordinal issue",
        "Nominal issue",
        "Interval issue",
    ]
    o = d.objectives.iloc[0]
    assert o["feasible"] and o["total_cost"] == pytest.approx(0.42) and o["n_concessions"] == 3
    assert len(d.red_lines) == 0


def test_settlement_infeasible(tiny):
    hard = engine.apply(
        tiny,
        scenario_from_changes([Change("position", party="a", issue="ord", red_line=True)]),
    )
    bad = settle(hard)
    d = settlement_data({"total": bad, "fair": settle(tiny, "fair")}, case=tiny)
    assert d.objectives["feasible"].tolist() == [False, True]
    assert d.costs[d.costs["label"] == "total"]["cost"].isna().all()
    assert set(d.outcomes["label"]) == {"fair"}
    assert d.red_lines[["party", "issue"]].to_numpy().tolist() == [["a", "ord"], ["b", "ord"]]
    assert d.objectives.iloc[0]["red_lines"] == "a:ord b:ord"


def test_settlement_nash_utilities_and_ids(tiny):
    n = settle(tiny, "nash", parties=["a", "b"])
    d = settlement_data({"nash": n})  # no case: ids stand for names
    assert d.costs["party_name"].tolist() == ["a", "b"]
    assert d.costs["utility"].notna().all()
    assert d.costs["utility"].tolist() == pytest.approx([n.utilities["a"], n.utilities["b"]])


# ------------------------------------------------------------------- delta


def test_delta_tiny(tiny):
    new = engine.apply(tiny, tiny.scenario("b-softens"))
    d = delta_data(compare(tiny, new), case=tiny)
    assert d.opened == ("ord",) and d.closed == ()
    assert (d.resolved, d.created) == (1, 0)
    iss = d.issues.set_index("issue")
    assert iss["delta"].tolist() == pytest.approx([-0.225, 0.0, 0.0])
    # c states a position on nom only in the scenario: "newly stated", not a zone change
    assert iss["zone_change"].tolist() == ["opened", "newly stated", "unchanged"]
    assert iss.loc["ord", "zone_after"] == "Three"
    assert d.total_before == pytest.approx(0.565) and d.total_after == pytest.approx(0.34)
    assert d.conflict.kind == "conflict_delta" and d.overlap.kind == "overlap_delta"
    assert d.conflict.row_labels == ("Party A", "Party B", "Party C")


def test_delta_shipped(shipped):
    sc = shipped.scenarios[0]
    new = engine.apply(shipped, sc)
    d = delta_data(compare(shipped, new, at_before=new.as_of), case=shipped)
    assert len(d.issues) == len(shipped.issues)
    assert len(d.conflict.cells) == len(d.conflict.rows) ** 2
