"""Fixtures for the claims tests: real HTTP and HTTPS servers on 127.0.0.1 for the source fetcher."""

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.http_server import LocalHTTPServer


def serving(server: LocalHTTPServer, settings: Any) -> Iterator[LocalHTTPServer]:
    """The server, running for the test, on a port the fetcher allows (its port rules hold on loopback too)."""
    settings.FACTCHECK_FETCH_ALLOWED_PORTS = [*settings.FACTCHECK_FETCH_ALLOWED_PORTS, server.port]
    server.start()
    yield server
    server.stop()


@pytest.fixture
def http_server(settings: Any) -> Iterator[LocalHTTPServer]:
    yield from serving(LocalHTTPServer(), settings)


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and its key for the name `news.test`."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=news.test",
            "-addext",
            "subjectAltName=DNS:news.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def https_server(certificate: tuple[Path, Path], settings: Any) -> Iterator[LocalHTTPServer]:
    cert, key = certificate
    yield from serving(LocalHTTPServer(certificate=str(cert), key=str(key)), settings)
