"""The benches' data sets: where they are, how to fetch them, and a check that they are there.

bench/datasets.json describes every data set a bench reads: its public source, its licence, what
may be copied from it, and the sha256 of every file. The data lives in ../shared/data when that
folder exists (a checkout beside the shared folder), otherwise in .bench-data/ inside the
repository; NEWSBRIEF_BENCH_DATA_DIR names another folder.

    .venv/bin/python bench/datasets.py fetch [SET ...]    # what `make bench-data` runs
    .venv/bin/python bench/datasets.py checksums SET      # rewrite SET's checksums from the data

`fetch` verifies what is present and downloads what is missing or wrong. Each file is written
to a temporary name beside its place and renamed only once its checksum matches, so a failed or
interrupted download leaves no file behind. With NEWSBRIEF_BENCH_DATA_URL set, every file comes
from that mirror (a copy of the data folder served over HTTP: URL/<set path>/<file>); without
it, only the sets whose exact files can be rebuilt from their public source are fetched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

REPO = Path(__file__).resolve().parents[1]
CATALOGUE = Path(__file__).resolve().with_name("datasets.json")
SHARED_DATA = REPO.parent / "shared" / "data"
LOCAL_DATA = REPO / ".bench-data"
DATA_DIR_VARIABLE = "NEWSBRIEF_BENCH_DATA_DIR"
MIRROR_VARIABLE = "NEWSBRIEF_BENCH_DATA_URL"
TIMEOUT_SECONDS = 60
CHUNK = 1 << 16


class DatasetError(Exception):
    """A data set cannot be fetched or verified; the message says why and what to do."""


class Fetch(BaseModel):
    # "wcxb": pages as published, truth and meta rebuilt from the published ground-truth JSON;
    # "mirror": no public download holds these exact bytes, only a mirror can provide them.
    method: Literal["wcxb", "mirror"]
    base_url: str | None = None
    note: str


class DataSet(BaseModel):
    path: str
    what: str
    source: str
    licence: str
    may_copy: str
    used_by: list[str]
    fetch: Fetch
    files: dict[str, str]


class Catalogue(BaseModel):
    about: str
    sets: dict[str, DataSet]


def load_catalogue(path: Path = CATALOGUE) -> Catalogue:
    return Catalogue.model_validate_json(path.read_text(encoding="utf-8"))


def data_root() -> Path:
    if configured := os.environ.get(DATA_DIR_VARIABLE):
        return Path(configured)
    return SHARED_DATA if SHARED_DATA.is_dir() else LOCAL_DATA


def files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def missing_files(data_set: DataSet, root: Path) -> list[str]:
    folder = root / data_set.path
    return [name for name in data_set.files if not (folder / name).is_file()]


def require(name: str, catalogue: Catalogue | None = None) -> Path:
    """The folder of data set ``name``; a bench without it stops with one line and exit code 2."""
    data_set = (catalogue or load_catalogue()).sets[name]
    root = data_root()
    missing = missing_files(data_set, root)
    if missing:
        print(
            f"data set {name!r} is not in {root / data_set.path} ({len(missing)} of "
            f"{files(len(data_set.files))} missing): run `make bench-data` "
            "(bench/datasets.json says where it comes from)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return root / data_set.path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        for chunk in iter(lambda: source.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def open_url(url: str) -> Any:
    if not url.startswith(("http://", "https://")):
        raise DatasetError(f"not an http(s) URL: {url}")
    return urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS)  # noqa: S310 (scheme checked)


def _write_atomically(dest: Path, expected: str, origin: str, fill: Callable[..., None]) -> None:
    """Write ``dest`` through a temporary file, renamed only if its sha256 is ``expected``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, renamed or removed)
        dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial", delete=False
    )
    partial = Path(handle.name)
    try:
        digest = hashlib.sha256()
        with handle:

            def write(chunk: bytes) -> None:
                digest.update(chunk)
                handle.write(chunk)

            fill(write)
        actual = digest.hexdigest()
        if actual != expected:
            raise DatasetError(
                f"checksum mismatch for {dest.name} from {origin}: "
                f"expected sha256 {expected}, got {actual}; nothing was written"
            )
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


def download(url: str, dest: Path, expected: str) -> None:
    def fill(write: Callable[[bytes], None]) -> None:
        try:
            with open_url(url) as response:
                for chunk in iter(lambda: response.read(CHUNK), b""):
                    write(chunk)
        except OSError as error:  # URLError and HTTPError are OSErrors
            raise DatasetError(f"cannot download {url}: {error}") from error

    _write_atomically(dest, expected, url, fill)


def store(data: bytes, dest: Path, expected: str, origin: str) -> None:
    _write_atomically(dest, expected, origin, lambda write: write(data))


def read_url(url: str) -> bytes:
    try:
        with open_url(url) as response:
            body: bytes = response.read()
            return body
    except OSError as error:
        raise DatasetError(f"cannot download {url}: {error}") from error


def stale_files(data_set: DataSet, folder: Path) -> list[str]:
    """Files that are missing or whose checksum differs from the catalogue's."""
    return [
        name
        for name, expected in data_set.files.items()
        if not (folder / name).is_file() or sha256_of(folder / name) != expected
    ]


def fetch_from_mirror(data_set: DataSet, folder: Path, names: Iterable[str], mirror: str) -> None:
    base = f"{mirror.rstrip('/')}/{data_set.path}"
    for name in names:
        download(f"{base}/{name}", folder / name, data_set.files[name])


def fetch_wcxb(data_set: DataSet, folder: Path, names: list[str]) -> None:
    """Pages as published; truth/<id>.txt is the ground-truth JSON's main_content, meta.jsonl its
    id, url and primary page type, one line per page in id order."""
    assert data_set.fetch.base_url
    base = data_set.fetch.base_url.rstrip("/")
    pages = [name for name in data_set.files if name.startswith("html/")]
    page_ids = sorted(Path(name).name.removesuffix(".html.gz") for name in pages)
    wanted = set(names)
    for name in sorted(wanted):
        if name.startswith("html/"):
            download(f"{base}/{name}", folder / name, data_set.files[name])
    meta_lines = []
    for page_id in page_ids:
        truth_name = f"truth/{page_id}.txt"
        if truth_name not in wanted and "meta.jsonl" not in wanted:
            continue
        url = f"{base}/ground-truth/{page_id}.json"
        try:
            record = json.loads(read_url(url))
            if truth_name in wanted:
                text = record["ground_truth"]["main_content"].encode("utf-8")
                store(text, folder / truth_name, data_set.files[truth_name], url)
            page_type = record["_internal"]["page_type"]["primary"]
            meta = {"id": page_id, "url": record["url"], "page_type": page_type}
        except (ValueError, KeyError, TypeError) as error:
            raise DatasetError(f"{url} is not a WCXB ground-truth record: {error!r}") from error
        meta_lines.append(json.dumps(meta) + "\n")
    if "meta.jsonl" in wanted:
        lines = "".join(meta_lines).encode("utf-8")
        store(lines, folder / "meta.jsonl", data_set.files["meta.jsonl"], f"{base}/ground-truth/")


def fetch(name: str, data_set: DataSet, root: Path, mirror: str | None) -> str:
    """Make ``root`` hold data set ``name`` with the catalogue's checksums; says what it did."""
    folder = root / data_set.path
    stale = stale_files(data_set, folder)
    if not stale:
        return f"{name}: {files(len(data_set.files))} verified in {folder}"
    if root.resolve() == SHARED_DATA.resolve():
        raise DatasetError(
            f"{name}: {files(len(stale))} in {folder} not as listed in "
            f"bench/datasets.json, and that folder is read-only; "
            f"set {DATA_DIR_VARIABLE}=.bench-data to fetch a copy there"
        )
    if mirror:
        fetch_from_mirror(data_set, folder, stale, mirror)
        origin = mirror
    elif data_set.fetch.method == "wcxb":
        fetch_wcxb(data_set, folder, stale)
        origin = data_set.fetch.base_url or ""
    else:
        raise DatasetError(
            f"{name}: {data_set.fetch.note} Set {MIRROR_VARIABLE} to a mirror of the data "
            f"folder ({files(len(stale))} missing from {folder})."
        )
    fetched = f"{len(stale)} of {files(len(data_set.files))} fetched"
    return f"{name}: {fetched} from {origin} into {folder}"


def write_checksums(name: str, catalogue_path: Path) -> str:
    catalogue = load_catalogue(catalogue_path)
    data_set = catalogue.sets[name]
    folder = data_root() / data_set.path
    data_set.files = {
        path.relative_to(folder).as_posix(): sha256_of(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith((".partial", ".md"))
    }
    catalogue_path.write_text(catalogue.model_dump_json(indent=1) + "\n", encoding="utf-8")
    return f"{name}: {len(data_set.files)} checksums from {folder} written to {catalogue_path}"


def main(argv: list[str] | None = None, catalogue_path: Path = CATALOGUE) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_command = commands.add_parser("fetch", help="verify, and download what is missing")
    fetch_command.add_argument("sets", nargs="*", help="data sets (default: all)")
    checksums_command = commands.add_parser("checksums", help="rewrite a set's checksums")
    checksums_command.add_argument("set")
    args = parser.parse_args(argv)
    try:
        if args.command == "checksums":
            print(write_checksums(args.set, catalogue_path))
            return 0
        catalogue = load_catalogue(catalogue_path)
        unknown = sorted(set(args.sets) - set(catalogue.sets))
        if unknown:
            raise DatasetError(f"unknown data sets {unknown}; known: {sorted(catalogue.sets)}")
        root, mirror = data_root(), os.environ.get(MIRROR_VARIABLE)
        failed = False
        for name in args.sets or catalogue.sets:
            try:
                print(fetch(name, catalogue.sets[name], root, mirror))
            except DatasetError as error:
                print(f"error: {error}", file=sys.stderr)
                failed = True
        return 1 if failed else 0
    except DatasetError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
