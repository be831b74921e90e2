from __future__ import annotations

import pytest

from earful.customers.validation import (
    CustomerRecord,
    FieldError,
    clean_customer,
    record_from_csv_row,
)


def errors_of(**data: object) -> list[FieldError]:
    record, errors = clean_customer({"external_id": "cus_1", **data})
    assert record is None if errors else record is not None
    return errors


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"email": "ann-at-example"}, "email", "'ann-at-example' is not an email address"),
        ({"timezone": "Mars/Olympus"}, "timezone", "'Mars/Olympus' is not an IANA time zone"),
        ({"timezone": "CEST"}, "timezone", "'CEST' is not an IANA time zone"),
        ({"locale": "english"}, "locale", "'english' is not a locale"),
        ({"locale": "fr-Canada"}, "locale", "'fr-Canada' is not a locale"),
        ({"external_id": ""}, "external_id", "required"),
        ({"external_id": "   "}, "external_id", "required"),
        ({"external_id": None}, "external_id", "required"),
        ({"external_id": "x" * 201}, "external_id", "at most 200 characters"),
        ({"name": "n" * 201}, "name", "at most 200 characters"),
        ({"account": "a" * 201}, "account", "at most 200 characters"),
        ({"attributes": ["pro"]}, "attributes", "must be an object"),
        ({"attributes": {"plan": {"tier": 2}}}, "attributes.plan", "must be text, a number"),
    ],
)
def test_a_bad_value_is_reported_with_its_field_and_a_message(data, field, message):
    errors = errors_of(**data)

    assert len(errors) == 1
    assert errors[0].field == field
    assert errors[0].message.startswith(message)


def test_every_error_in_a_record_is_reported_at_once():
    errors = errors_of(external_id="", email="nope", timezone="Nowhere", locale="??")

    assert sorted(e.field for e in errors) == ["email", "external_id", "locale", "timezone"]


def test_a_missing_external_id_key_is_required():
    assert clean_customer({"email": "ann@x.test"}) == (
        None,
        [FieldError("external_id", "required")],
    )


@pytest.mark.parametrize("locale", ["en", "fr-CA", "pt_BR", "zh-Hant", "es-419"])
def test_common_locales_are_accepted(locale):
    assert errors_of(locale=locale) == []


def test_a_valid_record_is_trimmed_lower_cased_and_defaults_to_utc():
    record, errors = clean_customer(
        {
            "external_id": " cus_1 ",
            "email": " Ann@Example.TEST ",
            "name": " Ann ",
            "timezone": "",
            "account": " Acme ",
            "attributes": {"seats": 5, "trial": True, "plan": "pro", "note": None},
        }
    )

    assert errors == []
    assert record == CustomerRecord(
        external_id="cus_1",
        email="ann@example.test",
        name="Ann",
        timezone="UTC",
        locale="",
        account="Acme",
        attributes={"seats": 5, "trial": True, "plan": "pro", "note": None},
    )


def test_more_than_fifty_attributes_are_refused():
    errors = errors_of(attributes={f"a{i}": i for i in range(51)})

    assert errors == [FieldError("attributes", "at most 50 attributes")]


def test_csv_columns_that_are_not_fields_become_attributes_and_empty_ones_are_dropped():
    data = record_from_csv_row(
        {"external_id": "cus_1", "email": "ann@x.test", " plan ": " pro ", "seats": "", None: None}
    )

    assert data["external_id"] == "cus_1"
    assert data["email"] == "ann@x.test"
    assert data["timezone"] is None
    assert data["attributes"] == {"plan": "pro"}
