from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Earful with gunicorn (static files by whitenoise). Ctrl-C stops it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.EARFUL_HOST)
        parser.add_argument("--port", type=int, default=settings.EARFUL_PORT)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        url = f"http://{options['host']}:{options['port']}/"
        # Links the web processes write (alerts, invitations) name the address served, unless
        # EARFUL_BASE_URL says otherwise (a proxy in front).
        os.environ.setdefault("EARFUL_BASE_URL", url.rstrip("/"))
        self.stdout.write(self.style.SUCCESS(f"Earful is running at {url}  (Ctrl-C to stop)"))
        gunicorn = shutil.which("gunicorn") or os.path.join(
            os.path.dirname(sys.executable), "gunicorn"
        )
        argv = [
            gunicorn,
            "earful.wsgi:application",
            f"--bind={options['host']}:{options['port']}",
            f"--workers={options['workers']}",
            "--access-logfile=-",
            f"--chdir={settings.BASE_DIR}",
        ]
        os.execv(gunicorn, argv)
