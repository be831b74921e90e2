"""Survey templates ("starters"): a tried wording for the common surveys, picked on the New
survey page and created with their questions in one step. Pure data and one lookup."""

from __future__ import annotations

from dataclasses import dataclass

from earful.surveys.validation import QuestionSpec


@dataclass(frozen=True)
class Starter:
    key: str
    name: str
    when: str  # when to send it, in one line
    title: str
    intro: str
    questions: tuple[QuestionSpec, ...]


def _q(key: str, type_: str, text: str, **extra: object) -> QuestionSpec:
    return QuestionSpec(key=key, type=type_, text=text, **extra)  # type: ignore[arg-type]


STARTERS: tuple[Starter, ...] = (
    Starter(
        "nps", "Net Promoter Score (NPS)", "Every quarter, to every active customer.",
        "How likely are you to recommend us?", "Two questions, under a minute.",
        (
            _q("nps", "nps", "How likely are you to recommend us to a friend or colleague?",
               comment=True, comment_prompt="What is the main reason for your score?",
               required=True),
            _q("improve", "text", "What one thing should we improve?"),
        ),
    ),
    Starter(
        "csat", "Customer satisfaction (CSAT)", "Right after a moment that matters.",
        "How satisfied are you?", "",
        (
            _q("csat", "csat", "Overall, how satisfied are you with us?", comment=True,
               comment_prompt="What could we have done better?", required=True),
        ),
    ),
    Starter(
        "ces", "Customer effort (CES)", "After a task: an order, a setup, a change of plan.",
        "How easy was it?", "",
        (
            _q("ces", "ces", "How easy was it to get what you needed today?", comment=True,
               comment_prompt="What made it easy or hard?", required=True),
        ),
    ),
    Starter(
        "post_purchase", "After a purchase", "A few days after delivery.",
        "How was your order?", "Tell us about your latest order: it takes a minute.",
        (
            _q("csat", "csat", "How satisfied are you with your order?", comment=True,
               comment_prompt="Tell us more about the product or the delivery.",
               required=True),
            _q("delivery", "choice", "How was the delivery?",
               choices=["On time", "Late", "Damaged", "Not received"]),
            _q("again", "nps", "How likely are you to buy from us again?"),
        ),
    ),
    Starter(
        "post_ticket", "After a support ticket", "When a ticket is solved.",
        "How did we do?", "About your recent request to our support team.",
        (
            _q("csat", "csat", "How satisfied are you with the help you got?", comment=True,
               comment_prompt="What went well, or what did not?", required=True),
            _q("ces", "ces", "How easy was it to get your issue solved?"),
            _q("solved", "choice", "Is your issue solved?", choices=["Yes", "Partly", "No"]),
        ),
    ),
)  # fmt: skip
BY_KEY = {starter.key: starter for starter in STARTERS}
BLANK = "blank"  # no template: a title, then questions one by one


def starter_by_key(key: str) -> Starter | None:
    return BY_KEY.get(key)
