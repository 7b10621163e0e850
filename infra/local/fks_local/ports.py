"""Loopback ports: a free one when none is asked for, a clear error when the asked one is taken."""

from __future__ import annotations

import socket


class PortTaken(Exception):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def claim(port: int | None) -> int:
    """The port to serve on: ``port`` if free (error naming it if taken), else any free one."""
    if not port:
        return free_port()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            raise PortTaken(f"port {port} on 127.0.0.1 is taken; pick another or pass 0 for a free one") from exc
    return port
