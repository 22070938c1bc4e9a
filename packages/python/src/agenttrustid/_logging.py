# Copied from generators/python/runtime/_logging.py by agenttrust-gen. Do not edit here: edit the original and run `pnpm generate`.
"""The SDK's logging: every event goes to the standard `logging.getLogger("agenttrustid")`, so an
application that configures logging decides where it goes. `AGENTTRUST_LOG` (`off`, the default,
`error`, `warn`, `info` or `debug`, any case) sets that logger's level and adds one handler that
writes each event as one line on stderr, starting `agenttrustid <level>`. Any other value counts
as `off`, with one warning line on stderr naming the variable and the values it accepts.

Events: `debug` each HTTP attempt (method, path and query, status, elapsed ms, attempt number,
request id); `info` retries (delay, reason) and telemetry batches sent; `warn` fail-open
decisions, telemetry failures and drops, TLS verification off; `error` a call's final failure
(error class and code). Never logged, at any level: header values (`X-API-Key`,
`Authorization`, `DPoP`, `Cookie`), tokens, keys, request or response bodies."""

from __future__ import annotations

import logging
import os
import sys
import threading

__all__ = ["LOG_ENV", "LOG_LEVELS", "log", "setup_logging"]

LOG_ENV = "AGENTTRUST_LOG"
LOG_LEVELS: dict[str, int | None] = {
    "off": None,
    "error": logging.ERROR,
    "warn": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
}
"""The values `AGENTTRUST_LOG` accepts, and the `logging` level each sets."""

log = logging.getLogger("agenttrustid")
# A library's logger: without this, Python's last-resort handler would print warnings on stderr
# although AGENTTRUST_LOG is off. An application's own handlers still get every record.
log.addHandler(logging.NullHandler())

_NAMES = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error"}


class _LineFormatter(logging.Formatter):
    """`agenttrustid <level> <message>`, on one line whatever the message holds."""

    def format(self, record: logging.LogRecord) -> str:
        level = _NAMES.get(record.levelno, record.levelname.lower())
        text = record.getMessage().replace("\r", "\\r").replace("\n", "\\n")
        return f"agenttrustid {level} {text}"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler AGENTTRUST_LOG installs; it looks `sys.stderr` up per record, so a replaced
    stderr (pytest's capture, a daemon's redirect) is honoured."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(_LineFormatter())

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


_lock = threading.Lock()
_applied: str | None = None  # the AGENTTRUST_LOG value last applied


def setup_logging() -> None:
    """Applies `AGENTTRUST_LOG` (read now; each client calls this when it is built). Unset, empty
    or `off` leaves the logger alone, as the application configured it; a level sets it and adds
    the stderr handler once. Cheap when the value has not changed."""
    global _applied
    raw = os.environ.get(LOG_ENV) or "off"
    if raw == _applied:
        return
    with _lock:
        if raw == _applied:
            return
        _applied = raw
        value = raw.strip().lower()
        ours = [h for h in log.handlers if isinstance(h, _StderrHandler)]
        if value not in LOG_LEVELS:
            print(
                f"agenttrustid warn {LOG_ENV}={raw[:40]!r} is not one of "
                f"{', '.join(LOG_LEVELS)}: logging stays off",
                file=sys.stderr,
            )
            value = "off"
        level = LOG_LEVELS[value]
        if level is None:
            if ours:  # a level was set before: give the logger back to the application
                for handler in ours:
                    log.removeHandler(handler)
                log.setLevel(logging.NOTSET)
                log.propagate = True
            return
        log.setLevel(level)
        if not ours:
            log.addHandler(_StderrHandler())
        # One line per event: not a second one from the root logger's handlers.
        log.propagate = False
