"""The production server: gunicorn with mutuality/web/gunicorn_conf.py serves the app, and
WhiteNoise its static files, on a throwaway SQLite database (each test reads one running
server, started once for the module in a subprocess on a free loopback port)."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mutuality.web.static_files import STATIC_POLICY

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:mutuality.web.gunicorn_conf"]
STATIC_FILE = "vendor/htmx/htmx.min.js"  # built by `make setup`, collected by collectstatic

pytestmark = pytest.mark.slow


@dataclass
class Server:
    port: int
    log: Path

    def get(self, path: str, **headers: str) -> tuple[http.client.HTTPResponse, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return response, response.read()
        finally:
            connection.close()

    def log_lines(self, until: str) -> list[dict[str, object]]:
        """The server's standard error, one JSON object a line (every line JSON), once a line
        about `until` is there (a worker logs a request just after answering it)."""
        deadline = time.monotonic() + 10
        while True:
            lines = [json.loads(line) for line in self.log.read_text().splitlines() if line]
            if any(line["path"] == until for line in lines) or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped: {log.read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail("gunicorn did not start listening within a minute")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """gunicorn on a free port after migrate and collectstatic into a fresh var/ folder."""
    var = tmp_path_factory.mktemp("server-var")
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MUTUALITY_", "GUNICORN_")) and name != "DATABASE_URL"
    }
    environ |= {"MUTUALITY_DEMO": "1", "MUTUALITY_VAR_DIR": str(var)}
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity", "0"],
            cwd=ROOT,
            env=environ,
            check=True,
            timeout=300,
        )
    port, log = _free_port(), var / "server.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=var,  # not the project: gunicorn must find its settings by the module name
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        _wait_until_listening(port, process, log)
        yield Server(port, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gunicorn_serves_the_sign_in_page_with_the_apps_headers(server: Server) -> None:
    """The sign-in page comes from the app, with its Content-Security-Policy and no-store."""
    response, body = server.get("/accounts/login/")

    assert response.status == 200
    assert b'name="password"' in body
    assert "script-src 'self' 'nonce-" in response.headers["Content-Security-Policy"]
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.asvs("3.4.3", "3.4.4", "3.4.6")
def test_whitenoise_serves_a_static_file_gzipped_with_caching(server: Server) -> None:
    """A collected static file comes from WhiteNoise: gzipped, cacheable, never no-store."""
    original = (ROOT / "static" / STATIC_FILE).read_bytes()

    response, body = server.get(f"/static/{STATIC_FILE}", **{"Accept-Encoding": "gzip"})

    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == original
    caching = response.headers["Cache-Control"]
    assert "public" in caching and "max-age=" in caching and "no-store" not in caching
    assert response.headers["ETag"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The static files' own policy (static_files.py): nothing runs, no site may frame it.
    assert response.headers["Content-Security-Policy"] == STATIC_POLICY


@pytest.mark.asvs("16.2.4")
def test_each_request_is_one_json_line_without_its_query_string(server: Server) -> None:
    """The access log is JSON on standard error: path and status, never the query string."""
    server.get("/accounts/login/?next=/relationships/&secret=typed")

    lines = server.log_lines(until="/accounts/login/")

    requests = [line for line in lines if line["event"] == "request"]
    assert any(line["path"] == "/accounts/login/" and line["status"] == 200 for line in requests)
    assert all("typed" not in json.dumps(line) for line in lines)
    assert any(line["logger"] == "gunicorn.error" for line in lines)  # its own lines too


@pytest.mark.asvs("13.4.1")
@pytest.mark.parametrize(
    "path",
    [
        "/.git/HEAD",
        "/.git/config",
        "/static/.git/HEAD",
        "/static/../.git/HEAD",
        "/static/%2e%2e/.git/config",
        "/static/../pyproject.toml",
        "/static/../mutuality/web/settings.py",
    ],
)
def test_no_file_of_the_project_is_served(server: Server, path: str) -> None:
    """Neither the git metadata nor any other file of the project is served, by the app or
    by WhiteNoise: only the collected static files are."""
    # Act
    response, body = server.get(path)

    # Assert
    assert response.status in (400, 404)
    assert b"[core]" not in body and b"ref: refs/" not in body and b"SECRET_KEY" not in body


@pytest.mark.asvs("13.4.3")
@pytest.mark.parametrize("path", ["/static/", "/static/vendor/", "/static/js/", "/static/js"])
def test_no_folder_of_static_files_is_listed(server: Server, path: str) -> None:
    """Asking for a folder of the static files gets a 404, never a list of what it holds."""
    # Act
    response, body = server.get(path)

    # Assert
    # The service's own 404 page, which links a script or two itself, but lists no folder.
    assert response.status == 404
    assert not any(name in body for name in (b"Index of", b"stacked-tables.js", b"passkeys.js"))


@pytest.mark.asvs("13.4.4")
@pytest.mark.parametrize("path", ["/accounts/login/", f"/static/{STATIC_FILE}", "/"])
def test_the_server_refuses_trace(server: Server, path: str) -> None:
    """Through gunicorn, TRACE is 405 for the app's pages and WhiteNoise's files alike, and
    nothing of the request comes back."""
    # Arrange
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    # Act
    try:
        connection.request("TRACE", path, headers={"X-Echo-Me": "echo-marker"})
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()

    # Assert
    assert response.status == 405
    assert b"echo-marker" not in body


@pytest.mark.asvs("4.2.1")
@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        b"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
        b"Content-Length: 5\r\nContent-Length: 60\r\n",
    ],
    ids=["length-then-chunked", "chunked-then-length", "two-lengths"],
)
def test_a_request_framed_two_ways_is_refused_not_smuggled(server: Server, framing: bytes) -> None:
    """A request whose length is declared two ways, with a second request hidden after it, is
    refused (400) and the connection closed: the hidden request is never answered, so no
    proxy in front can be made to disagree with gunicorn about where a request ends."""
    # Arrange
    hidden = b"GET /static/hidden-marker HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    request = (
        b"POST /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + framing
        + b"\r\n0\r\n\r\n"
        + hidden
    )

    # Act
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(request)
        answered = b""
        while chunk := connection.recv(65536):
            answered += chunk

    # Assert
    assert answered.startswith(b"HTTP/1.1 400 ")
    assert answered.count(b"HTTP/1.1 ") == 1
