from datetime import UTC, datetime

from earful.core.memo import last_by_identity


def _counting():
    calls = []

    @last_by_identity
    def text(value):
        calls.append(value)
        return str(value)

    return text, calls


def test_the_same_object_twice_in_a_row_is_worked_out_once():
    text, calls = _counting()
    moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert text(moment) == text(moment) == str(moment)
    assert calls == [moment]


def test_an_equal_but_other_object_is_worked_out_again():
    text, calls = _counting()
    first, second = (datetime(2026, 11, 24, 9, 0, tzinfo=UTC) for _ in range(2))
    assert first == second
    assert first is not second
    text(first)
    text(second)
    assert calls == [first, second]


def test_none_is_an_argument_like_any_other():
    text, calls = _counting()
    assert text(None) == "None"
    assert calls == [None]
