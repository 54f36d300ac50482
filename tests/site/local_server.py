"""A built site served on 127.0.0.1 in a thread, one way for the browser tests and the benchmarks that
load pages in Chromium (``benchmarks/page_heights.py``, ``benchmarks/throttled_load.py``)."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that keeps its request log off the output."""

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path, handler: type[QuietHandler] = QuietHandler) -> Iterator[str]:
    """``directory`` served by ``handler`` on a free port of 127.0.0.1; yields its base URL (ending
    in ``/``) and shuts the server down afterwards."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
