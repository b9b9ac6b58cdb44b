from .contract import Action, Axis, Contract, Decision, Priority, SectorDeclination
from .indicators import ComputedRefresh, Indicator, IndicatorTarget, IndicatorValue

__all__ = [
    "Action",
    "Axis",
    "ComputedRefresh",
    "Contract",
    "Decision",
    "Indicator",
    "IndicatorTarget",
    "IndicatorValue",
    "Priority",
    "SectorDeclination",
]
