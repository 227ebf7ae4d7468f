"""`notices.mail.header_safe` (every outbound email's To, Cc and Subject): its fast path for printable text
gives what the character-by-character cleaning gives, for any text."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from notices.mail import header_safe


def _by_character(value: str | None) -> str:
    """The cleaning as written before the fast path: every control character (Cc) becomes a space."""
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in value or "")
    return " ".join(cleaned.split())


# Control characters, Unicode spaces and separators, format characters, surrogates and plain text.
TRICKY = st.sampled_from(
    ["\r", "\n", "\x00", "\t", "\x0b", "\x1f", "\x7f", "\x85", "\xa0", "\u2028", "\u2029", "\u200b",
     "\ufeff", "\u3000", "\u1680", "\ud800", " ", "  ", "a", "Ω", "[ADS-7]"]
)  # fmt: skip


@given(st.lists(st.one_of(TRICKY, st.text(max_size=4)), max_size=12).map("".join))
def test_header_safe_is_the_character_by_character_cleaning(value):
    assert header_safe(value) == _by_character(value)


def test_header_safe_examples():
    assert header_safe(None) == ""
    assert header_safe("") == ""
    assert header_safe("  [ADS-7]  We received\r\nBcc: evil@example.org ") == (
        "[ADS-7] We received Bcc: evil@example.org"
    )
    assert header_safe("a\x00b\u2028c") == "a b c"
