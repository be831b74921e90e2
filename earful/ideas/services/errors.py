from __future__ import annotations

from collections.abc import Iterable


class IdeasInvalid(Exception):
    """Bad input or a refused action, as (field, message) pairs; `status` for the API."""

    def __init__(self, errors: Iterable[tuple[str, str]], status: int = 422) -> None:
        self.errors = list(errors)
        self.status = status
        super().__init__(self.errors)

    @property
    def message(self) -> str:
        return "; ".join(message for _, message in self.errors)


class RateLimited(IdeasInvalid):
    def __init__(self, field: str, wait: int) -> None:
        super().__init__([(field, f"too many tries: try again in {wait} s")], status=429)
        self.wait = wait
