"""Class mode of ``zopa serve``: a teacher runs coding, concessions and debrief exercises with a class.

- :mod:`.db` — the database (SQLAlchemy 2; SQLite by default, PostgreSQL by
  URL), brought to the newest schema with Alembic on start;
- :mod:`.models` — the tables: classes, students, submissions;
- :mod:`.store` — what the routes do to the database, one function a verb;
- :mod:`.coding` — a student's coding checked with the engine's own parsing,
  and the class's codings as cases for :func:`engine.coder_agreement`;
- :mod:`.upload` — a case folder uploaded as a .zip, unpacked safely;
- :mod:`.entries` — an exercise's submissions as entries, one per student or group;
- :mod:`.concessions` — proposed concessions checked as explorer changes and ranked
  by the total conflict they remove;
- :mod:`.debrief` — a group's package scored for each role against the Pareto
  frontier and the Nash package (a scorable case);
- :mod:`.routes` — the JSON API and the pages (docs/api.md, docs/classroom.md);
  :mod:`.exercise_routes` — the concessions and debrief routes.
"""
