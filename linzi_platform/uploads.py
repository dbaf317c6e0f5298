"""Uploaded evidence and opinions: size- and type-checked, stored under MEDIA_ROOT (outside
the web root) and served only through views that check the department first."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
TEXT_SNIFF_BYTES = 8192
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Extension → leading bytes the file must start with (None: no reliable signature).
ALLOWED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".ofd": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".txt": None,
}


def validate_upload(upload: UploadedFile) -> None:
    """Refuse files over 10 MB, of another type, or whose content does not match the name."""
    name = PurePath(upload.name or "").name
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        raise ValidationError(
            _("File type not allowed: upload PDF, OFD, image (JPG/PNG), Word, Excel or text."),
            code="file_type",
        )
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="file_size")
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    signatures = ALLOWED_TYPES[suffix]
    upload.seek(0)
    head = upload.read(16 if signatures else TEXT_SNIFF_BYTES)
    upload.seek(0)
    if signatures:
        matches = any(head.startswith(signature) for signature in signatures)
    else:
        # Text has no signature, but a NUL byte outside UTF-16 means a binary, e.g. an .exe
        # renamed .txt.
        matches = head.startswith(UTF16_BOMS) or b"\x00" not in head
    if not matches:
        raise ValidationError(
            _("The file's content does not match its type (%(suffix)s).") % {"suffix": suffix},
            code="file_content",
        )
