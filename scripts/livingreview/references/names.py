"""Author names of bib/ entries: particles that belong to the family name, and short forms.

AMA and Vancouver keep a particle with the family name: "van Hagen P", "van As N",
"de la Fuente A", "von Mises R". BibTeX treats a lower-case particle ("van Hagen, P.")
as a separate "von" part, and pandoc then prints it after the initials ("Hagen P van").
Braced, `{van Hagen}, P.`, the particle stays part of the family name for pybtex,
pandoc and reference managers alike: the canonical form of bib/ braces it
(`brace_particles`, applied by `make format-bib` and `make add-ref`, checked by
`make check`).
"""

from __future__ import annotations

import re

# Dutch, German, French, Spanish, Portuguese and Italian particles written in lower case before a
# family name ("van der", "von", "de la", "del", "dos"...).
PARTICLES = frozenset({
    "van", "von", "der", "den", "de", "del", "della", "degli", "di", "da", "das", "do", "dos", "du", "des",
    "la", "le", "les", "los", "las", "lo", "ter", "ten", "te", "het", "zu", "zum", "zur", "vom", "y", "e",
    "d'", "l'", "'t",
})
AND = re.compile(r"\s+and\s+")


def split_authors(field: str) -> list[str]:
    """The names of an author field, split at ' and ' outside braces, without a final 'others'."""
    if "{" not in field:  # no braces: no ' and ' to keep (most fields; thousands per build)
        return [n for n in (part.strip() for part in AND.split(field)) if n and n.lower() != "others"]
    names, depth, start = [], 0, 0
    for i, char in enumerate(field):
        depth += char == "{"
        depth -= char == "}"
        if depth == 0 and (match := AND.match(field, i)) and i > start:
            names.append(field[start:i].strip())
            start = match.end()
    names.append(field[start:].strip())
    return [n for n in names if n and n.lower() != "others"]


def _particle_words(family: str) -> int:
    """How many leading words of an unbraced family name are lower-case particles ("van der Gaast": 2)."""
    words = family.split()
    count = 0
    for word in words[:-1]:
        if word in PARTICLES or (word.endswith("'") and word.lower() in PARTICLES):
            count += 1
        else:
            break
    return count


def brace_particle(name: str) -> str:
    """'van Hagen, P.' -> '{van Hagen}, P.'; any other name as it is (braced, capitalised, no particle)."""
    family, comma, given = name.partition(",")
    if not comma or "{" in family:
        return name
    stripped = family.strip()
    if _particle_words(stripped) == 0:
        return name
    return f"{{{stripped}}}{comma}{given}"


def brace_particles(field: str) -> str:
    """An author or editor field with every particle family name braced (see the module docstring)."""
    names = [n for n in split_authors(field)]
    if field.rstrip().endswith(" and others"):
        names.append("others")
    braced = [brace_particle(n) for n in names]
    return field if braced == names else " and ".join(braced)


def family_and_given(name: str) -> tuple[str, str]:
    """('van Hagen', 'P.') from '{van Hagen}, P.', 'van Hagen, P.' or 'P. van Hagen' (braces dropped)."""
    plain = name.replace("{", "").replace("}", "").strip()
    if "," in plain:
        family, _, given = plain.partition(",")
        return family.strip(), given.strip()
    words = plain.split()
    for i, word in enumerate(words[:-1]):
        if word in PARTICLES:
            return " ".join(words[i:]), " ".join(words[:i])
    return (words[-1], " ".join(words[:-1])) if words else ("", "")


def initials(given: str) -> str:
    """'J. J. B.' -> 'JJB'; 'Jean-Pierre' -> 'JP'; 'Anna' -> 'A'."""
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given) if part and part[0].isalpha())


def short_name(name: str) -> str:
    """A name as AMA and Vancouver list it: 'van Hagen P', 'Hamdy FC'."""
    family, given = family_and_given(name)
    return f"{family} {initials(given)}".strip()


def family_name(name: str) -> str:
    return family_and_given(name)[0]
