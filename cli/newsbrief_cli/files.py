"""The files an import takes: folders walked lazily, each file with its upload key and type."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsbrief.parsing.sniff import CONTENT_TYPES, kind_for_filename
from newsbrief.settings import INCOMING_PREFIX

MAX_KEY_BYTES = 1024  # S3's limit on an object key
HASH_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class LocalFile:
    path: str
    key: str
    size: int
    content_type: str | None  # None: not a type the pipeline takes

    @property
    def key_too_long(self) -> bool:
        return len(self.key.encode("utf-8")) > MAX_KEY_BYTES


def upload_prefix(prefix: str) -> str:
    """``incoming/`` plus the user's prefix, as a folder."""
    cleaned = "/".join(part for part in prefix.replace("\\", "/").split("/") if part)
    return INCOMING_PREFIX + (f"{cleaned}/" if cleaned else "")


def walk(roots: Iterable[Path], prefix: str) -> Iterator[LocalFile]:
    """Every visible regular file under ``roots``, one at a time (a folder's entries are never
    all held at once). A folder's files keep their path inside it; a file given by name keeps its
    name. Hidden files and folders are left out; symbolic links to folders are not followed."""
    base = upload_prefix(prefix)
    for root in roots:
        if root.is_dir():
            yield from _walk_folder(str(root), base)
        elif root.is_file():
            yield _local_file(str(root), base + root.name, root.stat().st_size)
        else:
            raise FileNotFoundError(f"no such file or folder: {root}")


def _walk_folder(folder: str, key_prefix: str) -> Iterator[LocalFile]:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                yield from _walk_folder(entry.path, f"{key_prefix}{entry.name}/")
            elif entry.is_file():
                yield _local_file(entry.path, key_prefix + entry.name, entry.stat().st_size)


def _local_file(path: str, key: str, size: int) -> LocalFile:
    kind = kind_for_filename(path)
    return LocalFile(path, key, size, CONTENT_TYPES[kind] if kind else None)


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
