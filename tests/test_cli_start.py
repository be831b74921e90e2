"""The command line starts fast and fails in one line: `earful --help` loads neither Django nor
any model, and a bad setting is one sentence on stderr, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys


def _earful(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from earful.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=os.environ | env,
        capture_output=True,
        text=True,
    )


def test_help_answers_without_loading_django_or_a_model():
    code = (
        "import sys; from earful.cli import main; main(['--help']); "
        "print(sorted(m for m in ('django.db', 'torch', 'scipy', 'numpy') if m in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "earful serve" in shown.stdout
    assert shown.stdout.strip().endswith("[]")


def test_an_empty_database_url_is_one_clear_line(tmp_path):
    shown = _earful("migrate", EARFUL_DATABASE_URL="", EARFUL_DATA_DIR=str(tmp_path))
    assert shown.returncode == 2
    assert "Traceback" not in shown.stderr
    assert shown.stderr.strip().splitlines() == [
        "earful: EARFUL_DATABASE_URL is set but empty: unset it for the SQLite default under "
        "data/, or give a URL such as postgres://user@host:5432/earful"
    ]
