"""The `earful` command: Django's management commands with friendlier names.

earful serve                      run the web server (gunicorn) on 127.0.0.1:8000
earful createorg --name N --owner-email E
earful seed-demo                  load the demo organization (rerun: no duplicates)
earful import customers FILE --org SLUG
earful import events FILE --org SLUG
                                  customer events for journeys (customer,name,occurred_at,key)
earful import tickets|reviews|posts FILE --source NAME --org SLUG [--columns our=theirs,...]
                                  [--columns-file mapping.json]
                                  support tickets, public reviews, social posts (sources:
                                  csv, json, zendesk, freshdesk, google_business, trustpilot,
                                  app_store, google_play, social); a rerun adds nothing
earful openapi --out FILE | --check FILE
earful worker                     run the background task worker; it also runs the periodic
                                  sweeps (answers, outreach, enrichment, webhooks, alerts)
earful expand-answers [--every N] write the Answer rows of accepted answers still without
                                  them (the worker does it as answers arrive)
earful outreach-sweep [--every N] periodic outreach: re-queue stuck sends, mark answered
                                  invitations, reminders, journey triggers, due sends
earful alerts-sweep [--every N]   evaluate alert rules (theme spikes, viral posts) and deliver
                                  the alert outbox (the worker does it every minute)
earful webhooks-sweep [--every N] record inbound webhook requests whose task was lost
earful ideas-sweep [--every N]    store missing idea vectors; send held-back release notes as
                                  one digest per customer (the worker does it hourly)
earful simulate-contacts --days 90 [--org SLUG]
                                  what the contact budget would send; writes nothing
earful enrich [--org SLUG] [--all] [--every N]
                                  analyze feedback not analyzed yet (sentiment, hesitancy)
earful refresh-themes --org SLUG  find the organization's themes again (keeps renames,
                                  merges and splits); the worker does it when they are due
earful analyze IN.csv --text-column COL [--id-column ID] [--score-column S] --out OUT.csv
                                  sentiment, theme and hesitancy for every row of any CSV
earful train-sentiment            refit the sentiment weights from ../shared/data (developers)
earful export responses --survey ID | feedback --org SLUG | customers --org SLUG
              [--format csv|jsonl] [--bom] --out FILE
                                  stream a file (progress bar); trustee rules apply
earful customer-data --org SLUG --who EMAIL-OR-ID [--out FILE]
                                  everything held about one customer (JSON + summary)
earful erase-customer --org SLUG --who EMAIL-OR-ID [--yes]
                                  erase one customer everywhere (scores stay, unlinked)
earful audit --org SLUG [--action A] [--actor WHO] | --prune [--days N]
                                  read the audit log; prune past EARFUL_AUDIT_RETENTION_DAYS
earful backup --out FILE          a consistent copy of the database while Earful runs
earful restore FILE --yes         put a backup back (stop the server and workers first)
earful <any manage.py command>    migrate, createsuperuser, shell, ...
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

ALIASES = {"worker": "run_worker"}


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


# The worker's periodic sweeps: (name, setting with the seconds between runs (0: never),
# default seconds, "module:function"). Each function is idempotent and safe to rerun.
WORKER_SWEEPS = (
    (
        "answers",
        "EARFUL_EXPAND_SWEEP_SECONDS",
        30,
        "earful.surveys.services.expanding:expand_responses",
    ),
    ("outreach", "EARFUL_OUTREACH_SWEEP_SECONDS", 60, "earful.outreach.services:sweep_outreach"),
    (
        "enrichment",
        "EARFUL_ENRICH_SWEEP_SECONDS",
        300,
        "earful.insights.services.enrichment:enrich_pending",
    ),
    (
        "webhooks",
        "EARFUL_WEBHOOK_SWEEP_SECONDS",
        60,
        "earful.ingest.services.webhooks:sweep_webhooks",
    ),
    ("alerts", "EARFUL_ALERT_SWEEP_SECONDS", 60, "earful.alerts.services:sweep_alerts"),
    ("cases", "EARFUL_CASES_SWEEP_SECONDS", 60, "earful.cases.services:sweep_cases"),
    ("health", "EARFUL_HEALTH_SWEEP_SECONDS", 3600, "earful.health.services.sweep:sweep"),
    (
        "themes",
        "EARFUL_THEMES_SWEEP_SECONDS",
        3600,
        "earful.insights.services.themes:refresh_due_themes",
    ),
    ("ideas", "EARFUL_IDEAS_SWEEP_SECONDS", 3600, "earful.ideas.services.sweep:sweep_ideas"),
    (
        "event webhooks",
        "EARFUL_EVENT_WEBHOOK_SWEEP_SECONDS",
        30,
        "earful.webhooks.services:sweep_webhooks",
    ),
    ("audit", "EARFUL_AUDIT_SWEEP_SECONDS", 86400, "earful.privacy.services:prune_expired_audit"),
)


def _start_worker_sweeps(args: list[str]) -> list[str]:
    """`earful worker` also runs the periodic sweeps (WORKER_SWEEPS), each in a thread: answers
    left unexpanded, outreach (reminders, journeys, due sends), feedback left unanalyzed.
    Not in the autoreloader's parent process (it only restarts the child), nor with --batch.
    Returns the names of the sweeps started."""
    import django
    from django.conf import settings

    django.setup()
    from earful.core import env, periodic

    reload = "--reload" in args or (settings.DEBUG and "--no-reload" not in args)
    if "--batch" in args or (reload and os.environ.get("RUN_MAIN") != "true"):
        return []
    started = []
    for name, setting, default, target in WORKER_SWEEPS:
        every = env.get_int(setting, default, minimum=0)
        if every:
            module, function = target.split(":")
            sweep = getattr(importlib.import_module(module), function)
            periodic.start_periodic(name=name, every=every, sweep=sweep)
            started.append(name)
    return started


def main(argv: list[str] | None = None) -> int:
    """Runs one command. A bad EARFUL_* setting is one line on stderr (exit 2), no traceback."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "earful.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] in {"-h", "--help"} and len(args) == 1):
        print(__doc__ + "\n`earful help` lists every command, `earful help COMMAND` its options.")
        return 0  # no Django, no models: answers at once
    from django.db.utils import OperationalError, ProgrammingError

    from earful.core.env import ConfigError

    try:
        return _run(args)
    except ConfigError as exc:
        print(f"earful: {exc}", file=sys.stderr)
        return 2
    except (OperationalError, ProgrammingError) as exc:
        if "no such table" not in str(exc) and "does not exist" not in str(exc):
            raise
        print(
            f"earful: the database has no tables yet ({exc}): run `earful migrate`", file=sys.stderr
        )
        return 2


def _run(args: list[str]) -> int:
    if args[:1] == ["openapi"]:
        return openapi(args[1:])
    if args[0] == "worker":
        _start_worker_sweeps(args[1:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(["earful", *_command_name(args)])
    return 0
