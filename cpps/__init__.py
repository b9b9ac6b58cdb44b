"""cpps — the information system of the Paris prevention and security contract."""
