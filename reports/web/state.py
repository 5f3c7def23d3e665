"""One explorer state — a case, a date, parties and changes — read from a request and checked.

Also the store of cases the server offers, with a memo of computed results, and
the permalink encoding of the changes. Every problem a request can have becomes a
:class:`BadRequest` naming the field and what is allowed.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request

import engine
from engine import Case, CaseError, Scenario, UnknownIdError, ZopaError
from engine.whatif.requests import apply_mappings
from reports.web import results, views

__all__ = [
    "MAX_BODY",
    "MAX_CHANGES",
    "MEMO_SIZE",
    "BadRequest",
    "CaseStore",
    "State",
    "bad_request",
    "decode_state",
    "encode_state",
    "json_body",
    "query_body",
    "read_state",
]

#: Largest request body accepted (bytes): a what-if request is a few KB.
MAX_BODY = 256 * 1024
#: Most changes one request may carry.
MAX_CHANGES = 500
#: How many computed results the server keeps (see :meth:`CaseStore.memo`).
MEMO_SIZE = 512


class BadRequest(ZopaError):
    """A request the API cannot serve: carries the located problems."""

    def __init__(self, errors: Sequence[Mapping[str, str]], status: int = 400):
        self.errors = [dict(e) for e in errors]
        self.status = status
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in self.errors))


def bad_request(field_: str, message: str, status: int = 400) -> BadRequest:
    return BadRequest([{"field": field_, "message": message}], status)


@dataclass
class CaseStore:
    """The cases the server offers, loaded once on first use and kept (cases are immutable).

    It also remembers the last :data:`MEMO_SIZE` results computed for a state
    (case, date, parties, changes), so going back and forth (undo, redo, the
    unchanged side of every comparison) costs nothing.
    """

    folders: dict[str, Path]
    default: str
    _loaded: dict[str, Case] = field(default_factory=dict)
    _memo: OrderedDict[tuple[Any, ...], Any] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _loading: threading.Lock = field(default_factory=threading.Lock)

    def memo(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()``, or its result for the same ``key`` if it is still remembered."""
        with self._lock:
            if key in self._memo:
                self._memo.move_to_end(key)
                return self._memo[key]
        value = compute()
        with self._lock:
            self._memo[key] = value
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
        return value

    @classmethod
    def from_arguments(cls, case: str | None = None) -> CaseStore:
        """The shipped cases, plus a case folder given on the command line (the default then)."""
        folders = dict(engine.shipped_cases())
        default = "ukraine-russia" if "ukraine-russia" in folders else next(iter(folders), "")
        if case:
            folder = engine.case_folder(case)
            loaded = engine.load_case(folder)
            folders[loaded.id] = folder
            default = loaded.id
            store = cls(folders, default)
            store._loaded[loaded.id] = loaded
            return store
        return cls(folders, default)

    def get(self, case_id: str, field_: str = "case") -> Case:
        if case_id not in self.folders:
            msg = engine.UnknownIdError("case", str(case_id), list(self.folders)).args[0]
            raise bad_request(field_, msg, 404 if field_ == "path" else 400)
        with self._loading:  # one thread loads a case; the others wait for it
            if case_id not in self._loaded:
                self._loaded[case_id] = engine.load_case(self.folders[case_id])
        return self._loaded[case_id]

    def warm(self) -> None:
        """Load the default case and compute its page as first shown (run beside the server).

        Best effort: a failure here is left for the first request to report properly.
        """
        try:
            state = read_state(self, self.default, {})
            state.side(self, changed=False)
            state.settlement(self, changed=False)
        except Exception:  # the request that needs it reports the error
            logging.getLogger("zopa.serve").debug("warming %s failed", self.default, exc_info=True)


@dataclass(frozen=True)
class State:
    """One explorer state: a case, a date, parties, and the changes made to it."""

    case: Case
    at: Any
    parties: tuple[str, ...]
    changes: list[dict[str, Any]]
    scenario: Scenario
    changed: Case

    def key(self, *, changed: bool = True) -> tuple[Any, ...]:
        """What identifies this state's results (``changed=False``: the case as coded)."""
        text = json.dumps(self.changes, sort_keys=True) if changed and self.changes else "[]"
        return (self.case.id, str(self.at), self.parties, text)

    def analysis(self, store: CaseStore, *, changed: bool) -> dict[str, Any]:
        """The API's ``R`` without the settlement (:func:`reports.web.results.analysis`)."""
        case = self.changed if changed else self.case
        return store.memo(
            ("analysis", *self.key(changed=changed)),
            lambda: results.analysis(case, at=self.at, parties=self.parties, settlement=False),
        )

    def side(self, store: CaseStore, *, changed: bool) -> dict[str, Any]:
        """What the page shows of one side: the analysis, the relaxation, the position map."""
        case = self.changed if changed else self.case

        def compute() -> dict[str, Any]:
            return {
                "analysis": self.analysis(store, changed=changed),
                "relaxation": views.relaxation(case, self.at, self.parties),
                "map": views.position_map(case, self.at, self.parties),
            }

        return store.memo(("side", *self.key(changed=changed)), compute)

    def changes_made(self, store: CaseStore) -> list[dict[str, Any]]:
        """What the changes did (:func:`reports.web.results.changes`); empty without changes."""
        if not self.changes:
            return []
        return store.memo(
            ("changes", *self.key()),
            lambda: results.changes(self.case, self.changed, at=self.at, parties=self.parties),
        )

    def settlement(self, store: CaseStore, *, changed: bool) -> dict[str, Any]:
        case = self.changed if changed else self.case
        return store.memo(
            ("settlement", *self.key(changed=changed)),
            lambda: results.settlement_result(case, at=self.at, parties=self.parties),
        )

    def page(self, store: CaseStore) -> dict[str, Any]:
        return views.page_context(
            self.case,
            self.changed,
            at=self.at,
            parties=self.parties,
            before=self.side(store, changed=False),
            after=self.side(store, changed=True),
            made=self.changes_made(store),
        )


def problems_of(exc: CaseError) -> list[dict[str, str]]:
    return [{"field": p.field or "case", "message": p.message} for p in exc.problems]


def read_state(store: CaseStore, case_id: str, body: Mapping[str, Any]) -> State:
    """Validate a request's ``at``, ``parties`` and ``changes`` against a case."""
    case = store.get(case_id)
    errors: list[dict[str, str]] = []
    at: Any = case.as_of
    if body.get("at") not in (None, ""):
        try:
            at = engine.as_date(body["at"], "at")
        except CaseError as exc:
            errors += problems_of(exc)
    parties: tuple[str, ...] = case.party_ids
    raw_parties = body.get("parties")
    if raw_parties not in (None, []):
        if not isinstance(raw_parties, list) or not all(isinstance(p, str) for p in raw_parties):
            errors.append({"field": "parties", "message": "must be a list of party ids"})
        else:
            try:
                parties = case.resolve_parties(raw_parties)
            except UnknownIdError as exc:
                errors.append({"field": "parties", "message": exc.args[0]})
    changes = body.get("changes", [])
    if isinstance(changes, list) and len(changes) > MAX_CHANGES:
        errors.append({"field": "changes", "message": f"at most {MAX_CHANGES} changes"})
    if errors:
        raise BadRequest(errors)
    try:
        scenario, changed = apply_mappings(case, changes, at=at, title="explorer changes")
    except CaseError as exc:
        raise BadRequest(problems_of(exc)) from None
    return State(case, at, parties, changes, scenario, changed)


async def json_body(request: Request) -> dict[str, Any]:
    if "json" not in request.headers.get("content-type", ""):
        raise bad_request("body", "send JSON (Content-Type: application/json)", 415)
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise bad_request("body", f"not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise bad_request("body", "must be a JSON object")
    return body


def decode_state(token: str) -> list[dict[str, Any]]:
    """The changes carried in a permalink's ``s`` parameter (base64url of compact JSON)."""
    if not token:
        return []
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, ValueError):
        raise bad_request("s", "not a zopa explorer state (base64url-encoded JSON)") from None
    if not isinstance(data, list):
        raise bad_request("s", "must encode a list of changes")
    return data


def encode_state(changes: Sequence[Mapping[str, Any]]) -> str:
    """The inverse of :func:`decode_state`: sorted keys, no padding, same state → same link."""
    text = json.dumps(list(changes), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def query_body(request: Request) -> dict[str, Any]:
    q = request.query_params
    body: dict[str, Any] = {"changes": decode_state(q.get("s", ""))}
    if q.get("at"):
        body["at"] = q["at"]
    if q.get("parties"):
        body["parties"] = [p for p in q["parties"].split(",") if p]
    return body
