"""The annual report as PDF: WeasyPrint's rendering of the very page `html_page` makes (A4, page numbers in the
margin as "Sida 1 av 9"), tagged for screen readers. The page needs nothing from outside, and the renderer is given
a fetcher that refuses every address, so making a PDF never makes a request.

WeasyPrint (and the system's Pango under it) is imported when a PDF is first made, so the rest of the service
starts and serves its other formats on a machine without Pango."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from services.reporting.formats.html_format import html_page

if TYPE_CHECKING:
    from weasyprint.document import Document

PDF_MEDIA_TYPE = "application/pdf"


def rendered(document: dict[str, Any]) -> Document:
    """The report laid out in pages (WeasyPrint's document: `.pages`, then `.write_pdf()`)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NoRequests(URLFetcher):  # type: ignore[misc]
        """Refuses every URL: the report's page holds all it shows."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"the report fetches nothing: {url}")

    return HTML(string=html_page(document), url_fetcher=NoRequests()).render(pdf_tags=True)


def pdf_document(document: dict[str, Any]) -> bytes:
    """The report as PDF bytes."""
    pdf: bytes = rendered(document).write_pdf(pdf_tags=True)
    return pdf
