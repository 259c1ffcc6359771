"""Problems a user can cause, and the one exception family that carries them.

A user's mistake (bad YAML, a missing title, two articles on one URL) is a
:class:`Problem`: a file, a line, a field and a sentence. Loading collects every
problem before anything is written; the command line prints them one per line as
``path:line: field: message`` and exits 1. Bugs are ordinary exceptions and keep
their traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    path: str
    """File as the user would type it, relative to the project folder."""
    line: int
    """1-based line in that file; 0 when the problem is about the file as a whole."""
    field: str
    """Front-matter key (``title``, ``cities[2]``) or a word for the part of the file."""
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{where}: {self.field}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class DatelineError(Exception):
    """A failure the user can fix; the CLI prints it without a traceback."""


class ValidationFailed(DatelineError):
    """The archive has errors; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        errors = sum(p.is_error for p in self.problems)
        warnings = len(self.problems) - errors
        counts = f"{errors} error{'s' if errors != 1 else ''}"
        if warnings:
            counts += f" and {warnings} warning{'s' if warnings != 1 else ''}"
        super().__init__(f"{counts}; nothing was written")


class BuildError(DatelineError):
    """A later stage (MkDocs, search indexing) failed; the previous site is kept."""


class ConfigError(DatelineError):
    """mkdocs.yml or Dateline's settings in it are unusable."""
