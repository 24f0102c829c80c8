"""E-mails (.eml): subject, sender and date, the text, and the attachments as documents of their own.

The standard library's `email` parser reads the message; an HTML-only mail goes through the HTML
loader's block extraction. Attachments of a supported type are handed on as `Attachment`s, which
`ingest.parse` reads in the same worker child, under the same limits, as files of their own.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage, MIMEPart
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath

from ingest.limits import IngestLimits, LoadError
from ingest.loaded import Attachment, LoadedFile

_MAX_ATTACHMENTS = 50


def load_eml(path: Path, limits: IngestLimits) -> LoadedFile:
    from ingest.loaders import SUPPORTED_SUFFIXES, html_blocks

    raw = path.read_bytes()
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; this is a file that is no mail at all
        raise LoadError("E-Mail ist beschädigt und kann nicht gelesen werden") from exc
    assert isinstance(message, EmailMessage)
    if not (message["subject"] or message["from"]):
        raise LoadError("Datei ist keine E-Mail (Betreff und Absender fehlen)")
    subject = " ".join(str(message["subject"] or "").split()) or path.stem
    head = [f"# {subject}"]
    sender = _sender(message)
    if sender:
        head.append(f"Von: {sender}")
    date = _date(str(message["date"] or ""))
    if date:
        head.append(f"Datum: {date}")
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        content = _content(body)
        text = "\n\n".join(html_blocks(content)[1]) if body.get_content_subtype() == "html" else content
    attachments: list[Attachment] = []
    for part in message.iter_attachments():
        name = PurePosixPath(str(part.get_filename() or "")).name
        if not name or PurePosixPath(name).suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes) and data:
            attachments.append(Attachment(name=name, data=data))
        if len(attachments) > _MAX_ATTACHMENTS:
            raise LoadError(f"E-Mail hat mehr als {_MAX_ATTACHMENTS} Anhänge")
    names = ", ".join(a.name for a in attachments)
    parts = ["\n\n".join(head), text.strip()]
    if names:
        parts.append(f"Anhänge: {names}")
    full = "\n\n".join(p for p in parts if p)
    limits.check_text(full)
    return LoadedFile(
        text=full, format="eml", front_matter={"title": subject}, attachments=tuple(attachments)
    )


def _content(part: MIMEPart) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, ValueError):  # an unknown or wrong charset
        payload = part.get_payload(decode=True)
        return payload.decode("cp1252", "replace") if isinstance(payload, bytes) else ""


def _date(value: str) -> str | None:
    try:
        return parsedate_to_datetime(value).strftime("%d.%m.%Y") if value else None
    except (TypeError, ValueError):
        return None


def _sender(message: EmailMessage) -> str:
    """The sender's name (an office, usually); the address only when there is no name."""
    header = message["from"]
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    if not addresses:
        return str(header or "").strip()
    return addresses[0].display_name or addresses[0].addr_spec
