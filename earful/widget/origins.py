"""Pure parsing of allowed origins: scheme://host[:port], nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit


def clean_origin(text: str) -> str:
    """`https://Shop.example/` -> `https://shop.example`; ValueError with the reason otherwise."""
    raw = text.strip().rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError(f"'{text.strip()}' is not an origin like https://shop.example")
    if parts.path or parts.query or parts.fragment or parts.username:
        raise ValueError(f"'{text.strip()}': an origin has no path, query or user")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def clean_origins(lines: str) -> tuple[list[str], list[str]]:
    """One origin a line. Returns (origins, errors)."""
    origins, errors = [], []
    for line in lines.splitlines():
        if not line.strip():
            continue
        try:
            origin = clean_origin(line)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if origin not in origins:
            origins.append(origin)
    return origins, errors
