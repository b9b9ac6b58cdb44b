from .case import Case, CaseEvent
from .routing import PlaceType, RoutingRule, TimeWindow

__all__ = ["Case", "CaseEvent", "PlaceType", "RoutingRule", "TimeWindow"]
