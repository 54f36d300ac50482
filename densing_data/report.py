"""Validation reports: problems found in records, and their renderings for people and machines."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the records."""

    path: str
    """File the problem is in, relative to the directory validated where possible."""
    line: int
    """1-based line in that file (0 when the problem concerns the whole file)."""
    message: str
    """What is wrong, with the value received and what was expected."""
    kind: str = "schema"
    """Class of problem: yaml, path, schema, duplicate, reference, history."""
    severity: Severity = "error"

    def as_text(self) -> str:
        """``path:line: message`` as compilers print it."""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"

    def as_github(self) -> str:
        """A GitHub Actions workflow command that annotates the file and line."""
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::{self.severity} file={self.path},line={max(self.line, 1)}::{message}"


@dataclass
class Report:
    """Problems found by a validation run; empty when the records are valid."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, message: str, kind: str = "schema") -> None:
        """Record one error."""
        self.problems.append(Problem(path=path, line=line, message=message, kind=kind))

    def warn(self, path: str, line: int, message: str, kind: str = "schema") -> None:
        """Record a warning: shown, but the records stay valid."""
        self.problems.append(Problem(path=path, line=line, message=message, kind=kind, severity="warning"))

    @property
    def ok(self) -> bool:
        """True when no error was found."""
        return not any(p.severity == "error" for p in self.problems)

    def sorted(self) -> list[Problem]:
        """Problems in file and line order."""
        return sorted(self.problems)

    def render(self, fmt: Literal["text", "json", "github"] = "text") -> str:
        """Render the report as text lines, a JSON array, or GitHub annotations."""
        problems = self.sorted()
        if fmt == "json":
            return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
        if fmt == "github":
            return "\n".join(p.as_github() for p in problems)
        return "\n".join(p.as_text() for p in problems)
