"""How a report version is answered: its summary with links to the document and its files (public paths), and
what the audit trail keeps of it."""

from __future__ import annotations

from typing import Any

from services.reporting.composition.document import TABLES
from services.reporting.reports.models import ReportVersion
from services.reporting.reports.schemas import ReportLinks, ReportVersionOut


def version_path(year: int, version: int) -> str:
    return f"/reports/{year}/versions/{version}"


def links_of(prefix: str, year: int, version: int) -> ReportLinks:
    """`prefix`: the service's public prefix (/reporting behind the gateway)."""
    base = prefix + version_path(year, version)
    return ReportLinks(json=base, xlsx=f"{base}.xlsx", html=f"{base}.html", pdf=f"{base}.pdf",
                       csv={table: f"{base}/tables/{table}.csv" for table in TABLES})


def version_out(record: ReportVersion, prefix: str) -> ReportVersionOut:
    return ReportVersionOut(year=record.year, version=record.version, as_of=record.as_of,
                            generated_at=record.generated_at, generated_by=record.generated_by,
                            content_hash=record.content_hash, empty=record.empty,
                            links=links_of(prefix, record.year, record.version))


def version_snapshot(record: ReportVersion) -> dict[str, Any]:
    return {"year": record.year, "version": record.version, "as_of": record.as_of.isoformat(),
            "content_hash": record.content_hash, "empty": record.empty}


def version_entity(year: int, version: int) -> str:
    """A version as the audit trail names it."""
    return f"{year}-v{version}"
