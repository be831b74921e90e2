from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from earful.customers.models import Customer
from earful.customers.tests.factories import CustomerFactory
from earful.home.views import CUSTOMERS_PER_PAGE as PAGE_SIZE

GOOD = "external_id,email,name,account\ncus_1,ann@x.test,Ann,Acme\ncus_2,bo@x.test,Bo,Acme\n"


def csv_upload(text: str, **fields: object) -> dict:
    return {"file": SimpleUploadedFile("customers.csv", text.encode(), "text/csv"), **fields}


def listed(html: str) -> list[str]:
    return re.findall(r"<tr><td>(cus_\d+)</td>", html)


def report_line(html: str) -> str:
    """The counts sentence, tags removed: '2 created, 0 updated, 0 unchanged.'"""
    match = re.search(r'<section class="card" role="status">\s*<p[^>]*>(.*?)</p>', html, re.S)
    assert match, "the page shows a report"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_the_list_shows_the_organization_s_customers(alice):
    CustomerFactory(
        organization=alice.organization,
        external_id="cus_1",
        name="Ann Lee",
        email="ann@x.test",
        account__name="Acme",
        timezone="Asia/Tokyo",
    )

    page = alice.client.get("/customers/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'Customers <span class="muted">(1)</span>' in html
    row = re.search(r"<tr><td>cus_1</td>.*?</tr>", html)
    assert row is not None
    for shown in ("Ann Lee", "ann@x.test", "Acme", "Asia/Tokyo"):
        assert shown in row.group(0)


def test_an_empty_list_says_how_to_add_customers(alice):
    html = alice.client.get("/customers/").content.decode()

    assert "No customers" in html
    assert "Import a CSV" in html


def test_the_list_searches(alice):
    CustomerFactory(organization=alice.organization, external_id="cus_1", name="Ann Lee")
    CustomerFactory(organization=alice.organization, external_id="cus_2", name="Bo Diddley")

    html = alice.client.get("/customers/", {"q": "diddley"}).content.decode()

    assert listed(html) == ["cus_2"]
    assert 'value="diddley"' in html


def test_the_list_pages_and_keeps_the_search_in_the_links(alice):
    for i in range(PAGE_SIZE + 3):
        CustomerFactory(organization=alice.organization, external_id=f"cus_{i:03d}")

    first = alice.client.get("/customers/", {"q": "cus"}).content.decode()
    second = alice.client.get("/customers/", {"q": "cus", "page": 2}).content.decode()

    assert len(listed(first)) == PAGE_SIZE
    assert listed(second) == [f"cus_{i:03d}" for i in range(PAGE_SIZE, PAGE_SIZE + 3)]
    assert "Page 1 of 2" in first
    assert 'href="?q=cus&page=2"' in first
    assert 'href="?q=cus&page=1"' in second


def test_a_page_past_the_end_shows_the_last_page(alice):
    for i in range(PAGE_SIZE + 1):
        CustomerFactory(organization=alice.organization, external_id=f"cus_{i:03d}")

    html = alice.client.get("/customers/", {"page": 99}).content.decode()

    assert listed(html) == [f"cus_{PAGE_SIZE:03d}"]


def test_the_import_page_shows_the_upload_form(bob):
    page = bob.client.get("/customers/import/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="file"' in html
    assert 'name="skip_invalid"' in html


def test_uploading_a_csv_shows_created_updated_and_unchanged(bob):
    first = bob.client.post("/customers/import/", csv_upload(GOOD))
    again = bob.client.post("/customers/import/", csv_upload(GOOD.replace("Bo,", "Bob,")))

    assert first.status_code == 200
    assert report_line(first.content.decode()) == "2 created, 0 updated, 0 unchanged."
    assert report_line(again.content.decode()) == "0 created, 1 updated, 1 unchanged."
    assert Customer.objects.get(external_id="cus_2").name == "Bob"


def test_an_upload_with_bad_rows_answers_422_with_the_errors_table(bob):
    text = GOOD + "cus_3,not-an-email,Cy,\n,di@x.test,Di,\n"

    response = bob.client.post("/customers/import/", csv_upload(text))

    assert response.status_code == 422
    html = response.content.decode()
    assert "Nothing was imported: 2 rows have errors" in html
    assert (
        "<tr><td>3</td><td>email</td><td>&#x27;not-an-email&#x27; is not an email address" in html
    )
    assert "<tr><td>4</td><td>external_id</td><td>required</td></tr>" in html
    assert not Customer.objects.exists()


def test_an_upload_with_skip_invalid_lands_the_good_rows_and_lists_the_bad(bob):
    text = GOOD + "cus_3,not-an-email,Cy,\n"

    response = bob.client.post("/customers/import/", csv_upload(text, skip_invalid="on"))

    assert response.status_code == 200  # applied: the good rows landed
    html = response.content.decode()
    assert report_line(html) == "2 created, 0 updated, 0 unchanged, 1 rejected."
    assert "<tr><td>3</td><td>email</td>" in html
    assert Customer.objects.count() == 2


def test_an_upload_without_an_external_id_column_says_so(bob):
    response = bob.client.post("/customers/import/", csv_upload("id,email\n1,ann@x.test\n"))

    assert response.status_code == 422
    assert "the header row must have an &#x27;external_id&#x27; column" in (
        response.content.decode()
    )


def test_posting_the_import_form_without_a_file_answers_422(bob):
    response = bob.client.post("/customers/import/", {})

    assert response.status_code == 422
    assert "This field is required" in response.content.decode()


def test_a_large_upload_spooled_to_disk_imports(bob, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10
    text = "external_id,email\n" + "".join(f"cus_{i},c{i}@x.test\n" for i in range(200))

    response = bob.client.post("/customers/import/", csv_upload(text))

    assert response.status_code == 200
    assert report_line(response.content.decode()) == "200 created, 0 updated, 0 unchanged."
