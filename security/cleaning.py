"""Central input cleaning for text people type: names, subjects, single-line fields and bodies.

Control characters break things far from where they came in: a CR/LF in a subject makes every email
about the inquiry fail with BadHeaderError; bidi overrides (U+202A-202E, U+2066-2069) make a name or
subject display as something else than it is. Single-line fields lose every control character (CR, LF
and tab become a space); bodies keep line breaks and tabs."""

import re

from django import forms
from rest_framework import serializers

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 controls, DEL and C1 controls.
_CONTROLS = "".join(chr(c) for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)])
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029\x85]+")
_STRIP_LINE = re.compile(f"[{re.escape(_CONTROLS + BIDI)}]")
_STRIP_BODY = re.compile(f"[{re.escape(_CONTROLS.replace(chr(9), '').replace(chr(10), '') + BIDI)}]")
_SPACES = re.compile(r" {2,}")


def clean_line(value: str) -> str:
    """One line of text: breaks and tabs become a space, other controls and bidi overrides go."""
    if not value:
        return value
    text = _LINE_BREAKS.sub(" ", value)
    text = _STRIP_LINE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def clean_body(value: str) -> str:
    """Free text: line breaks (normalised to \\n) and tabs stay; other controls and bidi overrides go."""
    if not value:
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return _STRIP_BODY.sub("", text)


class CleanCharField(serializers.CharField):
    """A DRF CharField cleaned with clean_line (or clean_body with multiline=True) before validation."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return clean_body(value) if self.multiline else clean_line(value)

    def run_validation(self, data=serializers.empty):
        if isinstance(data, str):
            data = clean_body(data) if self.multiline else clean_line(data)
        return super().run_validation(data)


class CleanFormCharField(forms.CharField):
    """The form twin of CleanCharField: cleaned before max_length and required are checked."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        self.multiline = multiline
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return clean_body(value) if self.multiline else clean_line(value)
