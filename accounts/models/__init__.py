from .partners import Desk, Partner
from .profile import Profile

__all__ = ["Desk", "Partner", "Profile"]
