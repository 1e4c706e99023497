"""A file sent to the platform: the request body itself, or the one form part `file` of a multipart/form-data
upload (as browsers and generated clients send files). The service's body limit (shared/middleware.py) has
refused an oversized body with 413 before this reads it."""

from __future__ import annotations

from collections.abc import Collection

from fastapi import Request
from starlette.datastructures import UploadFile

from shared.problems import InvalidInput, UnsupportedMediaType

MULTIPART_FORM = "multipart/form-data"
FILE_PART = "file"


def file_part_schema(description: str, **extra: object) -> dict[str, object]:
    """The OpenAPI schema of the multipart alternative: one binary part named `file`."""
    return {"schema": {"type": "object", "required": [FILE_PART], "additionalProperties": False,
                       "properties": {FILE_PART: {"type": "string", "format": "binary",
                                                  "description": description}}}, **extra}


async def uploaded_file(request: Request, *, what: str, media_types: Collection[str], named_type: str,
                        untyped_body: bool = False) -> bytes:
    """The file's bytes. `what` names it in messages ("the CSV file"); a body of another media type than
    `media_types` (or multipart) is 415 naming `named_type`; `untyped_body`: a body without a Content-Type is
    taken as the file too. A multipart upload without its `file` part is 422 naming body.file."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == MULTIPART_FORM:
        form = await request.form(max_files=1, max_fields=0)
        upload = form.get(FILE_PART)
        if not isinstance(upload, UploadFile):
            raise InvalidInput.field(f"body.{FILE_PART}", "missing",
                                     f"Send {what} as the form part named '{FILE_PART}'.")
        return await upload.read()
    if media_type not in media_types and not (untyped_body and not media_type):
        raise UnsupportedMediaType(f"Send {what} as the request body with Content-Type {named_type}, or as the "
                                   f"part '{FILE_PART}' of a multipart/form-data upload; not {media_type or 'none'}.")
    return await request.body()
