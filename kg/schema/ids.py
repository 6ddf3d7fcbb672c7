"""What an id kg puts in an IRI's path may hold: an article id (a file stem) or an entity id (a slug
of the resolver, a gazetteer id, or the target of an override).

>>> id_problem("004_8ee35a8ee1100a8c"), id_problem("my ei"), id_problem("x/y"), id_problem("")
(None, "' '", "'/'", 'nothing')
"""

from __future__ import annotations

import re

__all__ = ["id_problem"]

# a segment of an IRI's path: the characters RFC 3987 allows there (iunreserved, sub-delims, ":" and
# "@"), "%" left out (it would read as an escape); any other character, among them "/", "#", "?", a
# space, "[", "]", C1 controls, private-use characters and non-characters, makes the IRI invalid or
# changes what it names
_ID_CLASS = (
    "A-Za-z0-9"
    + re.escape("-._~!$&'()*+,;=:@")
    + "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    + "".join(f"{chr(plane << 16)}-{chr(plane << 16 | 0xFFFD)}" for plane in range(1, 14))
    + "\U000e1000-\U000efffd"
)
_BAD_ID_CHARS = re.compile(f"[^{_ID_CLASS}]")


def id_problem(text: str) -> str | None:
    """None when ``text`` can be an id in an IRI's path, else what is wrong with it: its first
    character that cannot (quoted), or ``'nothing'`` when it is empty."""
    if not text:
        return "nothing"
    bad = _BAD_ID_CHARS.search(text)
    return repr(bad.group(0)) if bad else None
