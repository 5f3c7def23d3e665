"""Agreement over codings of a case: units, levels, key, consensus, errors."""

from __future__ import annotations

import dataclasses

import krippendorff
import numpy as np
import pytest

import engine
from engine import CaseError
from engine.agreement import (
    agreement,
    coding_units,
    confusion_table,
    consensus,
    krippendorff_alpha,
)
from tests.conftest import CASES


@pytest.fixture(scope="module")
def tiny() -> engine.Case:
    return engine.load_case(CASES / "tiny")


def recode(case: engine.Case, party: str, issue: str, **fields) -> engine.Case:
    """A copy of the case where one party's positions on one issue have other fields."""
    statements = []
    for st in case.statements:
        positions = tuple(
            (
                i,
                dataclasses.replace(p, **fields)
                if p is not None and (st.party, i) == (party, issue)
                else p,
            )
            for i, p in st.positions
        )
        statements.append(dataclasses.replace(st, positions=positions))
    return dataclasses.replace(case, statements=tuple(statements))


def uncode(case: engine.Case, party: str, issue: str) -> engine.Case:
    statements = []
    for st in case.statements:
        positions = tuple((i, p) for i, p in st.positions if (st.party, i) != (party, issue))
        if positions:
            statements.append(dataclasses.replace(st, positions=positions))
    return dataclasses.replace(case, statements=tuple(statements))


def test_identical_codings_agree_perfectly(tiny):
    agr = agreement([tiny, tiny, tiny], names=["a", "b", "c"], draws=50)
    assert agr.units == len(tiny.at())
    assert agr.alpha["ideal"].value == 1.0
    assert agr.disputed["disagreement"].max() == 0
    assert set(agr.heat.index) == set(tiny.party_ids)


def test_uncoded_is_missing_not_disagreement(tiny):
    (party, issue), _ = next(iter(tiny.at().items()))
    other = uncode(tiny, party, issue)
    units = coding_units([tiny, other], names=["k", "o"])
    cell = units[(units.party == party) & (units.issue == issue)]
    assert not cell["disagree"].any()
    assert cell.loc[cell.coder == "o", "coded"].eq(False).all()
    agr = agreement([tiny, other], names=["k", "o"], draws=0)
    assert agr.disputed["disagreement"].fillna(0).max() == 0


def test_salience_alpha_is_the_packages_interval_alpha(tiny):
    (party, issue), pos = next(iter(tiny.at().items()))
    other = recode(tiny, party, issue, salience=1.0 if pos.salience < 1 else 0.0)
    est = krippendorff_alpha([tiny, other], "salience", draws=200, seed=1)
    values = [[p.salience for p in c.at().values()] for c in (tiny, other)]
    ref = krippendorff.alpha(reliability_data=np.array(values), level_of_measurement="interval")
    assert est.value == pytest.approx(float(ref))
    assert est == krippendorff_alpha([tiny, other], "salience", draws=200, seed=1)


def test_key_confusion_and_consensus(tiny):
    ordinal = next(i for i in tiny.issues if i.scale == "ordinal")
    party = next(p for (p, i) in tiny.at() if i == ordinal.id)
    pos = tiny.at()[(party, ordinal.id)]
    moved = next(o for o in ordinal.option_ids if o != pos.ideal)
    other = recode(tiny, party, ordinal.id, ideal=moved,
                   acceptable=engine.OptionSet(frozenset({moved})))  # fmt: skip
    table = confusion_table([tiny, other], ordinal.id, 1)
    assert table.loc[pos.ideal, moved] == 1
    assert int(table.to_numpy().sum()) == sum(1 for (_, i) in tiny.at() if i == ordinal.id)
    agr = agreement([tiny, other, tiny], key=0, names=["key", "x", "y"], draws=0)
    assert agr.reference == "key" and list(agr.versus.index) == ["x", "y"]
    assert agr.versus.loc["y", "ideal_agree"] == 1.0
    assert agr.versus.loc["x", "ideal_agree"] < 1.0
    top = agr.disputed.iloc[0]
    assert (top.party, top.issue) == (party, ordinal.id) and "x" in top.differs
    # two of three keep the original ideal: the consensus is the original
    con = consensus([tiny, other, tiny], key=0)
    assert con.case.at()[(party, ordinal.id)].ideal == pos.ideal
    # a 1–1 split is a tie, broken by the key
    con2 = consensus([other, tiny], key=0)
    assert con2.case.at()[(party, ordinal.id)].ideal == moved
    assert len(con2.ties[con2.ties.variable == "ideal"]) == 1
    con3 = consensus([other, tiny])  # no key: the lowest option in the scale's order
    lowest = min(pos.ideal, moved, key=ordinal.index)
    assert con3.case.at()[(party, ordinal.id)].ideal == lowest


def test_consensus_positions_are_valid(tiny):
    con = consensus([tiny, tiny])
    for (p, i), pos in con.case.at().items():
        assert pos.ideal in pos.acceptable
        orig = tiny.at()[(p, i)]
        assert (pos.ideal, pos.acceptable, pos.salience, pos.red_line) == (
            orig.ideal, orig.acceptable, orig.salience, orig.red_line)  # fmt: skip


def test_mismatched_ids_are_located_with_did_you_mean(tiny):
    renamed = dataclasses.replace(
        tiny, parties=tuple(dataclasses.replace(p, id=p.id + "x") if n == 0 else p
                            for n, p in enumerate(tiny.parties)),
    )  # fmt: skip
    with pytest.raises(CaseError) as err:
        agreement([tiny, renamed], draws=0)
    text = str(err.value)
    assert f"party '{tiny.parties[0].id}x'" in text and "did you mean" in text
    assert "case.yaml" in text


def test_a_single_coding_is_an_error(tiny):
    with pytest.raises(CaseError, match="two or more codings"):
        agreement([tiny])


def test_snapshot_dates(tiny):
    agr = agreement([tiny, tiny], at="snapshots", draws=0)
    assert len(agr.dates) >= 1 and agr.units >= 1
