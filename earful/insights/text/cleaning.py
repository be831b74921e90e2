"""What a text says, without what it is wrapped in: the text every per-text step reads.

`readable(text)` cuts the text to READ_CHARS characters (the model reads about 1,000 anyway,
and VADER's cost grows with the square of the "but"s), then removes what carries no opinion
and no topic, but that would otherwise decide themes and their names:
  - links (http://..., www....) and e-mail addresses;
  - @handles (a tweet to @united is not about the word "united") and a leading "RT";
  - e-mail signatures and quoted replies: everything from a line "--", "Sent from my ...",
    "Get Outlook for ...", "On <date> ... wrote:", "-----Original Message-----" on;
  - HTML entities (&amp;) and runs of blank space.
A hashtag keeps its word (#delayed: "delayed"). What is left is never blank when the text had
words: a text that was only a handle or a link stays as it was.
"""

from __future__ import annotations

import html
import re

READ_CHARS = 2000

_SIGNATURE = re.compile(
    r"(?im)^\s*(?:--\s*$|sent from my\b|get outlook for\b|-{3,}\s*original message|"
    r"on .{4,80}\bwrote:\s*$|from: .+@)"
)
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"(?i)\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_HANDLE = re.compile(r"(?<![\w@])@\w{1,30}\b:?")
_RETWEET = re.compile(r"^\s*RT\b:?\s*")
_HASHTAG = re.compile(r"(?<!\w)#(\w)")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_LINES = re.compile(r"\n\s*\n+")


def readable(text: str) -> str:
    """The text as the models read it (see the module docstring)."""
    if not text:
        return ""
    cut = text[:READ_CHARS]
    signature = _SIGNATURE.search(cut)
    body = cut[: signature.start()] if signature and signature.start() > 0 else cut
    body = html.unescape(body)
    body = _LINK.sub(" ", body)
    body = _EMAIL.sub(" ", body)
    body = _RETWEET.sub("", body)
    body = _HANDLE.sub(" ", body)
    body = _HASHTAG.sub(r"\1", body)
    body = _LINES.sub("\n", _SPACE.sub(" ", body)).strip(" \n:,")
    return body if any(ch.isalnum() for ch in body) else cut.strip()
