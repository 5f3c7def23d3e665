"""Writing outputs safely: atomically, and never over a user's file unasked.

- Every file is written to a temporary file in the same folder and renamed
  into place (``os.replace``), so a reader never sees half a file and an
  interrupted run leaves the old file intact.
- A folder of outputs (a report, an export, the schemas) carries a manifest,
  ``.zopa-manifest.json``, with the SHA-256 of every file zopa wrote there.
  On a later run a file is replaced only if zopa wrote it and nobody changed
  it since; a file the user made or edited is left alone and the command
  stops with a message naming it, unless ``--force`` is given. Files whose
  content would not change are not rewritten.
- The manifest is written first, as an intent: for each file about to be
  replaced it lists both the old and the new digest, so a run killed
  between two replacements leaves files the next run still recognises as
  zopa's; it is rewritten with the new digests once every file is in place.
  Temporary files zopa left behind (``.NAME.xxxx.tmp`` for a NAME it
  writes) are removed by the next run.
- A single output file the user named on the command line (``-o g.graphml``)
  is what they asked for; replacing an existing one is reported.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from engine import ZopaError

__all__ = ["MANIFEST", "OutputExistsError", "write_bundle", "write_file", "write_text"]

MANIFEST = ".zopa-manifest.json"


class OutputExistsError(ZopaError):
    """Writing would replace files zopa did not write (or that were edited since)."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_file(path: str | os.PathLike[str], data: bytes | str) -> str:
    """Write one file atomically; return ``"new"``, ``"replaced"`` or ``"unchanged"``."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_dir():
        raise OutputExistsError(f"{path} is a folder; give a file name")
    if path.exists():
        if path.read_bytes() == raw:
            return "unchanged"
        _atomic_write(path, raw)
        return "replaced"
    _atomic_write(path, raw)
    return "new"


def write_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = True) -> str:
    """Write a text file atomically (see :func:`write_file`)."""
    p = Path(path)
    if not overwrite and p.exists() and p.read_bytes() != text.encode("utf-8"):
        raise OutputExistsError(f"{p} exists and differs; use --force to replace it")
    return write_file(p, text)


def write_bundle(
    folder: str | os.PathLike[str], files: Mapping[str, bytes | str], *, force: bool = False
) -> dict[str, str]:
    """Write several files into a folder under the manifest rule (see module docs).

    Returns ``{relative name: "new" | "replaced" | "unchanged"}``. Nothing is
    written when a conflict is found and ``force`` is false.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OutputExistsError(
            f"{folder} exists and is not a folder; choose another output folder"
        )
    manifest_path = folder / MANIFEST
    try:
        manifest: dict[str, object] = (
            json.loads(manifest_path.read_text("utf-8")) if manifest_path.is_file() else {}
        )
        if not isinstance(manifest, dict):
            manifest = {}
    except (OSError, ValueError):
        manifest = {}
    payload = {name: (d.encode("utf-8") if isinstance(d, str) else d) for name, d in files.items()}
    _clean_temporaries(folder, set(payload) | set(manifest) | {MANIFEST})
    status: dict[str, str] = {}
    conflicts = []
    for name, data in sorted(payload.items()):
        path = folder / name
        if not path.exists():
            status[name] = "new"
            continue
        if path.is_dir():
            conflicts.append(f"{path} (a folder)")
            continue
        old = path.read_bytes()
        if old == data:
            status[name] = "unchanged"
        elif _digest(old) in _digests(manifest.get(name)) or force:
            status[name] = "replaced"
        else:
            conflicts.append(str(path))
    if conflicts:
        raise OutputExistsError(
            "these files exist and were not written by zopa (or were edited since): "
            + ", ".join(conflicts)
            + "; choose another folder with -o, or use --force to replace them"
        )
    changing = {name for name, s in status.items() if s != "unchanged"}
    intent = dict(manifest)
    for name in changing:  # either digest is zopa's until the run completes
        before = _digests(manifest.get(name)) if status[name] == "replaced" else []
        intent[name] = sorted({*before, _digest(payload[name])})
    if changing:
        _write_manifest(manifest_path, intent)
    for name, data in sorted(payload.items()):
        if name in changing:
            _atomic_write(folder / name, data)
        manifest[name] = _digest(data)
    _write_manifest(manifest_path, manifest)
    return status


def _write_manifest(path: Path, manifest: Mapping[str, object]) -> None:
    _atomic_write(path, (json.dumps(dict(sorted(manifest.items())), indent=2) + "\n").encode())


def _digests(entry: object) -> list[str]:
    """The digests a manifest entry accepts: one (a run completed) or several (an intent)."""
    if isinstance(entry, str):
        return [entry]
    if isinstance(entry, list):
        return [d for d in entry if isinstance(d, str)]
    return []


def _clean_temporaries(folder: Path, names: set[str]) -> None:
    """Remove ``.NAME.xxxx.tmp`` files an interrupted zopa left for the files it writes."""
    if not folder.is_dir():
        return
    for name in names:
        target = folder / name
        if not target.parent.is_dir():
            continue
        for tmp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if tmp.is_file() and not tmp.is_symlink():
                    tmp.unlink()
