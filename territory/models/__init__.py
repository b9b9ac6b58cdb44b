from .territory import Arrondissement, Quartier, Sector

__all__ = ["Arrondissement", "Quartier", "Sector"]
