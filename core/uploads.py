"""Which uploaded files the portal keeps, decided by their content.

A file's name and the type the browser claims are chosen by whoever uploads it, so neither decides
anything here: the first bytes are read (the `filetype` package knows the signatures), and only the
kinds staff share with learners are accepted. Markup (HTML, SVG, XML), scripts and anything not
recognised are refused, so nothing a browser would run is ever stored. What is kept is later served
with the type found here, never one guessed from the name.
"""

import posixpath
import secrets
import zipfile
from dataclasses import dataclass

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Bytes read to recognise a file: more than filetype's own 8 KiB, so Office files whose first entries are large
# are still told apart without reading the whole file.
SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class AcceptedKind:
    content_type: str
    extension: str


# What staff share with learners: PDF, PowerPoint, Word, Excel, plain text, images, audio and video.
ACCEPTED: dict[str, AcceptedKind] = {
    mime: AcceptedKind(mime, extension)
    for mime, extension in (
        ("application/pdf", "pdf"),
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
        ("application/vnd.ms-powerpoint", "ppt"),
        ("application/vnd.oasis.opendocument.presentation", "odp"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("application/msword", "doc"),
        ("application/vnd.oasis.opendocument.text", "odt"),
        ("application/rtf", "rtf"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ("application/vnd.ms-excel", "xls"),
        ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
        ("text/plain", "txt"),
        ("image/jpeg", "jpg"),
        ("image/png", "png"),
        ("image/gif", "gif"),
        ("image/webp", "webp"),
        ("image/heic", "heic"),
        ("audio/mpeg", "mp3"),
        ("audio/mp4", "m4a"),
        ("audio/ogg", "ogg"),
        ("audio/x-wav", "wav"),
        ("audio/aac", "aac"),
        ("video/mp4", "mp4"),
        ("video/quicktime", "mov"),
        ("video/webm", "webm"),
        ("video/x-m4v", "m4v"),
    )
}

# Office Open XML files are zip archives; filetype tells them apart only when the telling entry comes early.
_OFFICE_ZIP_ENTRIES = {
    "word/document.xml": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ppt/presentation.xml": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Plain text is only text: never something a browser or an editor would treat as markup or a script.
_TEXT_EXTENSIONS = {"txt", "text", "csv"}
_MARKUP_STARTS = (b"<", b"{", b"#!")


def _refuse():
    raise ValidationError(
        _(
            "This kind of file cannot be shared with learners. Upload a PDF, PowerPoint, Word, Excel, plain text, "
            "image, audio or video file (web pages, SVG, XML and scripts are refused)."
        ),
        code="file_kind",
    )


def _office_from_zip(file) -> str | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    found = [mime for entry, mime in _OFFICE_ZIP_ENTRIES.items() if entry in names]
    return found[0] if len(found) == 1 else None


def _is_plain_text(head: bytes, name: str) -> bool:
    extension = posixpath.splitext(name.lower())[1].lstrip(".")
    if extension not in _TEXT_EXTENSIONS or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the end of the sniffed bytes is still text.
        if error.start < len(head) - 4:
            return False
        text = head[: error.start].decode("utf-8")
    stripped = text.lstrip("\ufeff \t\r\n").encode()
    return not stripped.startswith(_MARKUP_STARTS) and b"<script" not in stripped.lower()


def inspect_upload(file) -> AcceptedKind:
    """The accepted kind of an uploaded file, read from its content; ValidationError when it is not one."""
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    if isinstance(head, str):  # a file opened in text mode
        head = head.encode()
    if not head:
        _refuse()
    guessed = filetype.guess(head)
    mime = guessed.mime if guessed else None
    if mime == "application/zip":
        mime = _office_from_zip(file)
        file.seek(0)
    elif mime is None and _is_plain_text(head, getattr(file, "name", "") or ""):
        mime = "text/plain"
    if mime not in ACCEPTED:
        _refuse()
    return ACCEPTED[mime]


def validate_upload(file) -> None:
    """Field validator: refuses any file `inspect_upload` does not accept."""
    # A file already stored (an unchanged form field) was checked when it was uploaded.
    if file and not getattr(file, "_committed", False):
        inspect_upload(file)


def random_name(*, folder: str, extension: str) -> str:
    """A stored name nobody can guess or choose: the folder, 32 random characters and the accepted extension."""
    return f"{folder}/{secrets.token_urlsafe(24)}.{extension}"
