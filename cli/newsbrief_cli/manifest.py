"""What this machine has uploaded where: a SQLite file of (stack, key) → content digest, so a
second import of the same files sends nothing, and one record of each file of the current run."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

MANIFEST_VARIABLE = "NEWSBRIEF_MANIFEST"
COMMIT_EVERY = 500


def default_manifest_path() -> Path:
    if os.environ.get(MANIFEST_VARIABLE):
        return Path(os.environ[MANIFEST_VARIABLE])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "newsbrief" / "uploads.sqlite3"


class Manifest:
    """The digests uploaded per stack and key. A missing or stale entry costs one HEAD request
    (the object's ``sha256`` metadata decides), never a wrong skip of changed content."""

    def __init__(self, path: Path, target: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS uploads (target TEXT NOT NULL, key TEXT NOT NULL, "
            "sha256 TEXT NOT NULL, uploaded_at REAL NOT NULL, PRIMARY KEY (target, key))"
        )
        self._target = target
        self._pending = 0

    def digest(self, key: str) -> str | None:
        row = self._db.execute(
            "SELECT sha256 FROM uploads WHERE target = ? AND key = ?", (self._target, key)
        ).fetchone()
        return str(row[0]) if row else None

    def record(self, key: str, sha256: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO uploads VALUES (?, ?, ?, ?)",
            (self._target, key, sha256, time.time()),
        )
        self._pending += 1
        if self._pending >= COMMIT_EVERY:
            self.commit()

    def commit(self) -> None:
        self._db.commit()
        self._pending = 0

    def close(self) -> None:
        self.commit()
        self._db.close()


@dataclass(frozen=True)
class Entry:
    key: str
    path: str
    detail: str


class Ledger:
    """Every file of one import and what became of it, in a temporary SQLite file, so that the
    report and ``--wait`` hold nothing per file in memory."""

    OUTCOMES = ("uploaded", "present", "unsupported", "failed", "interrupted")

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path)
        self._db.execute(
            "CREATE TABLE files (key TEXT PRIMARY KEY, path TEXT NOT NULL, size INTEGER NOT NULL,"
            " outcome TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', since REAL,"
            " state TEXT, reason TEXT, duplicate INTEGER NOT NULL DEFAULT 0)"
        )
        self._db.execute("CREATE INDEX pending ON files (outcome, state)")

    def add(self, key: str, path: str, size: int, outcome: str, detail: str = "") -> str | None:
        """Adds a file; returns the path of another file of this run with the same key, if any."""
        try:
            self._db.execute(
                "INSERT INTO files (key, path, size, outcome, detail) VALUES (?, ?, ?, ?, ?)",
                (key, path, size, outcome, detail),
            )
        except sqlite3.IntegrityError:
            row = self._db.execute("SELECT path FROM files WHERE key = ?", (key,)).fetchone()
            return str(row[0])
        return None

    def finish(self, key: str, outcome: str, detail: str = "", since: float | None = None) -> None:
        self._db.execute(
            "UPDATE files SET outcome = ?, detail = ?, since = ? WHERE key = ?",
            (outcome, detail, since, key),
        )

    def settle(self, key: str, state: str, reason: str | None, duplicate: bool) -> None:
        self._db.execute(
            "UPDATE files SET state = ?, reason = ?, duplicate = ? WHERE key = ?",
            (state, reason, int(duplicate), key),
        )

    def in_bucket(self) -> int:
        row = self._db.execute(
            "SELECT COUNT(*) FROM files WHERE outcome IN ('uploaded', 'present')"
        ).fetchone()
        return int(row[0])

    def unsettled(self, after: str, limit: int) -> list[tuple[str, float | None]]:
        """Keys in the bucket that are not yet indexed or rejected, in key order after ``after``."""
        rows = self._db.execute(
            "SELECT key, since FROM files WHERE outcome IN ('uploaded', 'present') "
            "AND state IS NULL AND key > ? ORDER BY key LIMIT ?",
            (after, limit),
        ).fetchall()
        return [(str(key), since) for key, since in rows]

    def counts(self) -> dict[str, tuple[int, int]]:
        """Files and bytes by outcome."""
        rows = self._db.execute(
            "SELECT outcome, COUNT(*), SUM(size) FROM files GROUP BY outcome"
        ).fetchall()
        return {str(outcome): (int(files), int(size or 0)) for outcome, files, size in rows}

    def states(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(state, reason) → files and how many of them were duplicates, for settled files."""
        rows = self._db.execute(
            "SELECT state, COALESCE(reason, ''), COUNT(*), SUM(duplicate) FROM files "
            "WHERE state IS NOT NULL GROUP BY state, reason"
        ).fetchall()
        return {(str(s), str(r)): (int(n), int(d or 0)) for s, r, n, d in rows}

    def first(self, where: str, parameters: tuple[str, ...] = (), limit: int = 3) -> list[Entry]:
        rows = self._db.execute(
            f"SELECT key, path, detail FROM files WHERE {where} ORDER BY key LIMIT ?",  # noqa: S608 - fixed clauses
            (*parameters, limit),
        ).fetchall()
        return [Entry(str(k), str(p), str(d)) for k, p, d in rows]

    def close(self) -> None:
        self._db.close()
