"""The one exception the Open311 services raise; the views render it as the spec's error body."""


class Open311Error(Exception):
    """`status` is the HTTP status (400, 403, 404, 429); `descriptions` are French messages."""

    def __init__(self, status: int, *descriptions: str, retry_after: int | None = None):
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.retry_after = retry_after
        super().__init__("; ".join(self.descriptions))
