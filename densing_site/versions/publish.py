"""Keep the frozen pages already published when the site is deployed again.

A data version's frozen pages never change once published. The deploy builds the current site (with
the current data version's copy, when it is a release); then, for every release, it downloads the
copy the live site already serves (``<site>/v/<version>/SHA256SUMS`` and every file it lists, each
checked against it) and puts it in place of whatever was built, and it builds only the copies the live
site does not have yet (a new release, or one published before frozen pages existed). A live site
that cannot be reached, or a published file that does not match its ``SHA256SUMS``, stops the deploy:
building the copy again would publish other pages at a cited address.
"""

from __future__ import annotations

import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin

from densing_site.errors import SiteError
from densing_site.versions.catalog import FROZEN_ROOT
from densing_site.versions.checksums import SUMS, check_folder, parse_sums

TIMEOUT = 60.0
"""Seconds to wait for one response from the live site."""


class PublishError(SiteError):
    """A published frozen copy cannot be kept; the message names the version, the address and why."""


@dataclass(frozen=True)
class Kept:
    """What happened to one version's frozen copy."""

    version: str
    how: str
    """``published`` (downloaded from the live site), ``built`` (built here, not published yet)."""
    files: int


def _get(url: str) -> bytes | None:
    """The body at ``url``; None when the server answers 404; :class:`PublishError` otherwise."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as err:
        if err.code == 404:
            return None
        raise PublishError(f"{url}: the server answered {err.code} {err.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise PublishError(f"{url}: cannot be read ({err}); deploy again once the site answers") from None


def download_published(base_url: str, version: str, dest: Path) -> int | None:
    """Download the published frozen copy of ``version`` from the site at ``base_url`` into ``dest``
    (checked against its SHA256SUMS); return its file count, or None when it is not published."""
    if not base_url.startswith(("https://", "http://")):
        raise PublishError(f"{base_url!r} is not an http(s) address of the published site")
    root = urljoin(base_url if base_url.endswith("/") else base_url + "/", f"{FROZEN_ROOT}/{version}/")
    sums = _get(root + SUMS)
    if sums is None:
        return None
    try:
        listed = parse_sums(sums.decode("utf-8"), root + SUMS)
    except (UnicodeDecodeError, ValueError) as err:
        raise PublishError(f"{root}{SUMS}: {err}") from None
    dest.mkdir(parents=True, exist_ok=True)
    (dest / SUMS).write_bytes(sums)

    def fetch(rel: str) -> str | None:
        body = _get(root + quote(rel))
        if body is None:
            return f"{root}{rel}: listed in {SUMS} but not found (404)"
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(body)
        return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        missing = [p for p in pool.map(fetch, sorted(listed)) if p]
    problems = missing or check_folder(dest)
    if problems:
        raise PublishError(
            f"the published frozen pages of {version} at {root} do not match their {SUMS}: "
            + "; ".join(problems[:5])
        )
    return len(listed)


def keep_published(
    site_dir: Path, base_url: str, versions: list[str], build: Callable[[str, Path], object]
) -> list[Kept]:
    """Put each version's published frozen copy into ``site_dir/v/<version>/``; ``build(version,
    folder)`` makes the ones not published yet (unless the site build made one already)."""
    kept = []
    for version in versions:
        target = site_dir / FROZEN_ROOT / version
        with tempfile.TemporaryDirectory(prefix=f"densing-published-{version}-") as tmp:
            count = download_published(base_url, version, Path(tmp) / "copy")
            if count is not None:
                if target.exists():
                    shutil.rmtree(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(str(Path(tmp) / "copy"), str(target))
                kept.append(Kept(version, "published", count))
                continue
        if not (target / SUMS).is_file():
            build(version, target)
        problems = check_folder(target)
        if problems:
            raise PublishError(f"the frozen pages of {version} built here: " + "; ".join(problems[:5]))
        kept.append(Kept(version, "built", sum(1 for p in target.rglob("*") if p.is_file()) - 1))
    return kept
