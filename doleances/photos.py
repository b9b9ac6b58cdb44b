"""Photo checks and cleaning: only real images are kept, re-encoded without EXIF metadata."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000


class PhotoError(ValueError):
    pass


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    sha256: str
    width: int
    height: int


def clean_photo(uploaded) -> CleanPhoto:
    """Validate an uploaded file and return a JPEG copy stripped of EXIF (GPS, device...)."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > settings.CPPS_PHOTO_MAX_BYTES:
        raise PhotoError(
            _("La photo dépasse la taille maximale de %(max)d Mo.")
            % {"max": settings.CPPS_PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    raw = uploaded.read()
    if len(raw) > settings.CPPS_PHOTO_MAX_BYTES:
        raise PhotoError(
            _("La photo dépasse la taille maximale de %(max)d Mo.")
            % {"max": settings.CPPS_PHOTO_MAX_BYTES // (1024 * 1024)}
        )
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            image_format = probe.format
            probe.verify()
        if image_format not in ACCEPTED_FORMATS:
            raise PhotoError(_("Format de photo non accepté : utilisez JPEG, PNG ou WebP."))
        with Image.open(io.BytesIO(raw)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(_("La photo est trop grande (nombre de pixels)."))
            # Apply the orientation tag before dropping it, then rebuild pixels only: the
            # re-encoded file carries no EXIF, GPS or maker notes.
            image = ImageOps.exif_transpose(image).convert("RGB")
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoError(
            _("Le fichier joint n'est pas une image lisible (JPEG, PNG ou WebP).")
        ) from exc
    content = out.getvalue()
    return CleanPhoto(
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        width=image.width,
        height=image.height,
    )


THUMBNAIL_SIZE = 320


def thumbnail_path(sha256: str) -> Path:
    """Where the thumbnail of the photo with this digest is cached (var dir, never served
    directly: the case permission is checked by the view that reads it)."""
    return (
        Path(settings.CPPS_VAR_DIR) / "thumbnails" / sha256[:2] / f"{sha256}-{THUMBNAIL_SIZE}.jpg"
    )


def thumbnail(photo) -> Path:
    """The cached JPEG thumbnail (longest side THUMBNAIL_SIZE px) of a stored photo, made
    once; the stored photo is already a clean JPEG without metadata."""
    path = thumbnail_path(photo.sha256)
    if path.exists():
        return path
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        image = image.convert("RGB")
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=80, optimize=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename: two concurrent readers never see half a file.
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(out.getvalue())
    os.replace(partial, path)
    return path


def delete_thumbnail(sha256: str) -> None:
    thumbnail_path(sha256).unlink(missing_ok=True)
