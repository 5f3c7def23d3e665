"""Reading the field's third-party formats as zopa cases: KTAB, Decide and GENIUS.

Three formats hold most published negotiation data sets:

- **KTAB** (KAPSARC Toolkit for Behavioral Analysis), spatial-model CSV:
  ``Actor, Description, Power, Pos1, Sal1, Pos2, Sal2, …``, positions on
  0–100 scales;
- **Decide** (the exchange model of Stokman and others), CSV rows ``#A``
  (actor), ``#P`` (issue), ``#M`` (a meaningful point of an issue's scale),
  ``#D`` (actor × issue: position, salience, power), ``#O`` (a title), ``#/``
  and ``#0`` (comments);
- **GENIUS** (TU Delft), XML: a domain file (the issues and their values) and
  one preference profile per party (issue weights and per-value
  evaluations, or a non-linear sum of "hyperrectangle" constraints).

:func:`read_ktab`, :func:`read_decide` and :func:`read_genius` read a file (or
a GENIUS folder) and return an in-memory :class:`~engine.model.case.Case`; they
never write anything (``reports.export.caseio.write_case`` writes the case folder,
``zopa import`` does both). Every problem in the input is reported at once as
a :class:`~engine.model.errors.CaseError` whose problems name the file, line,
column and field — never a traceback. ``docs/import.md`` is the user's guide
to the mapping; the rules and their reasons are below.

Notes
-----
**What every import does.** One source per file read, dated ``source_date``
(default: ``as_of``) with the ``source_url`` given (zopa cannot know where
the file was published), its note naming the file and its SHA-256. One
statement per party, dated ``as_of``, citing those sources. Every party gets
the role ``observer``: none of the formats records roles (edit ``case.yaml``
to mark the principals). Identifiers are the file's keys turned into slugs
(``EU (incl Norway)`` → ``eu_incl_norway``; a clash gets ``-2``); names and
labels keep the original text.

**KTAB and Decide are spatial models with ideal points only.** Each actor's
position becomes the ``ideal``; the ``acceptable`` set is the ideal alone,
because the data say nothing about what else an actor could accept and zopa
never invents flexibility. A ``tolerance`` argument widens every acceptable
interval to ``ideal ± tolerance`` (clipped to the scale; on an ordinal Decide
issue, the scale points within that distance): a choice of the person
importing, stated in the case description, never a default.

- KTAB: every dimension is an ``interval`` issue on [0, 100] (KTAB's own
  scale), unit ``points``, named after its position column (``Tax Position``
  → ``Tax``); ``salience`` = KTAB salience / 100 (KTAB's saliences are an
  actor's shares of attention, 0–100 and at most 100 in all, so they keep
  their ratios); ``weight`` = the actor's power (influence, capability), as
  given. Actor name: the description when every actor has a distinct one
  (the key becomes the ``short`` name), else the key (the description goes
  to the note). The file's checks are KTAB's own: the declared numbers of
  actors and dimensions, positions and saliences in [0, 100], saliences of
  one actor summing to at most 100, power ≥ 0.
- Decide: ``salience`` and power are already on [0, 1] (Decide's own range,
  checked). Power is given on every ``#D`` row, so per actor and issue; zopa
  has one ``weight`` per party: the actor's power when it is the same on
  every row (as in every published file we know), else their mean, with the
  per-issue values kept in the party's note. **Scales**: an issue's range is
  given by its ``#M`` points (lowest to highest; without ``#M`` rows Decide's
  default 0–100). When the ``#M`` points are given and every position on
  the issue lies on one of them, the issue is **ordinal** and its options
  are the ``#M`` points in order, labelled by their descriptions (the
  number when there is none); otherwise it is an **interval** issue on the
  ``#M`` range and the descriptions of the points are kept in the issue's
  description. An ordinal issue spaces its options evenly (0, 30, 50, 70,
  100 become ranks 0–4): the labels are worth more than the uneven gaps,
  which the option descriptions keep as numbers.

**GENIUS.** Each discrete issue of the domain becomes a **nominal** issue
whose options are its values (GENIUS orders nothing); an integer issue an
**ordinal** one whose options are its integers (their distances are those of
an interval scale, and only integers are outcomes). Each profile becomes a
party named after its file.

- Additive profiles (weights and per-value evaluations): ``ideal`` = the
  value with the highest evaluation; ``acceptable`` = the ideal alone —
  GENIUS's reservation value is a threshold on the utility of a *whole bid*
  (all issues at once), so it says nothing about any one issue. When several
  values tie for the highest evaluation the party is indifferent between
  them: they are all acceptable and the ideal is the first in the domain's
  order. ``salience`` = the issue's weight as written (all divided by a power
  of ten if one exceeds 1): the ratios of the weights are kept exactly, so
  exact ties between packages stay ties (weight / the largest weight is often
  no decimal, e.g. 16/17).
- Non-linear profiles (a sum of hyperrectangles: ``utility u`` when every
  ``INCLUDES`` bound holds) have no weights and no per-issue evaluations.
  zopa computes, exactly (branch and bound over the issues, in integer
  arithmetic), the best utility reachable with each value of each issue,
  ``b_i(v) = max {U(x) : x_i = v}``. The acceptable set is the values
  through which the profile's maximum utility is reachable
  (``b_i(v) = max U``), the ideal the first of them; ``salience`` = the issue's
  swing ``max U − min_v b_i(v)`` (what the party loses at worst on this issue
  when everything else is set in its favour) / the largest swing of the
  profile.
- **What is lost**, plainly: GENIUS gives every party its own evaluation of
  every value; zopa has one distance between two outcomes, shared by all
  parties (on a nominal issue every other value is at distance 1 from the
  ideal). So the shape of each party's evaluation function — that ``fairly
  good`` is worth 98 % of ``good`` to one party and 0 % to another — is not
  representable and does not enter zopa's measures; it is kept as text in
  each position's note. Also lost: the reservation value and discount
  factor (kept in the party's note), similarity functions, and for
  non-linear profiles the interactions between issues (the position keeps
  only what each issue can reach on its own). Utilities computed by zopa
  (:func:`engine.package_utilities`) are therefore not GENIUS's utilities,
  and zopa's Pareto frontier is not GENIUS's.

**Layout.** One module per format (:mod:`~engine.io.importers.ktab`,
:mod:`~engine.io.importers.decide`, :mod:`~engine.io.importers.genius` with
its domain, additive and non-linear profile modules), over what they share:
:mod:`~engine.io.importers.common` (arguments, files, ids, building the
case), :mod:`~engine.io.importers.csvrows` (located CSV lines) and
:mod:`~engine.io.importers.xmlsafe` (safe, located XML).

**Safety.** Files larger than :data:`MAX_BYTES` are refused. XML is read with
the standard library's expat parser (through :mod:`xml.etree.ElementTree`'s
tree builder) with DTDs refused outright: a ``<!DOCTYPE`` or ``<!ENTITY``
declaration is an error, so no entity can expand ("billion laughs") and no
external entity is fetched; nesting is limited to :data:`MAX_XML_DEPTH`
levels. GENIUS files need neither, so no dependency (defusedxml) is needed.

Examples
--------
>>> case = read_ktab("tests/data/import/ktab/coalition.csv", as_of="2024-05-01",
...                  source_url="https://example.org/coalition")
>>> case.issue_ids, case.party_ids
(('tax', 'spending'), ('grn', 'lib', 'soc'))
>>> pos = case.at()[("grn", "tax")]
>>> pos.ideal, pos.acceptable, pos.salience, case.party("grn").weight
(20.0, Span(lo=20.0, hi=20.0), 0.6, 40.0)
"""

from __future__ import annotations

from engine.io.importers.common import MAX_BYTES, slugify
from engine.io.importers.decide import read_decide
from engine.io.importers.genius import find_genius_files, read_genius
from engine.io.importers.genius_domain import MAX_VALUES as MAX_VALUES
from engine.io.importers.genius_nonlinear import MAX_NODES as MAX_NODES
from engine.io.importers.ktab import read_ktab
from engine.io.importers.xmlsafe import MAX_XML_DEPTH

__all__ = [
    "MAX_BYTES",
    "MAX_XML_DEPTH",
    "find_genius_files",
    "read_decide",
    "read_genius",
    "read_ktab",
    "slugify",
]
