"""Read files of a git commit without touching the working tree (``git ls-tree`` + ``git cat-file``)."""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """A git command failed; the message says which and why, with a hint where one helps."""


def run_git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run ``git -C repo args...`` and return its standard output; raise :class:`GitError` on failure."""
    try:
        proc = subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (needed to compare against the base branch)") from None
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip() or f"exit status {proc.returncode}"
        raise GitError(f"git {' '.join(args)} failed in {repo}: {reason}")
    return proc.stdout


def repo_root(path: Path) -> Path:
    """The top of the git working tree holding ``path``."""
    out = run_git(path, "rev-parse", "--show-toplevel")
    return Path(out.decode("utf-8").strip())


def resolve_commit(repo: Path, ref: str) -> str:
    """The full commit hash ``ref`` names; a clear error when it names none."""
    if ref.startswith("-"):
        raise GitError(f"{ref!r} is not a git revision")
    try:
        out = run_git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    except GitError:
        raise GitError(
            f"{ref!r} names no commit in {repo}; fetch it first (e.g. `git fetch origin main`, or "
            "`fetch-depth: 0` in actions/checkout)"
        ) from None
    return out.decode("ascii").strip()


def merge_base(repo: Path, base: str, head: str) -> str:
    """The commit where ``head``'s history left ``base`` (what a pull request is compared with)."""
    try:
        out = run_git(repo, "merge-base", base, head)
    except GitError:
        raise GitError(f"{base[:12]} and {head[:12]} share no history in {repo}") from None
    return out.decode("ascii").strip()


def read_tree(repo: Path, commit: str, prefixes: list[str]) -> dict[str, bytes]:
    """Every file below ``prefixes`` at ``commit``: repository-relative path -> content."""
    listing = run_git(repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", *prefixes)
    blobs: list[tuple[str, str]] = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        _mode, kind, sha = meta.decode("ascii").split(" ")
        if kind == "blob":
            blobs.append((path.decode("utf-8"), sha))
    if not blobs:
        return {}
    batch = run_git(repo, "cat-file", "--batch", stdin="".join(f"{sha}\n" for _, sha in blobs).encode())
    files: dict[str, bytes] = {}
    offset = 0
    for path, sha in blobs:
        end = batch.index(b"\n", offset)
        header = batch[offset:end].decode("ascii").split(" ")
        if header[0] != sha or header[1] != "blob":
            raise GitError(f"git cat-file returned {header!r} for {path} ({sha})")
        size = int(header[2])
        files[path] = batch[end + 1 : end + 1 + size]
        offset = end + 1 + size + 1
    return files


def write_tree(files: dict[str, bytes], dest: Path) -> None:
    """Write ``files`` (relative path -> content) below ``dest``."""
    for relative, content in files.items():
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def materialise(repo: Path, commit: str, prefixes: list[str], dest: Path) -> None:
    """Write the files below ``prefixes`` at ``commit`` into ``dest`` (same relative layout)."""
    dest.mkdir(parents=True, exist_ok=True)
    write_tree(read_tree(repo, commit, prefixes), dest)
