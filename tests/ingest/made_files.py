"""Office documents and scans made at test time (no binary test files in the project)."""

from __future__ import annotations

import io
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
