"""The hot path's shortcuts in `core.rows` give what the ORM gives: `build` the same instance as
the model's keyword constructor, the fast conversions the same values as `get_db_prep_save`.
Run on the test database's own backend (SQLite, or PostgreSQL with EARFUL_TEST_DATABASE_URL)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import JSONField, Model
from django.db.models.signals import post_save

from earful.core.rows import (
    _adapter,
    _Context,
    _preparers,
    _row_values,
    build,
    select_rows,
    update_row,
)
from earful.feedback.models import Channel, FeedbackItem
from earful.surveys.models import Answer, Response
from earful.surveys.tests.factories import make_survey


@pytest.fixture
def survey(org_a):
    return make_survey(org_a, title="Relationship NPS")


def _columns(instance: Model) -> dict[str, object]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_build_makes_the_instance_the_keyword_constructor_makes(survey):
    moment = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    uid = uuid.uuid4()
    given = {
        "organization_id": survey.organization_id,
        "channel": "api",
        "submitted_at": moment,
        "uid": uid,
        "timings": {"nps": 1200},
        "idempotency_key": "k1",
    }
    built = build(Response, survey=survey, customer=None, **given)
    made = Response(survey=survey, customer=None, **given)
    assert _columns(built) == _columns(made)
    assert built.survey is survey
    assert built.customer is None
    assert built._state.adding
    assert built._state.db is None


def test_build_fills_defaults_afresh_for_each_instance(survey):
    first, second = (build(Response, survey=survey) for _ in range(2))
    assert first.uid != second.uid
    assert first.timings == {}
    assert first.timings is not second.timings


def test_build_takes_a_related_object_or_its_id(survey):
    question = survey.questions.first()
    by_object = build(Answer, response_id=7, question=question, comment="Slow")
    by_id = build(Answer, response_id=7, question_id=question.pk, comment="Slow")
    assert (
        _columns(by_object)
        == _columns(by_id)
        == _columns(Answer(response_id=7, question=question, comment="Slow"))
    )
    assert by_object.question is question


def test_build_refuses_a_foreign_key_given_twice(survey):
    with pytest.raises(TypeError, match="both survey and survey_id"):
        build(Response, survey=survey, survey_id=survey.pk)


def test_build_refuses_a_field_the_model_does_not_have():
    with pytest.raises(TypeError, match="FeedbackItem has no field colour"):
        build(FeedbackItem, channel=Channel.SURVEY, colour="red")


VALUES = {
    "created_at": [
        None,
        datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC),
        datetime(2026, 11, 23, 9, 0, tzinfo=UTC),  # no microseconds
        datetime(2026, 3, 29, 1, 30, tzinfo=timezone(timedelta(hours=5))),  # not UTC
    ],
    "uid": [uuid.UUID("12345678-1234-5678-1234-567812345678"), None],
    "timings": [
        {"nps": 3200, "ease": 1},
        [],
        {"é": "ü"},
        None,
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value"), [(name, value) for name, values in VALUES.items() for value in values]
)
def test_fast_conversions_give_what_django_gives(name, value):
    field = Response._meta.get_field(name)
    native_uuid = connection.features.has_native_uuid_field
    adapt = _adapter(field, connection.vendor, native_uuid)
    fast, django = adapt(value, connection), field.get_db_prep_save(value, connection)
    if hasattr(django, "obj"):  # PostgreSQL's JSON adapter wraps the value
        fast, django = fast.obj, django.obj
    assert fast == django


@pytest.mark.django_db
def test_a_json_value_only_the_fields_encoder_knows_is_converted_as_django_does():
    field = JSONField(encoder=DjangoJSONEncoder)
    value = {"at": datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "n": 1}
    adapt = _adapter(field, connection.vendor, connection.features.has_native_uuid_field)
    fast, django = adapt(value, connection), field.get_db_prep_save(value, connection)
    if hasattr(django, "obj"):
        fast, django = fast.obj, django.obj
    assert fast == django


def _plain(values: list[object]) -> list[object]:
    return [getattr(v, "obj", v) for v in values]  # PostgreSQL's JSON adapter wraps the value


def _values_both_ways(instance: Model) -> tuple[list[object], list[object]]:
    context = _Context(connection)
    at_once = _row_values(instance, "default", context)
    by_field = [prepare(instance, context) for prepare in _preparers(type(instance), "default")]
    return _plain(at_once), _plain(by_field)


@pytest.mark.django_db
def test_the_row_values_read_at_once_are_the_values_each_field_prepares(survey):
    moment = datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC)
    response = build(
        Response,
        survey=survey,
        organization_id=survey.organization_id,
        submitted_at=moment,
        finished_at=moment,
        timings={"nps": 1200},
        answers_given={"nps": 9, "nps_comment": "Quick"},
    )
    at_once, by_field = _values_both_ways(response)
    assert at_once == by_field


@pytest.mark.django_db
def test_the_row_values_of_an_instance_with_a_deferred_field_are_read_through_the_fields(survey):
    stored = Response.objects.create(
        survey=survey, organization_id=survey.organization_id, idempotency_key="k"
    )
    loaded = Response.objects.only("id", "survey_id", "organization_id").get(pk=stored.pk)
    at_once, by_field = _values_both_ways(loaded)
    assert at_once == by_field


def _stored_response(survey) -> Response:
    return Response.objects.create(
        survey=survey,
        organization_id=survey.organization_id,
        idempotency_key="k",
        submitted_at=datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC),
        timings={"nps": 1200},
        answers_given={"nps": 9, "nps_comment": "Quick"},
        score=9,
    )


@pytest.mark.django_db
def test_rows_selected_in_sql_load_as_the_orm_loads_them(survey):
    stored = _stored_response(survey)
    selected = select_rows(Response, '"id" = %s', [stored.pk])
    assert len(selected) == 1
    assert _columns(selected[0]) == _columns(Response.objects.get(pk=stored.pk))
    assert not selected[0]._state.adding
    assert selected[0]._state.db == "default"


@pytest.mark.django_db(transaction=True)
def test_a_row_selected_to_lock_is_read_inside_the_transaction(survey):
    stored = _stored_response(survey)
    with transaction.atomic():
        (locked,) = select_rows(Response, '"id" = %s', [stored.pk], lock=True)
    assert locked.uid == stored.uid
    assert select_rows(Response, '"id" = %s', [0], lock=False) == []


@pytest.mark.django_db
def test_an_updated_row_is_stored_as_save_would_store_it(survey):
    stored = _stored_response(survey)
    created, updated = stored.created_at, stored.updated_at
    stored.answers_given = {"nps": 3}
    stored.edits, stored.tier = 1, "dissatisfied"
    assert update_row(stored) == 1
    reloaded = Response.objects.get(pk=stored.pk)
    assert reloaded.answers_given == {"nps": 3}
    assert (reloaded.edits, reloaded.tier) == (1, "dissatisfied")
    assert reloaded.created_at == created  # stamped when added only
    assert reloaded.updated_at > updated  # stamped at every save
    assert _columns(reloaded) == _columns(stored)


@pytest.mark.django_db
def test_an_update_goes_through_save_when_someone_listens_to_it(survey):
    heard = []

    def listener(sender, instance, **kwargs):
        heard.append(instance.pk)

    stored = _stored_response(survey)
    post_save.connect(listener, sender=Response)
    try:
        update_row(stored)
    finally:
        post_save.disconnect(listener, sender=Response)
    assert heard == [stored.pk]
