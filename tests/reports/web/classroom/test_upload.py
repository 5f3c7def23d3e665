"""A case folder uploaded as a zip: a good one makes a class; a hostile or broken one is refused clearly."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from reports.web.app import create_app
from reports.web.classroom.upload import MAX_FILES, MAX_UPLOAD
from tests.conftest import CASES

ZIP = {"content-type": "application/zip"}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        yield c


def _zip(files: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return buf.getvalue()


def _case_files(folder: Path, prefix: str = "") -> dict[str, bytes]:
    return {
        prefix + p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file()
    }


def _refused(client, blob: bytes) -> str:
    r = client.post("/api/classes", content=blob, headers=ZIP)
    assert r.status_code in (400, 413), r.text
    return " ".join(e["field"] + ": " + e["message"] for e in r.json()["errors"])


def test_an_uploaded_case_folder_makes_a_class(client):
    blob = _zip(_case_files(CASES / "tiny", "tiny/"))
    r = client.post("/api/classes?units=a:" + "x", content=blob, headers=ZIP)
    assert r.status_code == 400 and "unknown issue" in r.json()["errors"][0]["message"]
    r = client.post("/api/classes", content=blob, headers=ZIP)
    assert r.status_code == 201, r.text
    code = r.json()["code"]
    assert client.get(f"/api/classes/{code}").json()["case"] == r.json()["case"]


@pytest.mark.parametrize(
    ("files", "links", "says"),
    [
        ({"../evil.yaml": b"x"}, (), "'..'"),
        ({"/etc/evil.yaml": b"x"}, (), "absolute"),
        ({"case.yaml": b"x"}, ("parties/link.yaml",), "symbolic link"),
        ({f"f{i}.yaml": b"" for i in range(MAX_FILES + 1)}, (), f"at most {MAX_FILES}"),
        ({f"p{i}.yaml": b"\0" * 2**20 for i in range(17)}, (), "more than 16 MiB"),
        ({"readme.txt": b"hello"}, (), "no case.yaml"),
    ],
)
def test_hostile_zips_are_refused_and_nothing_is_written_outside(
    client, tmp_path, files, links, says
):
    assert says in _refused(client, _zip(files, links=links))
    assert not (tmp_path.parent / "evil.yaml").exists() and not Path("/etc/evil.yaml").exists()


def test_a_bomb_is_refused_while_inflating(client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("case.yaml", b"a" * (12 * 2**20))
    blob = buf.getvalue()
    assert len(blob) < 100_000
    assert "compression bomb" in _refused(client, blob)


def test_not_a_zip_and_too_large_are_refused(client):
    assert "not a zip" in _refused(client, b"PK-not-really")
    r = client.post("/api/classes", content=b"0" * (MAX_UPLOAD + 1), headers=ZIP)
    assert r.status_code == 413


def test_a_broken_case_is_refused_with_located_problems(client):
    files = _case_files(CASES / "tiny")
    files["case.yaml"] = files["case.yaml"].replace(b"title:", b"titel:", 1)
    msg = _refused(client, _zip(files))
    assert "case.yaml:" in msg and "tmp" not in msg
