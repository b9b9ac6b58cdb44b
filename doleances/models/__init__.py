from .complaint import Complainant, Complaint, Photo, ReferenceCounter
from .taxonomy import Category, DansMaRueType, Family

__all__ = [
    "Category",
    "Complainant",
    "Complaint",
    "DansMaRueType",
    "Family",
    "Photo",
    "ReferenceCounter",
]
