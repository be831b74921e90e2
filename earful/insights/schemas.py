from __future__ import annotations

from ninja import Field, Schema


class ScoreOut(Schema):
    kind: str
    value: float | None


class TiersOut(Schema):
    """Counts per tier; null when hidden (trustee surveys: fewer than 5 respondents)."""

    highly_satisfied: int | None
    satisfied: int | None
    dissatisfied: int | None


class SummaryOut(Schema):
    responses: int = Field(..., description="Responses with at least one answer, finished or not")
    finished: int | None = Field(..., description="Of those, the finished ones")
    unfinished: int | None = Field(..., description="Of those, the ones not finished (yet)")
    suppressed: bool = Field(
        ..., description="Trustee survey: some counts are null, groups of fewer than 5"
    )
    score: ScoreOut
    tiers: TiersOut


class ThemeExampleOut(Schema):
    id: int
    text: str


class ThemeOut(Schema):
    id: int
    label: str = Field(..., description="The name everyone sees: the rename if any, else generated")
    generated_label: str = Field(..., description="The key phrase the last refresh named it by")
    user_label: str = Field(..., description="A person's rename; empty when not renamed")
    keyphrases: list[str]
    size: int = Field(..., description="Feedback items in the theme")
    created_by_user: bool = Field(..., description="Made by splitting a theme")
    split_from: int | None
    examples: list[ThemeExampleOut] = Field(..., description="The most typical items, at most 3")


class ThemePage(Schema):
    count: int
    emerging: int = Field(..., description="Items that fit no theme yet (new/emerging)")
    items: list[ThemeOut]


class ThemeRenameIn(Schema):
    label: str = Field(..., description="The new name; empty goes back to the generated one")


class ThemeMergeIn(Schema):
    into: int = Field(..., description="The theme that takes this one's items")


class ThemeSplitIn(Schema):
    into: int = Field(2, description="How many themes to split it into (2-10)")
