"""``zopa serve``: the what-if explorer in the browser (a local web server)."""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys
import threading

from reports.cli.kit import UsageError

__all__ = ["register"]

SERVE_EPILOG = """\
Opens the explorer at http://HOST:PORT/: the position map of the case on a
date; click a cell to widen or narrow what a party accepts, move its ideal,
change its salience, drop or add a red line, or withdraw the position; apply
a shipped scenario; undo, redo, reset. The pair-conflict and overlap
heatmaps, the agreement zones and blockers, the cheapest relaxation and the
settlement packages are shown before and after the changes, computed by the
same functions as 'zopa report'. The state is in the address (a permalink);
the changes download as a scenario file that 'zopa whatif --scenario FILE'
reads, and the changed case as a full report.

The server listens on 127.0.0.1 (this computer only) unless --host says
otherwise. Nothing is fetched from the network: the page works offline.
The JSON API (GET /api/health, GET /api/cases, POST /api/whatif) is
documented in docs/api.md. Stop the server with Ctrl-C.

Class mode is always on: a teacher opens http://HOST:PORT/class, creates a
class and gets a join code, a join link with its QR code and a private
teacher link; students join with the code and a display name (no accounts)
and code the positions the teacher assigned; the teacher's page shows who
submitted and, after the reveal, Krippendorff's alpha and the disputed units
(docs/classroom.md). Classes are kept in a database: --db sqlite:///PATH
(default: $XDG_DATA_HOME/zopa/classes.sqlite3, printed at start) or
--db postgresql+psycopg://USER@HOST:PORT/DB. For students on other
computers, listen on the class network: --host 0.0.0.0.

examples:
  zopa serve
  zopa serve my-case/ --port 8080 --open
  zopa serve --host 0.0.0.0 --db sqlite:///class-2026.sqlite3
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="the what-if explorer in the browser (a local web server)",
        description="Serve the what-if explorer and its JSON API on this computer.",
        epilog=SERVE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "case",
        nargs="?",
        metavar="CASE",
        help="a shipped case id or a case folder, shown first (default: ukraine-russia); every shipped case is offered",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)"
    )
    p.add_argument("--open", action="store_true", help="open the page in the default browser")
    p.add_argument(
        "--db",
        metavar="URL",
        help="the class database: sqlite:///PATH or postgresql+psycopg://USER@HOST:PORT/DB "
        "(default: sqlite in $XDG_DATA_HOME/zopa/classes.sqlite3)",
    )
    p.set_defaults(func=run_serve)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket, so that the URL printed is the one served (also with --port 0)."""
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: must be between 0 and 65535")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(
            f"--host {host}: not an address of this computer ({exc.strerror})"
        ) from None
    family, kind, proto, _, address = infos[0]
    # the protocol (IPPROTO_TCP) matters: asyncio sets TCP_NODELAY only on sockets
    # that say they are TCP; without it a response written in two parts (headers,
    # body) waits for the client's delayed ACK, some 40 ms a request
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(128)
    return sock


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from reports.web.app import create_app
    from reports.web.classroom.db import Database, DatabaseError, default_url, shown_url
    from reports.web.state import CaseStore

    store = CaseStore.from_arguments(args.case)
    url_db = args.db or default_url()
    try:
        db = Database(url_db)
        db.upgrade()
    except DatabaseError as exc:
        raise UsageError(str(exc)) from None
    except Exception as exc:  # the driver's own error: cannot connect, no such folder, …
        raise UsageError(
            f"--db {shown_url(url_db)}: cannot open the class database: {exc}"
        ) from None
    app = create_app(store, db)
    sock = _bind(args.host, args.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    if not _is_loopback(args.host):
        print(
            f"zopa serve: warning: listening on {args.host}: anyone who can reach this computer "
            "on the network can use the explorer",
            file=sys.stderr,
        )
    print(f"zopa explorer: {url}  (case {store.default}; Ctrl-C stops it)", flush=True)
    print(f"zopa classes: {url}class  (database {shown_url(url_db)})", flush=True)
    if args.open:
        import webbrowser

        webbrowser.open(url)
    # the default case is loaded and its first page computed while the server starts
    threading.Thread(target=store.warm, name="zopa-warm", daemon=True).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    return 0
