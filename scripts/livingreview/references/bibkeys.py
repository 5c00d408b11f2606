"""Citation keys by the project's convention (CONTRIBUTING.md, "Adding a paper").

A key is `[a-z0-9_-]+`: the first author's family name folded to ASCII
letters, the year, and the first significant word of the title, e.g.
`dearnaley2016conventional`. When that key is taken, a letter is appended:
`...b`, `...c` and so on (the first paper keeps the bare key).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

KEY = re.compile(r"^[a-z0-9_-]+$")
# Identifiers as the bibliography stores them (bare, no URL prefix).
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^[1-9]\d{0,8}$")
PMCID = re.compile(r"^PMC\d{1,9}$")
NCT = re.compile(r"^NCT\d{8}$")

# Title words that never make a key: articles, prepositions, conjunctions and the like.
STOPWORDS = frozenset("""
a an the and or but nor of on in into onto for to from with within without at by as via per vs versus
after before during between among against about over under than then is are was were be been being do does
did can could should would may might will shall what which who whom whose how why when where whether not no
its it this that these those their our your his her
""".split())

# Letters NFKD does not decompose into ASCII.
_SPECIAL = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l",
                          "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i"})


def ascii_fold(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Müller-Lüdenscheidt' -> 'mullerludenscheidt'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode("ascii").lower())


def significant_word(title: str) -> str:
    """The first title word that is not a stop word and carries no digits ('10-year' is skipped)."""
    plain = re.sub(r"[{}\\]", "", title)
    for token in plain.split():
        if re.search(r"\d", token):
            continue
        word = ascii_fold(token)
        if word and word not in STOPWORDS:
            return word
    return ""


def base_key(family: str, year: str, title: str) -> str:
    name = ascii_fold(family) or "anon"
    return f"{name}{ascii_fold(year)}{significant_word(title)}"


def unique_key(key: str, taken: Container[str]) -> str:
    """`key` if free, else the first free of key+'b', key+'c', ... key+'z'."""
    for candidate in [key] + [key + chr(c) for c in range(ord("b"), ord("z") + 1)]:
        if candidate not in taken:
            return candidate
    raise ValueError(f"keys {key} and {key}b to {key}z are all taken: give one with --key")
