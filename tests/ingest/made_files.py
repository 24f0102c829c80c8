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


def text_pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF with a real text layer (Helvetica, WinAnsi for the umlauts), written by hand."""
    body = ["BT /F1 12 Tf 72 760 Td 16 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        body.append(f"({escaped}) Tj T*")
    body.append("ET")
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
