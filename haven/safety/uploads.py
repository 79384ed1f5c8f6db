"""Screenshot uploads: checked by content, re-encoded, stripped, readable by few.

A member attaches screenshots to a report for what happened off Haven. The
file a browser sends is never stored or served as is: Pillow decides what it
is from its bytes (the name and the client's content type mean nothing),
decodes it, and writes a brand-new image of the same type with no metadata at
all (EXIF with GPS, XMP, ICC, comments, text chunks). Only the uploader and
staff can read it back, and it is served as a download, never as active
content from Haven's origin.
"""

from __future__ import annotations

import hashlib
import io
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from haven.core.errors import HavenError, Invalid, NotFound, NotSignedIn, Refused
from haven.core.ratelimit import limit
from haven.members.roles import role_of
from haven.safety.models import Upload

MAX_BYTES = 10 * 1024 * 1024

# Pillow format name -> (content type, extension, save options).
FORMATS: dict[str, tuple[str, str, dict]] = {
    "PNG": ("image/png", "png", {}),
    "JPEG": ("image/jpeg", "jpg", {"quality": 90}),
    "WEBP": ("image/webp", "webp", {"quality": 90}),
}
# Only to tell "a broken PNG/JPEG/WebP" (400) from "not one of ours" (415) when
# Pillow cannot open the bytes at all; the verdict on a good file is Pillow's.
SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")

WRONG_TYPE = "Upload a PNG, JPEG or WebP image."
BROKEN = "This image is damaged or incomplete; try saving it again."


class TooLarge(HavenError):
    status = 413
    code = "too_large"


class UnsupportedType(HavenError):
    status = 415
    code = "unsupported_media_type"


def is_staff(member) -> bool:
    return bool(member.is_staff or role_of(member))


def _read_capped(file: IO[bytes]) -> bytes:
    """At most MAX_BYTES + 1 bytes: enough to know it is too large, never more in memory."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _too_large_bytes()
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large_bytes()
    if not data:
        raise Invalid.field("file", "The file is empty.")
    return data


def _too_large_bytes() -> TooLarge:
    message = f"Images may be at most {MAX_BYTES // (1024 * 1024)} MB."
    return TooLarge(message, fields={"file": [message]})


def max_pixels() -> int:
    """HAVEN_UPLOAD_MAX_PIXELS: a phone screenshot is 2–4 MP; 16 MP (the default) is a
    4K × 4K canvas, decoded in at most 64 MB."""
    return settings.HAVEN_UPLOAD_MAX_PIXELS


def _too_many_pixels() -> TooLarge:
    message = f"Images may be at most {max_pixels() // 1_000_000} megapixels."
    return TooLarge(message, fields={"file": [message]})


def _is_webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _open(data: bytes) -> Image.Image:
    """Identify by content among our three formats only (less parser surface)."""
    try:
        image = Image.open(io.BytesIO(data), formats=list(FORMATS))
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except UnidentifiedImageError as exc:
        if data.startswith(SIGNATURES) or _is_webp(data):
            raise Invalid.field("file", BROKEN) from exc
        raise UnsupportedType(WRONG_TYPE, fields={"file": [WRONG_TYPE]}) from exc
    except Exception as exc:  # Pillow's parsers fail in many ways on hostile bytes
        raise Invalid.field("file", BROKEN) from exc
    if _format(image) not in FORMATS:
        raise UnsupportedType(WRONG_TYPE, fields={"file": [WRONG_TYPE]})
    # Checked on the header, before decoding a single pixel: a small file can
    # declare a huge canvas (a decompression bomb). Pillow's own guard
    # (Image.MAX_IMAGE_PIXELS, raising DecompressionBombError past twice that) is
    # left at its process-wide default and caught above; these limits are ours.
    # That bounds the decode: PNG, JPEG and WebP open in modes of at most 4 bytes a
    # pixel (16-bit PNGs are read as 8-bit RGB/RGBA), so 16 MP is at most 64 MB.
    if image.width * image.height > max_pixels():
        raise _too_many_pixels()
    return image


def _format(image: Image.Image) -> str | None:
    # Phone cameras often write MPO (a JPEG with extra frames); it is stored as a JPEG.
    return "JPEG" if image.format == "MPO" else image.format


def _target_mode(image: Image.Image, pillow_format: str) -> str:
    """A plain mode the encoder writes as is: greyscale, RGB, or RGBA when there is alpha."""
    if pillow_format == "JPEG":
        return "L" if image.mode in ("1", "L") else "RGB"
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if has_alpha:
        return "RGBA"
    return image.mode if image.mode in ("L", "RGB") else "RGB"


def reencode(data: bytes) -> tuple[bytes, str, int, int]:
    """Decode the image and write a new one: (bytes, Pillow format, width, height)."""
    image = _open(data)
    pillow_format = _format(image)
    try:
        image.load()
        # Keep what the member saw: apply the EXIF orientation to the pixels,
        # since the tag that carried it is about to go with the rest.
        ImageOps.exif_transpose(image, in_place=True)
        mode = _target_mode(image, pillow_format)
        clean = image if image.mode == mode else image.convert(mode)
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except Exception as exc:  # truncated or corrupt data: whatever the decoder raised
        raise Invalid.field("file", BROKEN) from exc
    clean.info = {}  # EXIF, GPS, XMP, ICC, comments, text chunks: none of it is kept
    out = io.BytesIO()
    options = FORMATS[pillow_format][2]
    clean.save(out, format=pillow_format, **options)
    return out.getvalue(), pillow_format, clean.width, clean.height


def require_member(actor) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotSignedIn("Sign in to do this.")
    if not actor.is_active:
        raise Refused("Your account can't do this.")


def store_upload(*, actor, file: IO[bytes]) -> Upload:
    """Check, re-encode and store one image for `actor`; only the clean copy is kept."""
    require_member(actor)
    limit(
        "upload",
        str(actor.pk),
        max_hits=settings.HAVEN_UPLOADS_PER_HOUR,
        window=3600,
        message="You have uploaded a lot of images; try again later.",
    )
    data, pillow_format, width, height = reencode(_read_capped(file))
    content_type, extension, _ = FORMATS[pillow_format]
    upload = Upload(
        owner=actor,
        content_type=content_type,
        extension=extension,
        width=width,
        height=height,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    # The file is written first (its name is random); if the row then fails, the
    # stray file is removed so storage never holds an image nobody owns.
    upload.file.save(f"upload.{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            upload.save()
    except Exception:
        upload.file.delete(save=False)
        raise
    return upload


def access_upload(viewer, upload_id: int) -> Upload:
    """The uploader's own image, or any image for staff; for everyone else it does not exist."""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        raise NotFound("No such file.")
    uploads = Upload.objects.all() if is_staff(viewer) else Upload.objects.filter(owner=viewer)
    upload = uploads.filter(pk=upload_id).first()
    if upload is None:
        raise NotFound("No such file.")
    return upload
