from __future__ import annotations


class CasesInvalid(ValueError):
    """Bad input: every field's reason at once, nothing written."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))
        self.errors = errors
