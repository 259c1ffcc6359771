"""Shared fixtures: small Dateline projects built in temporary folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.projects import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)


@pytest.fixture(scope="module")
def module_project(tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Project]:
    def make() -> Project:
        return Project(tmp_path_factory.mktemp("project"))
    return make
