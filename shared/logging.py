"""structlog configuration: JSON lines in production and tests, readable console output in development.

The request id is bound with structlog's contextvars, so every line logged while a request is handled carries it.
"""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(*, service: str, log_format: str = "console", level: str = "INFO",
                      log_file: str | None = None) -> None:
    stream = open(log_file, "a", buffering=1, encoding="utf-8") if log_file else sys.stdout
    renderer: structlog.types.Processor
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)
    # Libraries that use the standard logging module (uvicorn, alembic) go to the same stream.
    logging.basicConfig(stream=stream, level=level.upper(), format="%(levelname)s %(name)s %(message)s",
                        force=True)


def get_logger(name: str | None = None) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
