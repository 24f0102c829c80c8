"""Hostile and broken files, made at run time (tests, `python -m evals.bench_ingest`): zip bombs, a 2,000-page
PDF, 25 MB of text, random bytes. Nothing here is checked in as a file."""

from __future__ import annotations

import random
import struct
import zlib
from pathlib import Path

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument'
    b'.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOCUMENT_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_PARAGRAPH = (
    b"<w:p><w:r><w:t>"
    + "Der Schutzauftrag des Jugendamtes gilt für alle Kinder und Jugendlichen im Kreis. ".encode() * 10
    + b"</w:t></w:r></w:p>"
)


def docx_bomb(
    path: Path, unpacked_bytes: int, *, declared_bytes: int | None = None, with_crc: bool = False
) -> Path:
    """A DOCX whose word/document.xml inflates to `unpacked_bytes` of valid-looking paragraphs.

    Built from deflate segments that each end in a full flush (so one compressed segment can be repeated),
    which makes a 2.5 GB bomb in milliseconds. `declared_bytes` lets the headers lie about the size.
    Without `with_crc` the checksum is 0: a bomb must be rejected before it is decompressed to the end.
    """
    segment = _PARAGRAPH * (1_000_000 // len(_PARAGRAPH))
    repeats = max(1, unpacked_bytes // len(segment))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(_DOCUMENT_HEAD) + compressor.flush(zlib.Z_FULL_FLUSH)
    body = compressor.compress(segment) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(b"</w:body></w:document>") + compressor.flush(zlib.Z_FINISH)
    size = len(_DOCUMENT_HEAD) + repeats * len(segment) + len(b"</w:body></w:document>")
    crc = 0
    if with_crc:
        crc = zlib.crc32(_DOCUMENT_HEAD)
        for _ in range(repeats):
            crc = zlib.crc32(segment, crc)
        crc = zlib.crc32(b"</w:body></w:document>", crc)
    members = [
        _member("[Content_Types].xml", _CONTENT_TYPES),
        _member("_rels/.rels", _RELS),
        ("word/document.xml", head + body * repeats + tail, declared_bytes or size, crc),
    ]
    _write_zip(path, members)
    return path


def _member(name: str, data: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data)


def _write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> None:
    """A plain (non-zip64) deflate archive written by hand, so compressed data can be supplied as is."""
    local, central = bytearray(), bytearray()
    for name, compressed, size, crc in members:
        encoded = name.encode()
        offset = len(local)
        fields = struct.pack("<HHHHHIII", 20, 0, 8, 0, 0x21, crc, len(compressed), size)
        local += b"PK\x03\x04" + fields + struct.pack("<HH", len(encoded), 0) + encoded + compressed
        central += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, offset)
            + encoded
        )
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))


def simple_docx(path: Path, paragraphs: list[str], heading: str) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(heading, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def long_pdf(path: Path, pages: int) -> Path:
    """A PDF with `pages` pages, each with a line of German text in Helvetica."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    resources = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    for number in range(1, pages + 1):
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        stream.set_data(
            f"BT /F1 12 Tf 72 760 Td (Seite {number}: Der Schutzauftrag des Jugendamtes gilt.) Tj ET".encode()
        )
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = resources
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def big_text(path: Path, corpus: Path, megabytes: float) -> Path:
    """German prose (the corpus laws without their headings, numbered), `megabytes` long."""
    source = "\n\n".join(p.read_text("utf-8") for p in sorted((corpus / "laws").rglob("*.md"))).replace(
        "#", ""
    )
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    number = 0
    while size < target:
        block = f"Teil {number}.\n\n{source}"
        parts.append(block)
        size += len(block)
        number += 1
    path.write_text("".join(parts)[:target], encoding="utf-8")
    return path


# Bytes Windows-1252 leaves undefined: random data without them decodes as cp1252 "text".
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def random_cp1252(path: Path, size: int, *, printable: bool, seed: int = 14) -> Path:
    rng = random.Random(seed)
    allowed = [
        b for b in range(256) if b not in _CP1252_UNDEFINED and (not printable or (b >= 0x20 and b != 0x7F))
    ]
    data = bytes(rng.choice(allowed) for _ in range(size))
    data.decode("cp1252")  # the premise of the test: it does decode
    path.write_bytes(data)
    return path
