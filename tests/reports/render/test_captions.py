"""Every caption and headline number checked against the engine, recomputed here by hand."""

from __future__ import annotations

import re

import pytest

import engine
from reports.render.content import MATRIX_CAPTIONS, build_report
from reports.render.findings import optimum_text, pair_extremes


@pytest.fixture(scope="module", params=["tests/cases/tiny", "ukraine-russia"])
def case_rep(request):
    case = engine.load_case(request.param)
    return case, build_report(case, figures_on=False)


def _stake(case, kind, p, q):
    """Σ_{i both state} w_i·m_i(p, q) / Σ_{i either states} w_i, w_i = mean salience (0 if none):
    what the heatmap captions say."""
    state = case.at(case.as_of)
    per_issue = engine.issue_matrices(case, "overlap" if kind == "overlap" else "gap")
    num = den = 0.0
    for issue in case.issue_ids:
        sp, sq = state.get((p, issue)), state.get((q, issue))
        if sp is None and sq is None:
            continue
        w = ((sp.salience if sp else 0.0) + (sq.salience if sq else 0.0)) / 2
        den += w
        if sp is not None and sq is not None:
            num += w * float(per_issue[issue].loc[p, q])
    return num / den if den else float("nan")


@pytest.mark.parametrize("kind", ["overlap", "conflict"])
def test_heatmap_values_are_what_the_caption_says(case_rep, kind):
    case, rep = case_rep
    words = MATRIX_CAPTIONS[kind]
    assert "by stake" in words and "either states" in words
    assert ("w·overlap" if kind == "overlap" else "w·gap") in words
    assert "· n, n = issues both parties state" in words
    m = rep.sections["matrices"][f"{kind}_df"]
    for i, p in enumerate(m.index):
        for q in m.columns[i + 1 :]:
            expected = _stake(case, kind, p, q)
            got = float(m.loc[p, q])
            assert got == pytest.approx(expected, abs=1e-9) or (
                got != got and expected != expected
            )


@pytest.mark.parametrize("kind", ["overlap", "conflict"])
def test_heatmap_cells_show_the_issues_each_pair_shares(kind):
    case = engine.load_case("tests/cases/tiny")
    rep = build_report(case)
    data = rep.figures[kind].data
    shared = engine.shared_issues_matrix(case, at=rep.at, parties=rep.parties)
    assert data.has_shared
    for cell in data.cells.itertuples():
        assert cell.label == f"{cell.text} · {int(shared.loc[cell.row, cell.column])}"


def test_the_pair_headline_names_every_tie_with_its_number(case_rep):
    case, rep = case_rep
    line = next(h for h in rep.headlines if h.startswith("By pair overlap"))
    ov = engine.overlap_matrix(case, at=rep.at, parties=rep.parties)
    pairs = {
        (p, q): float(ov.loc[p, q])
        for i, p in enumerate(ov.index)
        for q in ov.columns[i + 1 :]
        if ov.loc[p, q] == ov.loc[p, q]
    }
    best, worst = max(pairs.values()), min(pairs.values())
    hi, lo = pair_extremes(rep)
    assert hi.value == pytest.approx(best) and lo.value == pytest.approx(worst)
    n_low = sum(abs(v - worst) <= 1e-9 for v in pairs.values())
    assert len(lo.items) == n_low
    if n_low > 1:
        assert f"{n_low} pairs tie at {worst:.2f}" in line
    else:
        assert f"at {worst:.2f}" in line
    assert f"{best:.2f}" in line
    shared = engine.shared_issues_matrix(case, at=rep.at, parties=rep.parties)
    for pair in hi.items:
        p, q = pair.split("|")
        assert f"{rep.name(p)}–{rep.name(q)}" in line
        n = int(shared.loc[p, q])
        assert f"{n} issue{'s' if n != 1 else ''} both state" in line


def test_the_package_headline_states_its_cost_and_whether_it_is_the_only_optimum(case_rep):
    case, rep = case_rep
    total = engine.settle(case, objective="total", parties=rep.negotiators, at=rep.at)
    if not total.feasible:
        st = rep.sections["settlement"]["results"]["total (red lines set aside)"]
        lead = "With red lines set aside, the cheapest package"
    else:
        st, lead = total, "The cheapest settlement package"
    line = next(h for h in rep.headlines if h.startswith(lead))
    assert f"total concession cost {st.total_cost:.2f}" in line
    assert optimum_text(st) in line
    if st.n_optimal and st.n_optimal > 1:  # a capped count is a lower bound, and says so
        n = f"at least {st.n_optimal}" if st.more_optimal else str(st.n_optimal)
        assert f"one of {n} optimal packages" in line
    assert st.more_optimal is ("at least" in optimum_text(st))


def test_graph_summary_counts_what_it_says(case_rep):
    case, rep = case_rep
    G = engine.incompatibility_graph(case, at=rep.at, parties=rep.parties)
    conflicts = [d for *_, d in G.edges(data=True) if d["kind"] == "conflict"]
    issues = {d["issue"] for d in conflicts}
    text = rep.sections["graph"]["summary"]
    assert re.match(rf"{G.number_of_nodes()} stated positions?;", text)
    assert f"{len(conflicts)} conflict edge" in text
    assert f"on {len(issues)} issue" in text
    assert "cluster" not in text


def test_the_method_weighs_an_issue_one_party_states_at_half_its_salience():
    """What the Method section says of an issue only one party states, against the engine."""
    from reports.render.method import METHOD

    text = " ".join(" ".join(str(x) for x in entry) for entry in METHOD)
    assert "counts with that party's salience" not in text
    assert "adds half that party's salience to the weights (w = (s_p + 0) / 2)" in text
    tiny = engine.load_case("tests/cases/tiny")
    # a and c share ord (w = (0.8 + 0.3)/2) and num (w = (0.6 + 0.2)/2); only a states nom
    # (salience 0.4), which weighs 0.4/2 = 0.2, not 0.4
    cov = engine.coverage_matrix(tiny)
    shared = 0.55 + 0.4
    assert float(cov.loc["a", "c"]) == pytest.approx(shared / (shared + 0.4 / 2))
    assert float(cov.loc["a", "c"]) != pytest.approx(shared / (shared + 0.4))


def test_each_package_says_whether_it_is_the_only_optimum(case_rep):
    case, rep = case_rep
    st = rep.sections["settlement"]
    checked = 0
    for key, views in (("", st["views"]), (" (red lines set aside)", st["relaxed"])):
        for obj, view in views.items():
            s = st["results"][f"{obj}{key}"]
            if not s.feasible:
                assert view["optimality"] == ""
                continue
            text = view["optimality"]
            checked += 1
            assert (text == "the only optimal package") is bool(s.unique)
            if s.n_optimal > 1:
                n = f"at least {s.n_optimal}" if s.more_optimal else str(s.n_optimal)
                assert text.startswith(f"one of {n} optimal packages, the first by the tie rule")
            for i, (lo, hi) in s.ranges.items():
                assert f"any {case.issue(i).short_name} from {lo:g} to {hi:g}" in text
    assert checked >= 1
