"""The board's forms take the text rule every door applies: no NULs, no lone surrogates."""

from __future__ import annotations

import pytest

from earful.ideas.services import board
from earful.ideas.services.errors import IdeasInvalid


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800 lone"])
def test_a_posted_idea_with_a_nul_or_a_lone_surrogate_is_refused_naming_the_field(bad):
    with pytest.raises(IdeasInvalid) as refused:
        board._clean_title(f"Export {bad} to CSV")
    assert refused.value.errors[0][0] == "title"
    with pytest.raises(IdeasInvalid) as refused:
        board._clean_text("text", bad, 1, 2000)
    assert refused.value.errors[0][0] == "text"
