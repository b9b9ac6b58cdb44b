"""A local web server standing in for Paris Open Data, serving copies of the real files."""

from __future__ import annotations

import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from territory.loader import ARRONDISSEMENTS_FILE, QUARTIERS_FILE
from tests.conftest import GEO_DIR


class GeoServer:
    def __init__(self, root):
        self.root = root
        self.requests: list[str] = []
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{name}"

    @property
    def sources(self) -> dict[str, str]:
        return {name: self.url(name) for name in (ARRONDISSEMENTS_FILE, QUARTIERS_FILE)}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def geo_server(tmp_path):
    """Serves copies (in a temporary directory) of the official boundary files."""
    root = tmp_path / "opendata"
    root.mkdir()
    for name in (ARRONDISSEMENTS_FILE, QUARTIERS_FILE):
        shutil.copy(GEO_DIR / name, root / name)
    server = GeoServer(root)
    yield server
    server.close()
