"""Office documents and scans made at test time (no binary test files in the project)."""

from __future__ import annotations

import io
import struct
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian fonts-dejavu-core


def scanned_page(lines: list[str], *, width: int = 2480) -> Image.Image:
    """A page "scanned" at 300 dpi: black text on white, no text layer; as tall as its text needs
    (an A4 page of white costs Tesseract time without testing anything more)."""
    font = ImageFont.truetype(str(FONT), 44)
    image = Image.new("L", (width, 520 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    y = 260
    for line in lines:
        draw.text((230, y), line, fill=0, font=font)
        y += 70
    return image.convert("RGB")


def image_pdf(path: Path, pages: list[list[str]]) -> Path:
    """An image-only PDF: every page a scan."""
    images = [scanned_page(lines) for lines in pages]
    images[0].save(path, format="PDF", save_all=True, append_images=images[1:], resolution=300)
    return path


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def text_pdf_bytes(lines: list[str], table: list[list[str]] | None = None) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, WinAnsi for the umlauts), written by hand;
    `table` is drawn below the lines as a ruled grid, one cell per string."""
    body = ["BT /F1 12 Tf 72 760 Td 16 TL"]
    body += [f"{_pdf_string(line)} Tj T*" for line in lines]
    body.append("ET")
    if table:
        top, row_height, col_width = 740 - 16 * len(lines), 22, 112
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                x, y = 72 + c * col_width, top - (r + 1) * row_height
                body.append(f"{x} {y} {col_width} {row_height} re S")
                body.append(f"BT /F1 8 Tf {x + 3} {y + 7} Td {_pdf_string(cell)} Tj ET")
    stream = "\n".join(body).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + content + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def mixed_pdf(path: Path, pages: list[tuple[str, list[str]]]) -> Path:
    """Pages in order, each ("text", lines) with a text layer or ("scan", lines) as an image."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for kind, lines in pages:
        if kind == "text":
            data = text_pdf_bytes(lines)
        else:
            buffer = io.BytesIO()
            scanned_page(lines).save(buffer, format="PDF", resolution=300)
            data = buffer.getvalue()
        writer.add_page(PdfReader(io.BytesIO(data)).pages[0])
    with path.open("wb") as handle:
        writer.write(handle)
    return path


PFLEGEGELD = [
    ["Alter des Kindes", "Materielle Aufwendungen", "Erziehungsbeitrag", "Pflegegeld gesamt"],
    ["0 bis unter 6 Jahre", "687 Euro", "338 Euro", "1.025 Euro"],
    ["6 bis unter 12 Jahre", "770 Euro", "338 Euro", "1.108 Euro"],
    ["12 bis unter 18 Jahre", "834 Euro", "338 Euro", "1.172 Euro"],
]

_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.3"'
)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _odf_table(rows: list[list[str]], name: str = "Tabelle1") -> str:
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{_xml(c)}</text:p></table:table-cell>'
            for c in row
        )
        + "</table:table-row>"
        for row in rows
    )
    return f'<table:table table:name="{name}">{cells}</table:table>'


def _odf_zip(path: Path, mimetype: str, body: str) -> Path:
    import zipfile

    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODF_NS}>'
        f"<office:body>{body}</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # stored first, uncompressed
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def odt(
    path: Path, title: str, sections: list[tuple[str, list[str]]], table: list[list[str]] | None = None
) -> Path:
    """An ODT with a title (level 1), sections (level 2 headings with paragraphs) and a table at the end."""
    body = f'<text:h text:outline-level="1">{_xml(title)}</text:h>'
    for heading, paragraphs in sections:
        body += f'<text:h text:outline-level="2">{_xml(heading)}</text:h>'
        body += "".join(f"<text:p>{_xml(p)}</text:p>" for p in paragraphs)
    if table:
        body += _odf_table(table)
    return _odf_zip(path, "application/vnd.oasis.opendocument.text", f"<office:text>{body}</office:text>")


def ods(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    body = "".join(_odf_table(rows, name) for name, rows in sheets.items())
    return _odf_zip(
        path,
        "application/vnd.oasis.opendocument.spreadsheet",
        f"<office:spreadsheet>{body}</office:spreadsheet>",
    )


def docx_file(
    path: Path, title: str, sections: list[tuple[str, list[str]]], table: list[list[str]] | None = None
) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for heading, paragraphs in sections:
        document.add_heading(heading, level=2)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.save(str(path))
    return path


def xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def _rtf_escape(text: str) -> str:
    return "".join(c if ord(c) < 128 else f"\\'{c.encode('cp1252')[0]:02x}" for c in text)


def rtf(path: Path, title: str, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    parts = [r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Arial;}}", rf"{{\b {_rtf_escape(title)}\b0}}\par"]
    parts += [_rtf_escape(p) + r"\par" for p in paragraphs]
    for row in table or []:
        parts.append(r"\trowd" + "".join(rf"\cellx{2000 * (i + 1)}" for i in range(len(row))))
        parts.append("".join(rf"\intbl {_rtf_escape(cell)}\cell" for cell in row) + r"\row")
    parts.append("}")
    path.write_text("\n".join(parts), encoding="ascii")
    return path


def eml(path: Path, subject: str, body: str, attachments: dict[str, bytes]) -> Path:
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = "Jugendamt Musterkreis <jugendamt@example.org>"
    message["To"] = "asd@example.org"
    message["Date"] = "Tue, 14 Apr 2026 09:30:00 +0200"
    message.set_content(body)
    for name, data in attachments.items():
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    path.write_bytes(message.as_bytes())
    return path


# Legacy Word (.doc), written by hand: no library writes the format, and LibreOffice is too big for CI.
ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\0" * (size - len(data))


def word97(paragraphs: list[str]) -> bytes:
    """A Word 97–2003 .doc: a compound file with the WordDocument and 1Table streams, the text as one
    8-bit piece, an empty style sheet and one font (what antiword needs to read it)."""
    text = ("\r".join(paragraphs) + "\r").encode("cp1252")
    fc_min = 0x400
    fib = bytearray(fc_min)
    struct.pack_into("<HHHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0407, 0)
    struct.pack_into("<H", fib, 0x0A, 0x0200 | 0x1000)  # fWhichTblStm (1Table), fExtChar
    struct.pack_into("<H", fib, 0x0C, 0x00BF)
    struct.pack_into("<II", fib, 0x18, fc_min, fc_min + len(text))
    struct.pack_into("<H", fib, 0x20, 14)
    struct.pack_into("<H", fib, 0x3E, 22)
    word_len = max(4096, fc_min + len(text))
    struct.pack_into("<I", fib, 0x40, word_len)  # cbMac
    struct.pack_into("<I", fib, 0x4C, len(text))  # ccpText
    struct.pack_into("<H", fib, 0x98, 93)
    clx = (
        b"\x02"
        + struct.pack("<I", 16)
        + struct.pack("<II", 0, len(text))
        + struct.pack("<HIH", 0, (fc_min * 2) | 0x40000000, 0)
    )
    stsh = struct.pack("<H", 18) + struct.pack("<HHHHHH", 0, 10, 1, 15, 15, 0) + struct.pack("<HHH", 0, 0, 0)
    ffn_name = "Arial".encode("utf-16-le") + b"\0\0"
    ffn = (
        bytes([39 + len(ffn_name) - 1])
        + bytes([0x22])
        + struct.pack("<h", 400)
        + bytes([0, 0])
        + bytes(10)
        + bytes(16)
        + bytes([0])
        + ffn_name
    )
    fonts = struct.pack("<HH", 1, 0) + ffn
    table_data = clx
    offsets = {}
    for key, blob in (("stsh", stsh), ("fonts", fonts)):
        offsets[key] = len(table_data)
        table_data += blob
    struct.pack_into("<II", fib, 0x1A2, 0, len(clx))  # fcClx, lcbClx
    struct.pack_into("<II", fib, 0xA2, offsets["stsh"], len(stsh))  # fcStshf
    struct.pack_into("<II", fib, 0x112, offsets["fonts"], len(fonts))  # fcSttbfffn
    word = _pad(bytes(fib) + text, word_len)
    table = _pad(table_data, 4096)
    return compound({"WordDocument": word, "1Table": table})


def compound(streams: dict[str, bytes]) -> bytes:
    """An OLE2 compound file (512-byte sectors, one FAT sector, streams of at least 4096 bytes so that
    no mini stream is needed)."""
    sectors = []  # data sectors after FAT (0) and directory (1)
    starts = {}
    chains = []
    nxt = 2
    for name, data in streams.items():
        count = (len(data) + 511) // 512
        starts[name] = nxt
        chains.append((nxt, count))
        sectors.append(_pad(data, count * 512))
        nxt += count
    assert nxt <= 128
    fat = [FREESECT] * 128
    fat[0], fat[1] = FATSECT, ENDOFCHAIN
    for start, count in chains:
        for i in range(count):
            fat[start + i] = start + i + 1 if i + 1 < count else ENDOFCHAIN
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    difat = [0] + [FREESECT] * 108
    struct.pack_into("<109I", header, 76, *difat)

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:  # noqa: PLR0917
        raw = name.encode("utf-16-le") + b"\0\0"
        e = bytearray(128)
        e[0 : len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw) if name else 0, kind, 1)
        struct.pack_into("<III", e, 68, left, right, child)
        struct.pack_into("<II", e, 116, start, size)
        return bytes(e)

    directory = entry("Root Entry", 5, NOSTREAM, NOSTREAM, 1, ENDOFCHAIN, 0)
    # WordDocument (1) with 1Table (2) as its left sibling: shorter names sort first.
    directory += entry(
        "WordDocument", 2, 2, NOSTREAM, NOSTREAM, starts["WordDocument"], len(streams["WordDocument"])
    )
    directory += entry("1Table", 2, NOSTREAM, NOSTREAM, NOSTREAM, starts["1Table"], len(streams["1Table"]))
    directory += entry("", 0, NOSTREAM, NOSTREAM, NOSTREAM, 0, 0)
    return bytes(header) + struct.pack("<128I", *fat) + directory + b"".join(sectors)
