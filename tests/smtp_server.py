"""A real SMTP server on loopback for the tests, built on aiosmtpd."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class RecordingHandler:
    """Accept every message except to ``refused`` recipients; keep what arrives."""

    def __init__(self, refused: set[str] | None = None) -> None:
        self.refused = refused or set()
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that the OS says is free."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server(refused: set[str] | None = None) -> Iterator[tuple[RecordingHandler, int]]:
    """Run an SMTP server on loopback; yield its handler and port, and stop it afterwards."""
    handler = RecordingHandler(refused)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()
