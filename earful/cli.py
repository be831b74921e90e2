"""The `earful` command: Django's management commands with friendlier names.

earful serve                      run the web server (gunicorn) on 127.0.0.1:8000
earful createorg --name N --owner-email E
earful seed-demo                  load the demo organization (rerun: no duplicates)
earful import customers FILE --org SLUG
earful openapi --out FILE | --check FILE
earful worker                     run the background task worker
earful <any manage.py command>    migrate, createsuperuser, shell, ...
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ALIASES = {"worker": "db_worker"}


def _command_name(args: list[str]) -> list[str]:
    if not args:
        return args
    if args[0] == "import" and len(args) > 1 and not args[1].startswith("-"):
        return [f"import_{args[1].replace('-', '_')}", *args[2:]]
    name = ALIASES.get(args[0], args[0].replace("-", "_"))
    return [name, *args[1:]]


def openapi(args: list[str]) -> int:
    """Writes the OpenAPI document (--out FILE) or fails if FILE differs from it (--check FILE)."""
    import django

    django.setup()
    from earful.api import api

    text = json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"
    if len(args) == 2 and args[0] == "--out":
        Path(args[1]).write_text(text)
        print(f"wrote {args[1]}")
        return 0
    if len(args) == 2 and args[0] == "--check":
        if Path(args[1]).read_text() == text:
            print(f"{args[1]} is up to date")
            return 0
        print(f"{args[1]} differs from the API: run `make openapi` and commit it", file=sys.stderr)
        return 1
    print("usage: earful openapi --out FILE | --check FILE", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earful.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["openapi"]:
        return openapi(args[1:])
    if not args or (args[0] in {"-h", "--help", "help"} and len(args) == 1):
        print(__doc__)
        args = ["help"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["earful", *_command_name(args)])
    return 0
