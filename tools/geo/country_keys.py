#!/usr/bin/env python3
"""Writes migrations/*/0033_add_country_key_case_forms_and_unknown_recipient_country.sql: the keys of country_regions
that every name and alias of the Core country table (src/FundAudit.Core/Geography/countries.csv) still lacks, beside
the codes and English names that migration 0005 seeded and the names that 0032 added (0032 was written by this script
too, before NAME moved on: migrations are forward-only). The audit's place reports find a grant's country and region
by country_key = upper(recipient_country), as the engine's own upper() writes the published text: SQLite's upper(),
and PostgreSQL's in a database whose LC_CTYPE is C, change only a-z, so each name is a key in upper case with each
of its other letters in either case ("éGYPTE", as those engines write "égypte", beside "ÉGYPTE"); the Api's
CountryKeys builds the same set. SQL Server compares keys without case, so there only the Unicode form goes in, and
no key equal to one already there but for case. After the keys, each migration sets the unknown_recipient_country bit
of the stored quality flags (BACKFILL below).

Re-runnable from the repository root: python3 tools/geo/country_keys.py (byte-identical output for unchanged
inputs)."""
import re
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNTRIES = ROOT / "src/FundAudit.Core/Geography/countries.csv"
SEEDS = [ROOT / "migrations/sqlite/0005_create_audit_tables.sql", ROOT / "migrations/sqlite/0032_add_country_name_keys.sql"]
NAME = "0033_add_country_key_case_forms_and_unknown_recipient_country.sql"


def seeded():
    """country_key -> (alpha2, region) as migrations 0005 and 0032 inserted them."""
    found = {}
    for seed in SEEDS:
        rows = re.findall(r"\('((?:[^']|'')*)', '([A-Z]{2})', '([^']*)'\)", seed.read_text(encoding="utf-8"))
        found.update({k.replace("''", "'"): (a, r) for k, a, r in rows})
    return found


def case_forms(name):
    """The name in upper case with each letter outside a-z in upper or in lower case, upper case first."""
    upper = name.upper()
    cased = [i for i, c in enumerate(upper) if not c.isascii() and c.lower() != c]
    for mask in range(1 << len(cased)):
        form = list(upper)
        for bit, i in enumerate(cased):
            if mask & (1 << bit):
                form[i] = form[i].lower()
        yield "".join(form)


def names():
    """(name, alpha2) for every English name and alias, in the table's order."""
    for line in COUNTRIES.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        f = line.split(";")
        for name in [f[2]] + [a.strip() for a in f[6].split("|") if a.strip()]:
            yield name, f[0]


def keys(case_sensitive):
    seed = seeded()
    region = {a: r for a, r in seed.values()}
    taken = {k if case_sensitive else k.casefold(): a for k, (a, _) in seed.items()}
    added = []
    for name, alpha2 in names():
        if alpha2 not in region:
            continue  # no region in 0005 (Antarctica and the like): no row there either
        forms = list(case_forms(name)) if case_sensitive else [name.upper()]
        for key in dict.fromkeys(forms):
            seen = key if case_sensitive else key.casefold()
            if seen in taken:
                if taken[seen] != alpha2:
                    raise SystemExit(f"{key!r} is already {taken[seen]}, not {alpha2}")
                continue
            taken[seen] = alpha2
            added.append((key, alpha2, region[alpha2]))
    return added


HEADER = """Data quality: unknown_recipient_country (bit 12 of quality_flags, 4096) fails when the grant's recipient
country is given but names no country the audit knows, so its grants stand as a country of their own text, in no
region ("United Kingdon", "COMMONWEALTH"). The audit's place reports (and the region and country filters) find a
grant's country by country_key = upper(recipient_country). {keys} Then the bit is set on every stored grant whose
recipient country holds a letter or digit a-z, A-Z, 0-9 (so that it is given, not only white space) and is no key,
as the engine's own upper() finds it; a grant whose recipient country is no key and holds none of them ("中国", a
tab) has its flags cleared to NULL instead: the report then tests it one by one with the check as it is (QualityFlags,
CountryKeys), and its next write stores its flags. The quality totals triggers of 0019 move the grants between
groups. Written by tools/geo/country_keys.py; nothing else changes.
"""

KEYS_ADDED = """0032 added every name and alias of FundAudit's country table (src/FundAudit.Core/Geography/countries.csv) in
Unicode upper case and as an ASCII-only upper() writes it, where the two differ; {engine}'s upper() can also leave
a letter outside a-z in lower case where the name has it in upper case ("égypte" is "éGYPTE"), or the reverse, so
these add each name in upper case with each such letter in either case, where not a key already."""

KEYS_SQLSERVER = """SQL Server compares keys without case, so 0032's keys find every case form of a name and none is
added (it also compares without trailing spaces: "UK " finds GB here, and only here; CountryKeys, as SQLite and
PostgreSQL, finds none, so a grant stored with such a text gets the bit at its next write)."""


def header(keys):
    return "".join("-- " + line + "\n" for line in textwrap.wrap(HEADER.format(keys=keys), 116))


def sql(rows):
    values = ",\n".join(f"    ('{k.replace(chr(39), chr(39) * 2)}', '{a}', '{r}')" for k, a, r in rows)
    return f"INSERT INTO country_regions (country_key, alpha2, region) VALUES\n{values};\n\n"


UNKNOWN = "NOT EXISTS (SELECT 1 FROM country_regions r WHERE r.country_key = upper(grants.recipient_country))"

# The grants to set the bit on, and those whose flags are read again one by one: per engine, how a recipient country
# holds a letter or digit a-z, A-Z, 0-9.
GIVEN = {
    "sqlite": "recipient_country GLOB '*[A-Za-z0-9]*'",
    "postgres": "recipient_country ~ '[A-Za-z0-9]'",
    "sqlserver": "recipient_country COLLATE Latin1_General_BIN2 LIKE '%[A-Za-z0-9]%'",
}


def backfill(engine):
    return f"""UPDATE grants SET quality_flags = quality_flags | 4096
WHERE quality_flags IS NOT NULL AND (quality_flags & 4096) = 0 AND recipient_country IS NOT NULL
  AND {GIVEN[engine]}
  AND {UNKNOWN};

UPDATE grants SET quality_flags = NULL
WHERE quality_flags IS NOT NULL AND recipient_country IS NOT NULL
  AND NOT ({GIVEN[engine]})
  AND {UNKNOWN};
"""


def main():
    for engine, case_sensitive in [("sqlite", True), ("postgres", True), ("sqlserver", False)]:
        rows = keys(case_sensitive)
        what = KEYS_ADDED.format(engine="SQLite" if engine == "sqlite" else "PostgreSQL under LC_CTYPE=C")
        text = header(what if rows else KEYS_SQLSERVER) + (sql(rows) if rows else "") + backfill(engine)
        path = ROOT / "migrations" / engine / NAME
        path.write_text(text, encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {len(rows)} keys")


if __name__ == "__main__":
    main()
