"""Figures: one module per figure, its tidy data function beside its drawing.

=================  ==================================================
module             figure
=================  ==================================================
``position_map``   every party's position on every issue
``zones``          the agreement-zone chart of one issue
``heatmap``        party × party matrices (overlap, conflict, deltas)
``graph``          the incompatibility graph on the position map's grid
``timeline``       conflict, zones and position changes over time
``settlement``     concession costs and outcomes of settlement packages
``deltas``         what a scenario changes
``packages``       packages against the Pareto frontier (two parties)
=================  ==================================================

Shared by several figures: :mod:`~reports.figures.style` (rcParams,
colours, deterministic SVG/PNG/PDF), :mod:`~reports.figures.labels` (short
names, cell values, wrapped labels), :mod:`~reports.figures.frames` (steps
of the data functions) and :mod:`~reports.figures.layout` (titles, legends);
:mod:`~reports.figures.graph_marks` draws the graph's nodes, arcs and legend.

Each figure module has a ``*_data`` function that takes the case (or an
engine result) first and returns a small frozen dataclass of tidy
:class:`pandas.DataFrame` objects with ids *and* readable labels, so what a
figure shows can be tested without looking at pixels (the Axelrod way: data
functions are tested with hand-checked values, the drawing only
smoke-tested). Conventions of the data:

- ``party`` / ``issue`` columns hold ids; ``party_name`` / ``issue_name``
  hold the readable names (``party_name`` shortened by
  :func:`~reports.figures.labels.short_name` so that it fits a column
  header; the full name stays in ``party_full`` where both are given);
- ``column`` and ``row`` are the 0-based grid positions the figures use;
  ``color_index`` is the party's index among the selected parties, which
  :func:`reports.figures.style.party_style` turns into a colour — the same
  party gets the same colour in every figure built from the same selection;
- "no position" is explicit (``has_position`` False, NaN numbers), never 0.

Every ``plot_*`` function takes that data object first, draws on ``ax`` (a
new figure of a readable size when ``ax`` is None) and returns the Axes.
Each has two companions: ``size_*(data) -> (width, height)`` in inches, a
size at which every label is readable, and ``alt_*(data) -> str``, a
plain-words alternative text for the HTML report.

Drawing conventions (see :mod:`reports.figures.style`): parties are
coloured with the Okabe–Ito palette and always labelled by name; red lines
are dark red *and* hatched/outlined with an ``X`` marker at the ideal; "no
position" is a light grey with a dashed outline; missing matrix values are
grey and hatched, with a legend; every axis is labelled; titles say what is
shown.

Typical use::

    from reports.figures import style
    from reports.figures.zones import alt_zone_chart, plot_zone_chart, size_zone_chart, zone_chart_data
    data = zone_chart_data(case, "nato")
    fig, ax = style.new_figure(*size_zone_chart(data))
    plot_zone_chart(data, ax=ax)
    svg = style.to_svg(fig, alt=alt_zone_chart(data))

Importing this package imports no matplotlib; the figure modules do.
"""
