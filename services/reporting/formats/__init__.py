"""The annual report's formats: one document (`annual-report/v1`, ANNUAL_REPORT_SCHEMA) written as CSV (one file
per table), XLSX, a printable HTML page and its PDF, every value written by the rules in `numbers`."""

from services.reporting.formats.csv_format import CSV_MEDIA_TYPE, csv_table
from services.reporting.formats.document import (
    ANNUAL_REPORT_SCHEMA,
    UnknownTable,
    check_document,
    content_hash,
    table_named,
)
from services.reporting.formats.html_format import HTML_MEDIA_TYPE, html_page
from services.reporting.formats.pdf_format import PDF_MEDIA_TYPE, pdf_document
from services.reporting.formats.workbook_format import XLSX_MEDIA_TYPE, sheet_names, workbook

__all__ = [
    "ANNUAL_REPORT_SCHEMA", "CSV_MEDIA_TYPE", "HTML_MEDIA_TYPE", "PDF_MEDIA_TYPE", "XLSX_MEDIA_TYPE",
    "UnknownTable", "check_document", "content_hash", "csv_table", "html_page", "pdf_document", "sheet_names",
    "table_named", "workbook",
]
