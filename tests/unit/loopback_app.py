"""Serve a scenario's Flask app on 127.0.0.1 in a thread, for tests of the fuzz stage that
need a real app but no Docker engine."""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server

_LOADED = 0


def load_app(path: Path, attribute: str = "app") -> Any:
    """A fresh copy of the module at `path` (its own state), and its Flask app."""
    global _LOADED
    _LOADED += 1
    spec = importlib.util.spec_from_file_location(f"scenario_app_{_LOADED}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = getattr(module, attribute)
    return found() if attribute == "create_app" else found


class _Quiet(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        pass


@contextmanager
def serving(path: Path, attribute: str = "app") -> Iterator[str]:
    """The base URL of the app at `path`, served until the block ends."""
    server = make_server(
        "127.0.0.1", 0, load_app(path, attribute), threaded=True, request_handler=_Quiet
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
