"""Masking the numbers inside free text a villager wrote, for staff listings (issue §3).

An objection's text may quote an ID, a card or a phone number in full; a listing printed
on a clerk's screen (and pasted into a chat) shows each masked in place. The full text is
seen only through an audited reveal (notices.objections.reveal).
"""

from __future__ import annotations

import re

from notices.privacy.masking import mask_number
from notices.privacy.scanner import find_personal_numbers

# What the scanner does not call personal but may still be one: an ID with one digit
# mistyped fails its check digit, yet is a real person's number all the same.
_LONG_RUN = re.compile(r"(?<![0-9])[0-9]{11,}(?![0-9])")


def mask_personal_numbers(text: str) -> str:
    """``text`` with every ID, bank card and mobile number masked where it stands, and any
    other run of 11 or more digits too."""
    out, last = [], 0
    for finding in find_personal_numbers(text):
        out += [text[last:finding.start], finding.masked]
        last = finding.end
    out.append(text[last:])
    return _LONG_RUN.sub(lambda m: mask_number(m.group()), "".join(out))
