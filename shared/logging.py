"""structlog configuration: JSON lines in production and tests, readable console output in development.

The request id is bound with structlog's contextvars, so every line logged while a request is handled carries it.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

import orjson
import structlog

_access: dict[str, Any] = {"stream": sys.stdout, "json": False, "service": "", "enabled": True}

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators, written as escapes in the
# console format, so a value such as a decoded path with %0A in it can never start a line of its own.
_ESCAPES = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))} | {0x2028: "\\u2028", 0x2029: "\\u2029"}


def escape_controls(value: str) -> str:
    return value if value.isprintable() else value.translate(_ESCAPES)


def _escape_event_fields(logger: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    """structlog processor for the console renderer, which writes text values as they are."""
    for key, value in event.items():
        if isinstance(value, str) and key != "exception" and key != "stack":
            event[key] = escape_controls(value)
    return event


def configure_logging(*, service: str, log_format: str = "console", level: str = "INFO",
                      log_file: str | None = None) -> None:
    stream = open(log_file, "a", buffering=1, encoding="utf-8") if log_file else sys.stdout
    renderers: list[structlog.types.Processor]
    if log_format == "json":  # JSON escapes control characters itself
        renderers = [structlog.processors.JSONRenderer(ensure_ascii=False)]
    else:
        renderers = [_escape_event_fields, structlog.dev.ConsoleRenderer(colors=False)]
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            *renderers,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    _access.update(stream=stream, json=log_format == "json", service=service,
                   enabled=logging.getLevelName(level.upper()) <= logging.INFO)
    # Libraries that use the standard logging module (uvicorn, alembic, httpx) go to the same stream through the
    # same renderer, with the request id and the other bound fields, and the library's name as `logger`.
    handler = logging.StreamHandler(stream)
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.contextvars.merge_contextvars, structlog.stdlib.add_log_level,
                           structlog.stdlib.add_logger_name, structlog.processors.TimeStamper(fmt="iso", utc=True)],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, *renderers]))
    logging.basicConfig(handlers=[handler], level=level.upper(), force=True)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)


def access_line(**fields: Any) -> None:
    """One line per request. In JSON it is written directly (about a tenth of the cost of the structlog chain,
    measured on the gateway's hot path) with the same keys structlog would write."""
    if not _access["enabled"]:
        return
    stream: TextIO = _access["stream"]
    timestamp = datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")
    if not _access["json"]:
        pairs = " ".join(f"{key}={escape_controls(value) if isinstance(value, str) else value}"
                         for key, value in fields.items())
        stream.write(f"{timestamp} [info     ] request  {pairs} service={_access['service']}\n")
        return
    fields.update(event="request", level="info", service=_access["service"], timestamp=timestamp)
    stream.write(orjson.dumps(fields).decode() + "\n")
