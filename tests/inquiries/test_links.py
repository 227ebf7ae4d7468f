"""Links to an inquiry are what `reverse` gives, for any reference or token, script prefix and URL conf."""

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix
from hypothesis import given
from hypothesis import strategies as st

from inquiries.links import _reverse_one

VALUES = st.one_of(
    st.from_regex(r"[A-Z]{2,6}-[0-9]{1,7}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_-]{1,43}", fullmatch=True),
    st.text(alphabet=st.characters(blacklist_characters="/\x00"), min_size=1, max_size=12),
)


@pytest.mark.parametrize("prefix", ["/", "/support/"])
@given(value=VALUES)
def test_a_link_is_what_reverse_gives(prefix, value):
    set_script_prefix(prefix)
    try:
        for name in ("inquiry-detail", "track"):
            assert _reverse_one(name, value) == reverse(name, args=[value])
    finally:
        clear_script_prefix()


def test_a_value_reverse_refuses_is_refused():
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        _reverse_one("track", "a/b")
