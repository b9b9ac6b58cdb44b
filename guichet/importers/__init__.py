"""File imports into the intake service: DansMaRue exports and any CSV with a mapping."""
