"""Reading an import file: Excel (.xlsx, openpyxl in read-only mode) or CSV (UTF-8, with or
without Excel's BOM, or GB18030). Whatever is wrong with the file as a whole — its size,
its type, its encoding, its columns — is an ``ImportFileError`` whose message says, in the
platform's language, what to do; nothing is recorded for such a file."""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .columns import HEADERS, normalize_header

XLSX_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and .doc)
# A workbook is a zip: refuse one that unpacks to far more than any export of licences
# (a "zip bomb" would exhaust the worker's memory in openpyxl).
UNPACKED_MAX_BYTES = 400 * 1024 * 1024
XLSX, CSV = "xlsx", "csv"


class ImportFileError(Exception):
    """The file cannot be imported; the message says why in the platform's language."""


@dataclass
class Table:
    """A file's first row (normalized) and an iterator over the rest: (row number as the
    spreadsheet shows it, cell values in the file's column order)."""

    headers: list[str]
    rows: Iterator[tuple[int, tuple[Any, ...]]]


def max_bytes() -> int:
    return settings.LICENCE_IMPORT_MAX_BYTES


def file_too_large_message() -> str:
    return _("The file is larger than %(limit)s: split it and import the parts one by one.") % {
        "limit": filesizeformat(max_bytes())
    }


def file_kind(*, name: str, size: int | None, head: bytes) -> str:
    """XLSX or CSV from the name, once the size and the leading bytes agree with it."""
    suffix = PurePath(name or "").suffix.lower()
    if size is not None and size > max_bytes():
        raise ImportFileError(file_too_large_message())
    if suffix == ".xls" or (suffix == ".xlsx" and head.startswith(OLE_SIGNATURE)):
        raise ImportFileError(
            _(
                "This is an Excel 97–2003 workbook (.xls): open it in Excel and save it as "
                "an Excel workbook (.xlsx) or as CSV."
            )
        )
    if suffix not in (".xlsx", ".csv"):
        raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file."))
    if not size or not head:
        raise ImportFileError(_("The file is empty."))
    if suffix == ".xlsx" and not head.startswith(XLSX_SIGNATURE):
        raise ImportFileError(_not_a_workbook())
    if suffix == ".csv" and (head.startswith(XLSX_SIGNATURE) or head.startswith(OLE_SIGNATURE)):
        raise ImportFileError(
            _("The file is an Excel workbook, not CSV: name it .xlsx, or save it as CSV.")
        )
    return XLSX if suffix == ".xlsx" else CSV


def _not_a_workbook() -> str:
    return _(
        "The file is not an Excel workbook although its name ends in .xlsx (perhaps another "
        "kind of file was renamed): open it in Excel and save it as an Excel workbook (.xlsx)."
    )


def open_table(stream: IO[bytes], kind: str) -> Table:
    """The table of an uploaded or stored file; ImportFileError when it cannot be read."""
    stream.seek(0)
    table = _xlsx_table(stream) if kind == XLSX else _csv_table(stream.read())
    if not any(table.headers):
        raise ImportFileError(_("The first row of the file must hold the template's headers."))
    return table


def _xlsx_table(stream: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFileError(_not_a_workbook()) from exc
    if "xl/workbook.xml" not in names:
        raise ImportFileError(_not_a_workbook())
    if unpacked > UNPACKED_MAX_BYTES:
        raise ImportFileError(
            _("The workbook holds far more data than an export of licences; it is not read.")
        )
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Some exporters write a wrong sheet size: read what is there, not what they say.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, ())
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise ImportFileError(_not_a_workbook()) from exc

    def data_rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        try:
            yield from enumerate(rows, start=2)
        except Exception as exc:
            raise ImportFileError(_not_a_workbook()) from exc
        finally:
            workbook.close()

    return Table(headers=[normalize_header(value) for value in first], rows=data_rows())


def decode_csv(raw: bytes) -> str:
    """UTF-8 (Excel's BOM or not) first, then GB18030, which Excel on Chinese Windows saves
    (GBK is its subset)."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(_csv_encoding_message())
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise ImportFileError(_csv_encoding_message())


def _csv_encoding_message() -> str:
    return _(
        "The CSV file's encoding is not recognised: save it as “CSV UTF-8” (or in the "
        "GB18030/GBK encoding) and upload it again."
    )


def _csv_table(raw: bytes) -> Table:
    text = decode_csv(raw)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        first = next(reader, [])
    except csv.Error as exc:
        raise ImportFileError(
            _("The CSV file cannot be read: %(reason)s") % {"reason": exc}
        ) from exc

    def data_rows() -> Iterator[tuple[int, tuple[Any, ...]]]:
        while True:
            # The row's number as a spreadsheet shows it: the line it starts on.
            number = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ImportFileError(
                    _("Row %(row)d of the CSV file cannot be read: %(reason)s")
                    % {"row": number, "reason": exc}
                ) from exc
            yield number, tuple(values)

    return Table(headers=[normalize_header(value) for value in first], rows=data_rows())


def column_positions(headers: list[str]) -> dict[str, int]:
    """Each template header's position in the file; ImportFileError listing every missing,
    unknown or repeated column when the headers are not exactly the template's."""
    present = [header for header in headers if header]
    # Trailing empty header cells are no column; an empty one between columns is.
    while headers and not headers[-1]:
        headers = headers[:-1]
    missing = [header for header in HEADERS if header not in present]
    unknown = [header for header in present if header not in HEADERS]
    repeated = sorted({header for header in present if present.count(header) > 1})
    blank = sum(1 for header in headers if not header)
    if missing or unknown or repeated or blank:
        parts = []
        if missing:
            parts.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        if unknown:
            parts.append(
                _("Columns not in the template: %(columns)s.") % {"columns": "、".join(unknown)}
            )
        if repeated:
            parts.append(_("Repeated columns: %(columns)s.") % {"columns": "、".join(repeated)})
        if blank:
            parts.append(_("Columns without a header: %(count)d.") % {"count": blank})
        raise ImportFileError(
            " ".join(
                [
                    _("The columns of the file are not those of the template."),
                    *parts,
                    _("Download the template and keep its first row as it is."),
                ]
            )
        )
    return {header: headers.index(header) for header in HEADERS}
