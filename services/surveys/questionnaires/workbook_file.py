"""An uploaded .xlsx read defensively, before and while openpyxl parses it: the file is a zip archive whose members
unpack to XML, and a small upload can unpack to gigabytes, declare a sheet of a million rows, or carry a DTD whose
entities expand without end.

* The archive: its central directory is read first; each member's declared size, their total and their number are
  bounded before anything is unpacked (413 past a size, naming the member). Every member is then unpacked as a
  bounded stream, so one that unpacks to more than it declares is refused too.
* The XML: a member with a DTD or an entity declaration (`<!DOCTYPE`, `<!ENTITY`) is refused, and so is one in
  another encoding than UTF-8 (where those words could hide); Excel writes neither.
* The sheets: their declared dimensions are ignored; rows are read as they come, at most `rows` of them and
  `columns` cells of each; a cell or XML error is 422 naming the sheet and row.

Reading the whole workbook still runs in a child process with memory and time limits (workbook.py), which
catches whatever these rules do not foresee."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook

from shared.problems import BodyTooLarge, FieldError, InvalidInput

MIB = 1024 * 1024
_CHUNK = 64 * 1024
# A DTD or an entity declaration, in the encodings an XML parser detects on its own (UTF-8, UTF-16 either way).
_DECLARATIONS = tuple(word.encode(encoding) for word in ("<!doctype", "<!entity")
                      for encoding in ("ascii", "utf-16-le", "utf-16-be"))
_OVERLAP = max(map(len, _DECLARATIONS)) - 1
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_XML_NAMES = (".xml", ".rels", ".vml")
_WIDE_STARTS = (b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00", b"\x4c\x6f\xa7\x94")  # UTF-16, EBCDIC


@dataclass(frozen=True)
class WorkbookLimits:
    member_bytes: int = 16 * MIB  # one member unpacked: a sheet, the shared strings
    total_bytes: int = 48 * MIB  # all members unpacked
    members: int = 256
    rows: int = 2000  # data rows of a sheet, below its header
    columns: int = 64  # cells read of each row; a sheet's later columns are ignored


def _too_large(where: str, rule: str, message: str, limit: int) -> BodyTooLarge:
    return BodyTooLarge(message, errors=[FieldError(where, rule, message)], max_bytes=limit)


def _refused(where: str, rule: str, message: str) -> InvalidInput:
    return InvalidInput.field(where, rule, message)


def _not_a_workbook(reason: str) -> InvalidInput:
    return _refused("body", "xlsx_workbook", f"The body is not an Excel workbook (.xlsx): {reason}.")


def check_archive(body: bytes, limits: WorkbookLimits) -> None:
    """The archive's members within their bounds and free of DTDs, unpacked once as bounded streams."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise _not_a_workbook("it is not a zip archive") from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.members:
            raise _refused("body", "archive_members", f"The workbook holds {len(members)} files; a workbook holds "
                                                      f"at most {limits.members}.")
        for member in members:
            if member.file_size > limits.member_bytes:
                raise _too_large(f"body.{member.filename}", "unpacked_size", f"{member.filename} unpacks to "
                                 f"{member.file_size:,} bytes; a part of a workbook may hold at most "
                                 f"{limits.member_bytes:,}.", limits.member_bytes)
        declared = sum(m.file_size for m in members)
        if declared > limits.total_bytes:
            raise _too_large("body", "unpacked_total", f"The workbook unpacks to {declared:,} bytes; at most "
                             f"{limits.total_bytes:,} are read.", limits.total_bytes)
        for member in members:
            if member.flag_bits & 0x1:
                raise _refused(f"body.{member.filename}", "encrypted", f"{member.filename} is encrypted; save the "
                               "workbook without a password.")
            _check_member(archive, member, limits)


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: WorkbookLimits) -> None:
    where = f"body.{member.filename}"
    unpacked, tail = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                if unpacked == 0:
                    _check_encoding(where, member.filename, chunk)
                unpacked += len(chunk)
                if unpacked > member.file_size or unpacked > limits.member_bytes:
                    raise _too_large(where, "unpacked_size", f"{member.filename} unpacks to more than the "
                                     f"{member.file_size:,} bytes it declares.", limits.member_bytes)
                window = (tail + chunk).lower()
                for declaration in _DECLARATIONS:
                    if declaration in window:
                        raise _refused(where, "xml_declarations", f"{member.filename} declares a DTD or entities "
                                       "(<!DOCTYPE or <!ENTITY); a workbook's XML has none.")
                tail = window[-_OVERLAP:]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as broken:
        raise _refused(where, "archive_member", f"{member.filename} cannot be unpacked: {broken}.") from None


def _check_encoding(where: str, name: str, start: bytes) -> None:
    declared = _ENCODING.match(start.removeprefix(b"\xef\xbb\xbf"))
    wide = name.lower().endswith(_XML_NAMES) and start.startswith(_WIDE_STARTS)
    if wide or (declared and declared[1].lower() not in (b"utf-8", b"utf8")):
        raise _refused(where, "xml_encoding", f"{name} is not UTF-8 XML; Excel writes a workbook's XML in UTF-8.")


def open_workbook(body: bytes, limits: WorkbookLimits) -> dict[str, Any]:
    """The workbook's sheets by their lower-cased names, after `check_archive`."""
    check_archive(body, limits)
    try:
        workbook = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    except ParseError as malformed:
        raise _refused("body", "xml_wellformed", f"The workbook's XML is malformed: {malformed}.") from None
    except Exception as broken:  # openpyxl raises many kinds for a file that is not a workbook
        raise _not_a_workbook(str(broken)[:200] or type(broken).__name__) from None
    return {name.strip().lower(): workbook[name] for name in workbook.sheetnames}


def sheet_values(name: str, sheet: Any, limits: WorkbookLimits) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The sheet's rows as they come (its declared dimension ignored), numbered from 1, each at most
    `limits.columns` values; the header and `limits.rows` data rows, and one row more when the sheet has more, so
    the reader can say so. A cell or the XML that cannot be read is 422 naming the sheet and row."""
    sheet.reset_dimensions()
    rows = sheet.iter_rows(max_row=limits.rows + 2, max_col=limits.columns, values_only=True)
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except ParseError as malformed:
            raise _refused(f"{name} row {number + 1}", "xml_wellformed",
                           f"The {name} sheet's XML is malformed after row {number}: {malformed}.") from None
        except (ValueError, TypeError, IndexError, KeyError, OverflowError) as unreadable:
            raise _refused(f"{name} row {number + 1}", "cell_value", f"A cell of the {name} sheet near row "
                           f"{number + 1} cannot be read: {str(unreadable)[:200]}.") from None
        number += 1
        yield number, values
