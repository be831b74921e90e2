from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from earful.customers.models import Customer

GOOD = "external_id,email,account\ncus_1,ann@x.test,Acme\ncus_2,bo@x.test,Acme\n"


def write(tmp_path: Path, text: str | bytes, name: str = "customers.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run_import(path: Path | str, *options: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_customers", str(path), *options, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_the_counts_and_a_rerun_changes_nothing(org_a, tmp_path):
    path = write(tmp_path, GOOD)

    first, _ = run_import(path, "--org", org_a.slug)
    again, _ = run_import(path, "--org", org_a.slug)

    assert "created 2, updated 0, unchanged 0, rejected 0" in first
    assert "created 0, updated 0, unchanged 2, rejected 0" in again
    assert Customer.objects.filter(organization=org_a).count() == 2


def test_a_file_with_a_byte_order_mark_imports(org_a, tmp_path):
    path = write(tmp_path, "\ufeff" + GOOD)

    out, _ = run_import(path, "--org", org_a.slug)

    assert "created 2" in out


def test_bad_rows_stop_the_import_and_are_listed_by_row(org_a, tmp_path):
    path = write(tmp_path, GOOD + "cus_3,not-an-email,\n")
    err = StringIO()

    with pytest.raises(CommandError, match="nothing imported: 1 rows have errors"):
        call_command("import_customers", str(path), "--org", org_a.slug, stderr=err)

    assert "row 3: email: 'not-an-email' is not an email address" in err.getvalue()
    assert not Customer.objects.exists()


def test_skip_invalid_imports_the_good_rows(org_a, tmp_path):
    path = write(tmp_path, GOOD + "cus_3,not-an-email,\n")

    out, err = run_import(path, "--org", org_a.slug, "--skip-invalid")

    assert "created 2, updated 0, unchanged 0, rejected 1" in out
    assert "row 3: email" in err
    assert Customer.objects.count() == 2


def test_a_missing_file_is_a_clear_error(org_a, tmp_path):
    with pytest.raises(CommandError, match=r"file: .*nope\.csv does not exist"):
        run_import(tmp_path / "nope.csv", "--org", org_a.slug)


def test_an_unknown_organization_is_a_clear_error(org_a, tmp_path):
    with pytest.raises(CommandError, match="--org: no organization with slug 'org-z'"):
        run_import(write(tmp_path, GOOD), "--org", "org-z")

    assert not Customer.objects.exists()


def test_a_header_without_external_id_is_a_clear_error(org_a, tmp_path):
    path = write(tmp_path, "id,email\n1,ann@x.test\n")

    with pytest.raises(CommandError, match="the header row must have an 'external_id' column"):
        run_import(path, "--org", org_a.slug)


def test_a_file_that_is_not_utf8_is_a_clear_error(org_a, tmp_path):
    path = write(tmp_path, "external_id,name\ncus_1,Zoë\n".encode("latin-1"))

    with pytest.raises(CommandError, match="file: "):
        run_import(path, "--org", org_a.slug)

    assert not Customer.objects.exists()


def test_earful_import_customers_prints_one_line_not_a_traceback(org_a, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        # what `earful import customers FILE --org SLUG` runs
        execute_from_command_line(
            ["earful", "import_customers", str(tmp_path / "nope.csv"), "--org", org_a.slug]
        )

    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "does not exist" in err
    assert "Traceback" not in err
