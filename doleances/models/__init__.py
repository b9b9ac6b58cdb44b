from .complaint import Complainant, Complaint, Photo, ReferenceCounter
from .idempotency import IntakeKey
from .taxonomy import Category, DansMaRueType, Family

__all__ = [
    "Category",
    "Complainant",
    "Complaint",
    "DansMaRueType",
    "Family",
    "IntakeKey",
    "Photo",
    "ReferenceCounter",
]
