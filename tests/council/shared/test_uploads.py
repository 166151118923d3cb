import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from council.shared import uploads


def image_file(size=(40, 30), fmt="PNG", name="anh.png", extra: bytes = b"") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 79, 138)).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue() + extra, content_type="image/png")


def test_validate_image_accepts_a_real_image():
    uploads.validate_image(image_file())


def test_validate_image_refuses_a_file_that_is_not_an_image():
    with pytest.raises(ValidationError) as error:
        uploads.validate_image(
            SimpleUploadedFile("anh.png", b"<html><script>alert(1)</script>", content_type="image/png")
        )

    assert error.value.messages == ["Tệp tải lên không phải là ảnh hợp lệ."]


def test_validate_image_refuses_a_too_large_file(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_IMAGE_BYTES", 100)

    with pytest.raises(ValidationError) as error:
        uploads.validate_image(image_file(size=(200, 200)))

    assert error.value.code == "too_large"


def png_claiming(width: int, height: int) -> SimpleUploadedFile:
    """A few hundred bytes of PNG whose header claims width×height pixels."""
    signature = b"\x89PNG\r\n\x1a\n"
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\x00" * 64)
    return SimpleUploadedFile(
        "bom.png", signature + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [10_000, 30_000])
def test_validate_image_refuses_a_decompression_bomb(side):
    with pytest.raises(ValidationError) as error:
        uploads.validate_image(png_claiming(side, side))

    assert error.value.code == "too_many_pixels"


def test_validate_image_refuses_a_truncated_image():
    whole = image_file(size=(300, 300), fmt="JPEG", name="anh.jpg").read()

    with pytest.raises(ValidationError):
        uploads.validate_image(SimpleUploadedFile("anh.jpg", whole[: len(whole) // 2]))


def test_reencode_image_drops_what_follows_the_image_data():
    upload = image_file(extra=b"<?php system($_GET['c']); ?>")

    clean = uploads.reencode_image(upload)

    assert b"<?php" not in clean.read()
    assert clean.name == "anh.jpg"
    assert Image.open(io.BytesIO(clean.open().read())).size == (40, 30)


def test_reencode_image_shrinks_very_large_images():
    clean = uploads.reencode_image(image_file(size=(4800, 1200)))

    assert Image.open(clean).size == (2400, 600)
