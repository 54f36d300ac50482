"""Validation reports: problems found in records, and their renderings for people and machines.

A rendering shows each problem once (the same problem found twice, say by naming a file and its
folder, is one line) and at most :data:`MAX_SHOWN_PER_FILE` problems per file, followed by one
``… and N more problems in FILE`` line, so a broken or hostile file cannot bury everything else.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from itertools import groupby
from typing import Literal

Severity = Literal["error", "warning"]

MAX_SHOWN_PER_FILE = 50
"""Problems rendered per file; the rest are counted in one closing line."""


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
    """Class of problem: yaml, path, schema, duplicate, reference, history, release, limit."""
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

    def extend(self, other: Report) -> None:
        """Add every problem of ``other``."""
        self.problems.extend(other.problems)

    @property
    def ok(self) -> bool:
        """True when no error was found."""
        return not any(p.severity == "error" for p in self.problems)

    def sorted(self) -> list[Problem]:
        """Each distinct problem once, in file and line order."""
        return sorted(set(self.problems))

    def counts(self) -> tuple[int, int]:
        """Distinct errors and warnings."""
        unique = set(self.problems)
        errors = sum(1 for p in unique if p.severity == "error")
        return errors, len(unique) - errors

    def shown(self, per_file: int = MAX_SHOWN_PER_FILE) -> list[Problem]:
        """:meth:`sorted`, keeping the first ``per_file`` problems of each file, then one
        ``kind="limit"`` problem per file that had more, saying how many were left out."""
        out: list[Problem] = []
        for path, group in groupby(self.sorted(), key=lambda p: p.path):
            problems = list(group)
            out += problems[:per_file]
            rest = problems[per_file:]
            if rest:
                n = len(rest)
                out.append(
                    Problem(
                        path=path,
                        line=0,
                        message=f"… and {n:,} more problem{'s' if n != 1 else ''} in {path} (only the "
                        f"first {per_file} of each file are shown)",
                        kind="limit",
                        severity="error" if any(p.severity == "error" for p in rest) else "warning",
                    )
                )
        return out

    def render(self, fmt: Literal["text", "json", "github"] = "text") -> str:
        """Render the report as text lines, a JSON array, or GitHub annotations (see :meth:`shown`)."""
        problems = self.shown()
        if fmt == "json":
            return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False)
        if fmt == "github":
            return "\n".join(p.as_github() for p in problems)
        return "\n".join(p.as_text() for p in problems)
