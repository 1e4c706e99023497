"""The dashboard's own static files (its stylesheet, its script, the vendored chart library), served under names
that carry their content's hash.

`dashboard.css` is linked as `static/dashboard.3f2a9c1b0d4e.css`: a changed file gets a new name, so every file
may be kept by browsers and proxies for a year (`Cache-Control: public, max-age=31536000, immutable`) and a page
never pairs with an outdated script. Each answer carries a strong ETag (the hash) and answers 304 to it. Files
are read once at start-up and kept in memory, compressed with gzip for callers that accept it. Nothing is loaded
from elsewhere: no request leaves the platform.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from shared.etag import none_match

YEAR_IN_SECONDS = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR_IN_SECONDS}, immutable"
COMPRESSIBLE = (".css", ".js", ".svg", ".txt")
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml",
         ".txt": "text/plain; charset=utf-8", ".png": "image/png", ".ico": "image/x-icon"}


@dataclass(frozen=True)
class Asset:
    name: str  # its path under the static directory: "dashboard.css", "vendor/echarts/echarts.common.min.js"
    hashed: str  # the name it is served under: "dashboard.3f2a9c1b0d4e.css"
    content: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


def _hashed_name(name: str, digest: str) -> str:
    path = Path(name)
    suffixes = "".join(path.suffixes)
    stem = path.name[: len(path.name) - len(suffixes)] if suffixes else path.name
    return str(path.with_name(f"{stem}.{digest[:12]}{suffixes}"))


class Assets:
    def __init__(self, directory: Path) -> None:
        self.by_name: dict[str, Asset] = {}
        self.by_hashed: dict[str, Asset] = {}
        for file in sorted(p for p in directory.rglob("*") if p.is_file()):
            name = file.relative_to(directory).as_posix()
            content = file.read_bytes()
            digest = hashlib.sha256(content).hexdigest()
            media_type = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            asset = Asset(name=name, hashed=_hashed_name(name, digest), content=content,
                          gzipped=gzip.compress(content, 9, mtime=0) if file.suffix in COMPRESSIBLE else None,
                          media_type=media_type, etag=f'"{digest[:32]}"')
            self.by_name[name] = asset
            self.by_hashed[asset.hashed] = asset

    def url(self, prefix: str, name: str) -> str:
        """The address a page names a file by: `/dashboard/static/dashboard.3f2a9c1b0d4e.css`."""
        return f"{prefix}/static/{self.by_name[name].hashed}"

    def answer(self, request: Request, hashed: str) -> Response | None:
        asset = self.by_hashed.get(hashed)
        if asset is None:
            return None
        compressed = asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", "").lower()
        # Each representation its own strong ETag (RFC 9110 8.8.3): the gzipped bytes are not the file's.
        etag = asset.etag[:-1] + '-gz"' if compressed else asset.etag
        headers = {"ETag": etag, "Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
        if none_match(request.headers.get("if-none-match"), etag):
            return Response(status_code=304, headers=headers)
        if compressed:
            return Response(asset.gzipped, media_type=asset.media_type,
                            headers={**headers, "Content-Encoding": "gzip"})
        return Response(asset.content, media_type=asset.media_type, headers=headers)
