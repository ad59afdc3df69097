"""The browser tests never pass by skipping in CI: without Chromium they fail there."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "browser" / "conftest.py"


def browser_conftest() -> ModuleType:
    spec = importlib.util.spec_from_file_location("browser_conftest", CONFTEST)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_a_missing_browser_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("NEWSBRIEF_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.fail.Exception, match="/nonexistent/chromium is missing"):
        browser_conftest().chromium_path()


def test_a_missing_browser_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("NEWSBRIEF_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.skip.Exception, match="/nonexistent/chromium is missing"):
        browser_conftest().chromium_path()


def test_the_system_chromium_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSBRIEF_CHROMIUM", raising=False)
    monkeypatch.setenv("CI", "true")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium here")
    assert browser_conftest().chromium_path() == "/usr/bin/chromium"
