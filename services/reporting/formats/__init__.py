"""STAND-IN for the report's renderers (CSV, XLSX, HTML, PDF) and its published JSON Schema, with the names and
signatures the service calls. Replaced by the real package when the two are merged; nothing here is the
renderers' rules."""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from openpyxl import Workbook

ANNUAL_REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "annual-report-v1.json",
    "title": "Årsrapport (annual-report/v1)",
    "type": "object",
    "required": ["schema", "year", "as_of", "version", "generated_at", "content_hash", "empty", "notes",
                 "sources", "figures", "tables"],
}


def _table(document: dict, name: str) -> dict:
    return next(t for t in document["tables"] if t["name"] == name)


def csv_table(document: dict, table: str) -> bytes:
    chosen = _table(document, table)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c["title"] for c in chosen["columns"]])
    for row in chosen["rows"]:
        writer.writerow(["" if row.get(c["name"]) is None else row[c["name"]] for c in chosen["columns"]])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def workbook(document: dict) -> bytes:
    book = Workbook()
    book.active.title = "Sammanfattning"
    for n, chosen in enumerate(document["tables"]):
        sheet = book.create_sheet(f"{n + 1} {chosen['name']}"[:31])
        sheet.append([c["title"] for c in chosen["columns"]])
        for row in chosen["rows"]:
            sheet.append([row.get(c["name"]) for c in chosen["columns"]])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def html_page(document: dict) -> str:
    parts = [f"<!doctype html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Årsrapport "
             f"{document['year']}</title></head><body><h1>Årsrapport {document['year']}</h1>"]
    parts += [f"<p>{html.escape(figure['text'])}</p>" for figure in document["figures"]]
    parts += [f"<h2>{html.escape(t['title'])}</h2>" for t in document["tables"]]
    return "".join(parts) + "</body></html>"


def pdf_document(document: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=html_page(document)).write_pdf()
