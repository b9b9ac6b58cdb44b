"""Photos as phones take them: real JPEGs carrying device and GPS EXIF tags."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

DEVICE = "Téléphone de test"


@pytest.fixture
def gps_jpeg():
    """gps_jpeg() -> an uploaded JPEG whose EXIF holds a device name and a GPS position."""

    def make(name: str = "photo.jpg") -> SimpleUploadedFile:
        image = Image.new("RGB", (64, 48), (200, 80, 40))
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = DEVICE
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 7.0)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", exif=exif)
        content = buffer.getvalue()
        assert Image.open(io.BytesIO(content)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
        return SimpleUploadedFile(name, content, content_type="image/jpeg")

    return make
