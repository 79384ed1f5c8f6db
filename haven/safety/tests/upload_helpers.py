"""Images for the upload and report tests, made with Pillow or by hand."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from haven.conftest import ApiClient


def image_bytes(fmt: str = "PNG", size=(64, 48), *, noisy: bool = False, **save) -> bytes:
    """An image in `fmt`; `noisy` makes it incompressible (so truncating it really cuts pixels)."""
    image = Image.new("RGB", size, (200, 30, 60))
    if noisy:
        rng = random.Random(7)
        image.putdata(
            [tuple(rng.randrange(256) for _ in range(3)) for _ in range(size[0] * size[1])]
        )
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Comment", "taken at 1 Secret Street")
    return image_bytes("PNG", pnginfo=info)


GPS_LATITUDE = 2  # GPSLatitude in the GPS IFD


def camera_exif(orientation: int = 1) -> Image.Exif:
    """EXIF naming a camera, a GPS position and an orientation (6 = rotate 90°)."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = orientation
    exif[0x8825] = {1: "N", GPS_LATITUDE: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    return exif


def jpeg_with_gps(size=(80, 40), orientation: int = 6) -> bytes:
    image = Image.new("RGB", size, (10, 120, 200))
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=camera_exif(orientation))
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a canvas of width×height but carries almost no data: what a
    decompression bomb looks like before anyone decodes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def post_upload(client: ApiClient, data: bytes, name: str = "screenshot.png"):
    return client.client.post("/api/v1/uploads", {"file": named(data, name)}, **client.headers)
