"""Screenshot uploads: checked by content, re-encoded without metadata, readable by few."""

import hashlib
import io
import random

import pytest
from django.test import Client
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from haven.core.errors import HavenError
from haven.core.tests.api_helpers import assert_error
from haven.safety.models import Upload
from haven.safety.tests.upload_helpers import (
    camera_exif,
    image_bytes,
    jpeg_with_gps,
    named,
    png_header_only,
    png_with_text,
    post_upload,
)
from haven.safety.uploads import reencode, store_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def stored_image(upload: Upload) -> tuple[bytes, Image.Image]:
    with upload.file.open("rb") as f:
        data = f.read()
    return data, Image.open(io.BytesIO(data))


@pytest.mark.parametrize(
    ("fmt", "original", "content_type"),
    [
        ("PNG", png_with_text(), "image/png"),
        ("JPEG", jpeg_with_gps(orientation=1), "image/jpeg"),
        ("WEBP", image_bytes("WEBP", exif=camera_exif()), "image/webp"),
    ],
)
def test_png_jpeg_and_webp_are_accepted_and_stored_re_encoded_without_metadata(
    alice, api, fmt, original, content_type
):
    response = post_upload(api(alice), original, name="anything.bin")
    assert response.status_code == 201, response.content
    body = response.json()
    upload = Upload.objects.get(pk=body["id"])
    data, image = stored_image(upload)
    assert image.format == fmt and upload.content_type == content_type == body["content_type"]
    assert (body["width"], body["height"]) == image.size
    assert data != original  # a new file, never the bytes the client sent
    assert upload.size == len(data) and upload.sha256 == hashlib.sha256(data).hexdigest()
    assert not image.getexif() and "exif" not in image.info and "Comment" not in image.info
    assert b"PhoneMaker" not in data and b"Secret Street" not in data
    assert upload.file.name.endswith("." + upload.extension) and "anything" not in upload.file.name


def test_a_multi_picture_jpeg_from_a_phone_is_stored_as_a_plain_jpeg(alice):
    frames = [Image.new("RGB", (30, 20), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="MPO", save_all=True, append_images=frames[1:])
    upload = store_upload(actor=alice, file=named(out.getvalue(), "portrait.jpg"))
    _, image = stored_image(upload)
    assert image.format == "JPEG" and upload.content_type == "image/jpeg"
    assert getattr(image, "n_frames", 1) == 1


def test_exif_and_gps_are_stripped_and_the_orientation_is_applied_to_the_pixels(alice):
    upload = store_upload(actor=alice, file=named(jpeg_with_gps(size=(80, 40)), "me.jpg"))
    data, image = stored_image(upload)
    assert not image.getexif()
    assert b"PhoneMaker" not in data and b"Exif" not in data
    # Orientation 6 means "rotate 90°": the member saw it upright, 40 wide and 80 tall.
    assert image.size == (40, 80) == (upload.width, upload.height)


def test_text_named_png_is_refused_as_the_wrong_type(alice, api):
    response = post_upload(api(alice), b"hello, I am not an image" * 10, name="cat.png")
    assert_error(response, 415, code="unsupported_media_type", field="file")
    assert not Upload.objects.exists()


def test_html_pretending_to_be_an_image_is_refused(alice, api):
    response = post_upload(api(alice), b"<html><script>alert(1)</script></html>", "x.jpg")
    assert_error(response, 415)


def test_gif_is_refused_as_the_wrong_type(alice, api):
    assert_error(post_upload(api(alice), image_bytes("GIF"), "anim.gif"), 415)


def test_a_file_over_10_mb_is_too_large(alice, api):
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * (11 * 1024 * 1024)
    assert_error(post_upload(api(alice), big), 413, code="too_large", field="file")
    assert not Upload.objects.exists()


def test_an_image_over_16_megapixels_is_refused_from_its_header_without_decoding(
    alice, api, monkeypatch
):
    # What the probe sent: a small PNG of 6000 × 6000 (36 MP), once decoded in 0.66 s.
    data = image_bytes("PNG", size=(6_000, 6_000))
    assert len(data) < 200_000

    def no_decoding(self):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr("PIL.ImageFile.ImageFile.load", no_decoding)
    response = post_upload(api(alice), data)
    assert_error(response, 413, code="too_large", field="file")
    assert "16 megapixels" in response.json()["error"]["message"]
    assert not Upload.objects.exists()


def test_the_pixel_cap_is_a_setting_and_just_under_it_is_accepted(alice, api, settings):
    settings.HAVEN_UPLOAD_MAX_PIXELS = 1_000_000
    assert post_upload(api(alice), image_bytes("PNG", size=(1000, 1000))).status_code == 201
    response = post_upload(api(alice), image_bytes("PNG", size=(1001, 1000)))
    assert_error(response, 413, code="too_large", field="file")


def test_a_decompression_bomb_is_refused_before_decoding(alice, api):
    # 50 000 × 50 000 declared in a file of a few hundred bytes.
    assert_error(post_upload(api(alice), png_header_only(50_000, 50_000)), 413)


def test_a_truncated_image_is_a_bad_request(alice, api):
    for fmt in ("PNG", "JPEG", "WEBP"):
        whole = image_bytes(fmt, size=(200, 200), noisy=True)
        response = post_upload(api(alice), whole[: len(whole) // 2])
        assert_error(response, 400, field="file")
    assert not Upload.objects.exists()


def test_corrupted_bytes_are_always_a_clean_refusal_never_a_crash():
    rng = random.Random(3)
    for fmt in ("PNG", "JPEG", "WEBP"):
        whole = image_bytes(fmt, size=(40, 40), noisy=True)
        for _ in range(40):
            data = bytearray(whole)
            for _ in range(rng.randrange(1, 12)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data[: rng.randrange(8, len(data) + 1)])
            try:
                reencode(data)
            except HavenError as exc:
                assert exc.status in (400, 413, 415)


def test_a_damaged_header_is_a_bad_request_not_a_wrong_type(alice, api):
    assert_error(post_upload(api(alice), b"\x89PNG\r\n\x1a\n" + b"garbage" * 20), 400)


def test_an_empty_or_missing_file_is_a_bad_request(alice, api):
    assert_error(post_upload(api(alice), b""), 400)
    client = api(alice)
    assert_error(client.client.post("/api/v1/uploads", {}, **client.headers), 400, field="file")


def test_uploads_need_sign_in(api):
    assert_error(post_upload(api(), image_bytes()), 401)


def test_uploads_are_rate_limited_per_member(alice, bob, api, settings):
    settings.HAVEN_UPLOADS_PER_HOUR = 2
    client = api(alice)
    assert post_upload(client, image_bytes()).status_code == 201
    assert post_upload(client, image_bytes()).status_code == 201
    response = post_upload(client, image_bytes())
    assert_error(response, 429, code="rate_limited")
    assert int(response["Retry-After"]) > 0
    assert post_upload(api(bob), image_bytes()).status_code == 201


def test_the_uploader_reads_their_image_as_a_download_that_is_never_sniffed(alice, web, api):
    upload = store_upload(actor=alice, file=named(image_bytes(), "s.png"))
    for response in (
        web(alice).get(f"/uploads/{upload.pk}"),
        api(alice).get(f"/uploads/{upload.pk}/file"),
    ):
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Cache-Control"] == "private, no-store"
        assert "sandbox" in response["Content-Security-Policy"]
        data = b"".join(response.streaming_content)
        assert hashlib.sha256(data).hexdigest() == upload.sha256
    assert api(alice).get(f"/uploads/{upload.pk}").json()["sha256"] == upload.sha256


def test_another_member_gets_404_for_someone_elses_upload(alice, bob, web, api):
    upload = store_upload(actor=alice, file=named(image_bytes(), "s.png"))
    assert web(bob).get(f"/uploads/{upload.pk}").status_code == 404
    assert_error(api(bob).get(f"/uploads/{upload.pk}/file"), 404)
    assert_error(api(bob).get(f"/uploads/{upload.pk}"), 404)
    assert Client().get(f"/uploads/{upload.pk}")["Location"].startswith("/signin")


def test_staff_can_read_any_upload(alice, mia, sam, ada, web):
    upload = store_upload(actor=alice, file=named(image_bytes(), "s.png"))
    for staff in (mia, sam, ada):
        assert web(staff).get(f"/uploads/{upload.pk}").status_code == 200


def test_an_unknown_upload_is_404(alice, web):
    assert web(alice).get("/uploads/999999").status_code == 404


# Hostile files (issue 12): each refused with a clear 4xx and nothing stored, or, for a
# real image carrying something else, stored only as the re-encoded pixels.

SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>'
)
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + b"\x02\x00\x3e\x00" + b"\x00" * 200
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00" + b"\x00" * 200


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (SVG_WITH_SCRIPT, "drawing.svg"),
        (SVG_WITH_SCRIPT, "drawing.png"),
        (ELF_EXECUTABLE, "photo.png"),
        (WINDOWS_EXECUTABLE, "photo.jpg"),
        (b"#!/bin/sh\nrm -rf /\n", "photo.webp"),
    ],
    ids=["svg-with-script", "svg-named-png", "elf-renamed", "exe-renamed", "script-renamed"],
)
def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(
    alice, api, settings, data, name
):
    assert_error(post_upload(api(alice), data, name), 415, field="file")
    assert not Upload.objects.exists()
    assert not any(settings.MEDIA_ROOT.rglob("*.*"))


def test_a_png_html_polyglot_is_stored_only_as_its_re_encoded_pixels(alice, api):
    """A real PNG that also carries HTML (in a text chunk and after its end) is a real
    image: it is kept, but only as freshly encoded pixels, so the HTML is gone (and the
    file is only ever served as a download that browsers may not sniff)."""
    info = PngInfo()
    info.add_text("Comment", "<html><script>alert(1)</script></html>")
    polyglot = image_bytes("PNG", pnginfo=info) + b"<html><body><script>alert(2)</script>"
    response = post_upload(api(alice), polyglot, "cat.png")
    assert response.status_code == 201
    data, image = stored_image(Upload.objects.get())
    assert image.format == "PNG" and image.size == (64, 48)
    assert b"<script" not in data and b"<html" not in data


def test_a_declared_100000_by_100000_image_is_refused_unread(alice, api):
    assert_error(post_upload(api(alice), png_header_only(100_000, 100_000)), 413, field="file")
    assert not Upload.objects.exists()
