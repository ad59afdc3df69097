"""bench/datasets.py: fetching data sets over HTTP with checksums, and benches without their data.

The downloads come from a local http.server serving small fixtures made here, laid out as the
mirror (a copy of the data folder) or as the WCXB repository publishes its pages.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import datasets

ROOT = Path(__file__).resolve().parents[2]
PAGE = b"<html><body><article><p>The council met on Tuesday.</p></article></body></html>"
ABSENT = {"x.txt": "0" * 64}  # a file no server has
RECORDS = b'{"id": "a-1", "text": "the council met .", "summary": "council met"}\n'


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder and the URL of a local HTTP server that serves it."""
    folder = tmp_path / "served"
    folder.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bench-data"
    monkeypatch.setenv(datasets.DATA_DIR_VARIABLE, str(folder))
    monkeypatch.delenv(datasets.MIRROR_VARIABLE, raising=False)
    return folder


def write_catalogue(path: Path, sets: dict[str, dict[str, object]]) -> Path:
    catalogue = {"about": "test catalogue", "sets": {}}
    for name, fields in sets.items():
        catalogue["sets"][name] = {  # type: ignore[index]
            "path": f"summarization/{name}",
            "what": "fixture",
            "source": "made by this test",
            "licence": "CC0-1.0",
            "may_copy": "all of it",
            "used_by": ["tests"],
            "fetch": {"method": "mirror", "note": "No public download."},
            **fields,
        }
    path.write_text(json.dumps(catalogue), encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_fetch_from_a_mirror_writes_verified_files(
    served: tuple[Path, str],
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, url = served
    (folder / "summarization/tiny/more").mkdir(parents=True)
    (folder / "summarization/tiny/dev.jsonl.gz").write_bytes(gzip.compress(RECORDS))
    (folder / "summarization/tiny/more/notes.txt").write_bytes(b"notes\n")
    files = {
        "dev.jsonl.gz": sha256((folder / "summarization/tiny/dev.jsonl.gz").read_bytes()),
        "more/notes.txt": sha256(b"notes\n"),
    }
    catalogue = write_catalogue(tmp_path / "datasets.json", {"tiny": {"files": files}})
    monkeypatch.setenv(datasets.MIRROR_VARIABLE, url + "/")

    assert datasets.main(["fetch"], catalogue) == 0
    target = data_dir / "summarization/tiny"
    assert gzip.decompress((target / "dev.jsonl.gz").read_bytes()) == RECORDS
    assert (target / "more/notes.txt").read_bytes() == b"notes\n"
    assert leftovers(target) == ["dev.jsonl.gz", "notes.txt"]
    assert "2 of 2 files fetched" in capsys.readouterr().out

    # A file changed on disk is fetched again; the intact one is only verified.
    (target / "more/notes.txt").write_bytes(b"edited\n")
    assert datasets.main(["fetch", "tiny"], catalogue) == 0
    assert (target / "more/notes.txt").read_bytes() == b"notes\n"
    assert "1 of 2 files fetched" in capsys.readouterr().out
    assert datasets.main(["fetch"], catalogue) == 0
    assert "2 files verified" in capsys.readouterr().out
    assert datasets.require("tiny", datasets.load_catalogue(catalogue)) == target


def test_a_wrong_checksum_leaves_no_file_and_fails(
    served: tuple[Path, str],
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, url = served
    (folder / "summarization/tiny").mkdir(parents=True)
    (folder / "summarization/tiny/dev.jsonl.gz").write_bytes(b"not what the catalogue says")
    files = {"dev.jsonl.gz": sha256(gzip.compress(RECORDS))}
    catalogue = write_catalogue(tmp_path / "datasets.json", {"tiny": {"files": files}})
    monkeypatch.setenv(datasets.MIRROR_VARIABLE, url)

    assert datasets.main(["fetch"], catalogue) == 1
    error = capsys.readouterr().err
    assert "checksum mismatch for dev.jsonl.gz" in error
    assert files["dev.jsonl.gz"] in error
    assert leftovers(data_dir) == []


def test_a_missing_file_on_the_server_is_a_clear_error(
    served: tuple[Path, str],
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, url = served
    catalogue = write_catalogue(tmp_path / "datasets.json", {"tiny": {"files": ABSENT}})
    monkeypatch.setenv(datasets.MIRROR_VARIABLE, url)

    assert datasets.main(["fetch"], catalogue) == 1
    error = capsys.readouterr().err
    assert f"cannot download {url}/summarization/tiny/x.txt" in error
    assert "404" in error
    assert leftovers(data_dir) == []


def test_a_set_without_a_public_download_needs_a_mirror(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalogue = write_catalogue(tmp_path / "datasets.json", {"tiny": {"files": ABSENT}})

    assert datasets.main(["fetch"], catalogue) == 1
    error = capsys.readouterr().err
    assert "No public download." in error
    assert datasets.MIRROR_VARIABLE in error


def test_wcxb_pages_are_fetched_and_truth_and_meta_rebuilt(
    served: tuple[Path, str], data_dir: Path, tmp_path: Path
) -> None:
    folder, url = served
    pages = {"0001": "Council meets — budget approved.", "0002": "Second story.\n\nTwo paragraphs."}
    (folder / "dev/html").mkdir(parents=True)
    (folder / "dev/ground-truth").mkdir()
    files: dict[str, str] = {}
    meta = ""
    for page_id, text in pages.items():
        page = gzip.compress(PAGE + page_id.encode())
        (folder / f"dev/html/{page_id}.html.gz").write_bytes(page)
        record = {
            "url": f"https://news.example/{page_id}",
            "file_id": page_id,
            "_internal": {"page_type": {"primary": "article"}},
            "ground_truth": {"title": "t", "main_content": text},
        }
        (folder / f"dev/ground-truth/{page_id}.json").write_text(json.dumps(record))
        files[f"html/{page_id}.html.gz"] = sha256(page)
        files[f"truth/{page_id}.txt"] = sha256(text.encode())
        meta += json.dumps({"id": page_id, "url": record["url"], "page_type": "article"}) + "\n"
    files["meta.jsonl"] = sha256(meta.encode())
    fetch = {"method": "wcxb", "base_url": f"{url}/dev", "note": "pages as published"}
    catalogue = write_catalogue(
        tmp_path / "datasets.json", {"pages": {"files": files, "fetch": fetch}}
    )

    assert datasets.main(["fetch", "pages"], catalogue) == 0
    target = data_dir / "summarization/pages"
    assert (target / "truth/0001.txt").read_text(encoding="utf-8") == pages["0001"]
    assert (target / "meta.jsonl").read_text(encoding="utf-8") == meta
    assert gzip.decompress((target / "html/0002.html.gz").read_bytes()) == PAGE + b"0002"
    assert len(leftovers(target)) == 5


def test_require_stops_with_one_line_and_exit_code_2(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        datasets.require("cnndm")
    assert stopped.value.code == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "'cnndm'" in lines[0]
    assert "make bench-data" in lines[0]


@pytest.mark.parametrize(
    "command",
    [
        ["bench/extraction.py", "--limit", "1"],
        ["bench/summarization.py", "--limit", "1"],
        ["bench/search.py", "--set", "bbc", "--limit", "1"],
        ["scripts/train_summarizer.py", "--no-write", "--limit", "1"],
    ],
)
def test_a_bench_without_its_data_says_how_to_get_it(command: list[str], tmp_path: Path) -> None:
    environment = {**os.environ, datasets.DATA_DIR_VARIABLE: str(tmp_path / "empty")}
    result = subprocess.run(  # noqa: S603 (this interpreter, the repository's own scripts)
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1
    assert "make bench-data" in result.stderr
    assert result.stdout == ""


def test_the_catalogue_describes_every_set_and_matches_the_shared_data() -> None:
    catalogue = datasets.load_catalogue()
    assert set(catalogue.sets) == {
        "wcxb-dev-articles",
        "cnndm",
        "bbc_news_summary",
        "rt_ru",
        "daniel-ru",
        "nerel_ru",
    }
    for data_set in catalogue.sets.values():
        assert data_set.source and data_set.licence and data_set.may_copy
        assert data_set.files
        assert all(len(digest) == 64 for digest in data_set.files.values())
    assert len(catalogue.sets["wcxb-dev-articles"].files) == 2 * 790 + 1
    assert len(catalogue.sets["daniel-ru"].files) == 2 * 135 + 1
    if not datasets.SHARED_DATA.is_dir():
        pytest.skip("no ../shared/data beside this checkout")
    for data_set in catalogue.sets.values():
        assert datasets.stale_files(data_set, datasets.SHARED_DATA / data_set.path) == []
