"""A case folder uploaded as a .zip: checked entry by entry, unpacked only into a temporary folder.

Refused, with a message that says why: a body over :data:`MAX_UPLOAD`, not a
zip, more than :data:`MAX_FILES` entries, a path that is absolute or climbs out
(``..``), a symbolic link, more than :data:`MAX_UNPACKED` bytes unpacked in
all, or an entry that inflates more than :data:`MAX_RATIO` times (a compression
bomb). Sizes are counted while inflating, never taken from the zip's headers.
"""

from __future__ import annotations

import io
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import engine
from engine import Case, CaseError
from reports.web.state import BadRequest, bad_request

__all__ = ["MAX_FILES", "MAX_RATIO", "MAX_UNPACKED", "MAX_UPLOAD", "load_zip"]

MAX_UPLOAD = 4 * 1024 * 1024
MAX_FILES = 300
MAX_UNPACKED = 16 * 1024 * 1024
MAX_RATIO = 200


def _refuse(message: str) -> BadRequest:
    return bad_request("upload", message)


def _safe_name(name: str) -> PurePosixPath:
    if "\\" in name or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _refuse(f"'{name}': absolute paths are not allowed in the zip")
    path = PurePosixPath(name)
    if any(part == ".." for part in path.parts):
        raise _refuse(f"'{name}': paths with '..' are not allowed in the zip")
    return path


def _unpack(data: bytes, into: Path) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _refuse("not a zip file; zip the case folder (case.yaml, parties/…)") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_FILES:
            raise _refuse(f"{len(entries)} entries; a case zip may hold at most {MAX_FILES}")
        total = 0
        for info in entries:
            rel = _safe_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise _refuse(f"'{info.filename}': symbolic links are not allowed in the zip")
            target = into / rel
            if not target.resolve().is_relative_to(into.resolve()):
                raise _refuse(f"'{info.filename}': the path leaves the case folder")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            written = 0
            try:
                with archive.open(info) as src, open(target, "wb") as out:
                    while chunk := src.read(64 * 1024):
                        written += len(chunk)
                        total += len(chunk)
                        if total > MAX_UNPACKED:
                            raise _refuse(
                                f"unpacks to more than {MAX_UNPACKED // 2**20} MiB; refused"
                            )
                        if (
                            written > MAX_RATIO * max(info.compress_size, 1)
                            and written > 1024 * 1024
                        ):
                            raise _refuse(
                                f"'{info.filename}' inflates more than {MAX_RATIO}×: a compression bomb; refused"
                            )
                        out.write(chunk)
            # RuntimeError also covers zipfile's error for an unsupported compression method
            except (zipfile.BadZipFile, RuntimeError, EOFError) as exc:
                raise _refuse(f"'{info.filename}': cannot be unpacked ({exc})") from None


def _case_root(folder: Path) -> Path:
    if (folder / "case.yaml").is_file():
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir() and (p / "case.yaml").is_file()]
    if len(subs) == 1:
        return subs[0]
    raise _refuse("no case.yaml at the top of the zip or in its one folder; zip a case folder")


def load_zip(data: bytes) -> Case:
    """The case in an uploaded zip; :class:`BadRequest` with the located problems otherwise."""
    if len(data) > MAX_UPLOAD:
        raise bad_request("upload", f"larger than {MAX_UPLOAD // 2**20} MiB", 413)
    with tempfile.TemporaryDirectory(prefix="zopa-upload-") as tmp:
        root = Path(tmp)
        _unpack(data, root)
        folder = _case_root(root)
        try:
            case = engine.load_case(folder)
        except CaseError as exc:
            errors = []
            for p in exc.problems:
                file = (
                    Path(p.file).relative_to(folder).as_posix()
                    if p.file and Path(p.file).is_relative_to(folder)
                    else p.file
                )
                where = f"{file}:{p.line}:{p.column}" if file else "case"
                errors.append(
                    {
                        "field": f"upload {where}" + (f" {p.field}" if p.field else ""),
                        "message": p.message,
                    }
                )
            raise BadRequest(errors) from None
    return case
