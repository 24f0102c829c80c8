"""Policy rule 7: the guard every test runs under really blocks outbound connections."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import OutboundConnectionBlocked


def test_outbound_connection_is_blocked() -> None:
    with pytest.raises(OutboundConnectionBlocked), socket.create_connection(("192.0.2.1", 80), timeout=1):
        pass


def test_dns_lookup_is_blocked() -> None:
    with pytest.raises(OutboundConnectionBlocked):
        socket.getaddrinfo("pypi.org", 443)


def test_loopback_is_allowed() -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=1):
        pass
    server.close()
