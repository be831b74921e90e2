from __future__ import annotations

import io

import pytest

from earful.customers import services
from earful.customers.models import Account, Customer
from earful.customers.services import (
    CsvInvalid,
    RowError,
    import_customers,
    read_customer_csv,
    upsert_customer,
)

THREE = """external_id,email,name,timezone,locale,account,plan
cus_1,ann@x.test,Ann,Europe/Paris,fr-FR,Acme,pro
cus_2,bo@x.test,Bo,America/New_York,en-US,Acme,free
cus_3,cy@x.test,Cy,,,,
"""


def import_csv(organization, text: str, **options):
    rows = read_customer_csv(io.StringIO(text))
    return import_customers(organization=organization, rows=rows, **options)


def stored(organization) -> dict[str, Customer]:
    customers = Customer.objects.filter(organization=organization).select_related("account")
    return {c.external_id: c for c in customers}


def test_a_csv_creates_its_customers_with_every_column(org_a):
    report = import_csv(org_a, THREE)

    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    ann = stored(org_a)["cus_1"]
    assert (ann.email, ann.name, ann.timezone, ann.locale) == (
        "ann@x.test",
        "Ann",
        "Europe/Paris",
        "fr-FR",
    )
    assert ann.account is not None
    assert ann.account.name == "Acme"
    cy = stored(org_a)["cus_3"]
    assert (cy.timezone, cy.locale, cy.account, cy.attributes) == ("UTC", "", None, {})


def test_errors_are_reported_by_row_and_field(org_a):
    text = THREE + "cus_4,not-an-email,Di,Mars/Olympus,,,\n,ed@x.test,Ed,,,,\n"

    report = import_csv(org_a, text)

    assert report.errors == [
        RowError(4, "email", "'not-an-email' is not an email address"),
        RowError(4, "timezone", "'Mars/Olympus' is not an IANA time zone (Europe/Paris)"),
        RowError(5, "external_id", "required"),
    ]
    assert report.rejected_rows == 2


def test_by_default_one_bad_row_means_nothing_is_written(org_a):
    report = import_csv(org_a, THREE + "cus_4,not-an-email,,,,,\n")

    assert not report.applied
    assert report.created == 0
    assert not Customer.objects.exists()
    assert not Account.objects.exists()


def test_skip_invalid_lands_the_valid_rows_and_reports_the_others(org_a):
    report = import_csv(org_a, THREE + "cus_4,not-an-email,,,,,\n", skip_invalid=True)

    assert report.applied
    assert report.created == 3
    assert report.rejected_rows == 1
    assert sorted(stored(org_a)) == ["cus_1", "cus_2", "cus_3"]


def test_an_external_id_twice_in_one_file_is_reported_against_the_later_row(org_a):
    report = import_csv(org_a, THREE + "cus_2,bo2@x.test,Bo again,,,,\n", skip_invalid=True)

    assert report.errors == [RowError(4, "external_id", "duplicate of row 2")]
    assert stored(org_a)["cus_2"].email == "bo@x.test"


def test_rerunning_the_same_file_changes_nothing(org_a):
    import_csv(org_a, THREE)
    before = {c.external_id: c.updated_at for c in stored(org_a).values()}

    report = import_csv(org_a, THREE)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert {c.external_id: c.updated_at for c in stored(org_a).values()} == before


def test_a_changed_row_updates_only_that_customer(org_a):
    import_csv(org_a, THREE)
    first_saved = stored(org_a)["cus_2"].updated_at
    changed = THREE.replace("cus_2,bo@x.test,Bo,", "cus_2,bo@new.test,Bo Smith,")

    report = import_csv(org_a, changed)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    bo = stored(org_a)["cus_2"]
    assert (bo.email, bo.name) == ("bo@new.test", "Bo Smith")
    assert bo.updated_at > first_saved


def test_extra_columns_become_attributes(org_a):
    import_csv(org_a, "external_id,plan,seats,empty\ncus_1,pro,12,\n")

    assert stored(org_a)["cus_1"].attributes == {"plan": "pro", "seats": "12"}


def test_a_changed_attribute_counts_as_an_update(org_a):
    import_csv(org_a, "external_id,plan\ncus_1,pro\n")

    report = import_csv(org_a, "external_id,plan\ncus_1,enterprise\n")

    assert report.updated == 1
    assert stored(org_a)["cus_1"].attributes == {"plan": "enterprise"}


def test_a_company_is_created_once_and_shared_by_its_people(org_a):
    import_csv(org_a, THREE)
    import_csv(org_a, THREE.replace("cus_3,cy@x.test,Cy,,,,", "cus_3,cy@x.test,Cy,,,Acme,"))

    acme = Account.objects.get(organization=org_a)
    assert acme.name == "Acme"
    assert {c.account_id for c in stored(org_a).values()} == {acme.pk}


def test_the_same_company_name_in_two_organizations_is_two_accounts(org_a, charlie):
    import_csv(org_a, THREE)
    import_csv(charlie.organization, THREE)

    assert Account.objects.filter(name="Acme").count() == 2
    assert stored(charlie.organization)["cus_1"].account.organization == charlie.organization


def test_an_import_larger_than_a_batch_is_written_whole(org_a, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    text = "external_id,account\n" + "".join(f"cus_{i},Co {i % 3}\n" for i in range(7))

    first = import_csv(org_a, text)
    again = import_csv(org_a, text)

    assert first.created == 7
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert Account.objects.filter(organization=org_a).count() == 3


def test_rows_are_counted_for_progress(org_a):
    seen: list[int] = []

    import_csv(org_a, THREE, progress=seen.append)

    assert seen == [1, 2, 3]


def test_a_header_without_external_id_is_refused(org_a):
    with pytest.raises(CsvInvalid, match="'external_id' column"):
        import_csv(org_a, "id,email\n1,ann@x.test\n")


def test_an_empty_file_is_refused(org_a):
    with pytest.raises(CsvInvalid, match="'external_id' column"):
        import_csv(org_a, "")


def test_upsert_creates_then_updates_one_customer(org_a):
    customer, created = upsert_customer(
        organization=org_a, data={"external_id": "cus_1", "email": "ann@x.test"}
    )
    again, created_again = upsert_customer(
        organization=org_a, data={"external_id": "cus_1", "email": "ann@new.test"}
    )

    assert created
    assert not created_again
    assert again.pk == customer.pk
    assert again.email == "ann@new.test"


def test_upsert_refuses_an_invalid_customer_with_every_error(org_a):
    with pytest.raises(services.CustomerInvalid) as refused:
        upsert_customer(organization=org_a, data={"external_id": "", "email": "nope"})

    assert sorted(e.field for e in refused.value.errors) == ["email", "external_id"]
    assert not Customer.objects.exists()
