from __future__ import annotations

from fks.errors import PermanentError, TemporaryError
from fks_ninja.outbox import ReportOutbox


def test_temporary_failure_keeps_the_report_and_those_behind_it_in_order() -> None:
    sent: list[str] = []
    api_up = False

    def send(name: str) -> None:
        if not api_up:
            raise TemporaryError("api down")
        sent.append(name)

    outbox = ReportOutbox()
    outbox.add("a", lambda: send("a"))
    outbox.add("b", lambda: send("b"))

    assert outbox.flush() == 0
    api_up = True
    assert outbox.flush() == 2
    assert sent == ["a", "b"]
    assert len(outbox) == 0


def test_permanently_refused_report_is_dropped_and_the_rest_sent() -> None:
    sent: list[str] = []

    def refuse() -> None:
        raise PermanentError("400")

    outbox = ReportOutbox()
    outbox.add("bad", refuse)
    outbox.add("good", lambda: sent.append("good"))

    assert outbox.flush() == 1
    assert sent == ["good"]
