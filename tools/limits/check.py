#!/usr/bin/env python3
"""Size limits for the C# sources: no file over 400 lines, no member body over 60 lines, no line over 120 characters.

A member body is a method, constructor, operator, accessor, property or local function body: counted from the
line of its opening brace (or its `=>`) to the line of its end, both included. Local functions and lambdas count
within the member that holds them; a local function is also reported on its own. Field and property initializers
(data tables) are not bodies. Exit status 1 when anything is over; the report lists each offender.

Usage: python3 tools/limits/check.py [--max-file N] [--max-body N] [DIR ...]   (default DIR: src)
"""
import argparse
import pathlib
import re
import sys

TYPE_WORDS = re.compile(r"\b(class|struct|record|interface|enum|namespace)\b")
CONTROL = re.compile(r"^\s*(if|else|for|foreach|while|do|switch|try|catch|finally|using|lock|fixed|checked|"
                     r"unchecked|unsafe|return|yield|await|case|default|new|throw)\b")


def strip_code(text):
    """The text with comments, strings and char literals blanked (newlines kept), so braces can be counted."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "'" :
            m = re.match(r"'(\\.[^']*|[^'\\])'", text[i:i + 12])
            j = i + (len(m.group(0)) if m else 1)
            out.append(" " * (j - i))
            i = j
        elif c in "$@\"":
            m = re.match(r'[$@]*("{3,}|")', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            prefix = m.group(0)
            quotes = m.group(1)
            dollars = prefix.count("$")
            verbatim = "@" in prefix
            j = i + len(prefix)
            if len(quotes) >= 3:
                k = text.find(quotes, j)
                j = n if k < 0 else k + len(quotes)
            else:
                depth = 0
                while j < n:
                    ch = text[j]
                    if dollars and ch == "{":
                        if text.startswith("{{", j) and depth == 0:
                            j += 2
                            continue
                        depth += 1
                    elif dollars and ch == "}" and depth > 0:
                        depth -= 1
                    elif depth > 0 and ch == '"':
                        # a string inside an interpolation hole
                        k = text.find('"', j + 1)
                        j = n if k < 0 else k + 1
                        continue
                    elif ch == "\\" and not verbatim:
                        j += 2
                        continue
                    elif ch == '"':
                        if verbatim and text.startswith('""', j):
                            j += 2
                            continue
                        j += 1
                        break
                    j += 1
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def bodies(code):
    """(name, first line, last line) of every member body and local function in stripped code."""
    line_of = [0] * (len(code) + 1)
    line = 1
    for idx, ch in enumerate(code):
        line_of[idx] = line
        if ch == "\n":
            line += 1
    line_of[len(code)] = line
    found = []
    stack = []  # (kind, name, start offset)
    header_start = 0
    paren = 0
    expr = None  # (name, start offset, brace depth, paren depth) of an expression body being read
    for idx, ch in enumerate(code):
        if ch == "(":
            paren += 1
        elif ch == ")":
            paren -= 1
        if ch == "{":
            header = code[header_start:idx]
            enclosing = stack[-1][0] if stack else "type"
            kind = classify(header, enclosing) if paren == 0 and expr is None else "block"
            stack.append((kind, member_name(header), idx))
            header_start = idx + 1
        elif ch == "}":
            if stack:
                kind, name, start = stack.pop()
                if kind in ("member", "local"):
                    found.append((name, line_of[start], line_of[idx]))
            header_start = idx + 1
        elif ch == ";" and paren == 0:
            if expr is not None and expr[2] == len(stack):
                found.append((expr[0], line_of[expr[1]], line_of[idx]))
                expr = None
            header_start = idx + 1
        elif ch == "=" and code.startswith("=>", idx) and expr is None and paren == 0:
            header = code[header_start:idx]
            enclosing = stack[-1][0] if stack else "type"
            if enclosing == "type" and header.strip() and "=" not in header:
                expr = (member_name(header), idx, len(stack))
            elif enclosing in ("member", "local", "block") and is_local_function(header):
                expr = (member_name(header), idx, len(stack))
    return found


def classify(header, enclosing):
    text = " ".join(header.split())
    if TYPE_WORDS.search(text) and "(" not in text.split(" where ")[0].split("<")[0] or text.startswith("namespace"):
        return "type"
    if TYPE_WORDS.search(text) and re.search(r"\b(class|struct|record|interface)\s+\w+", text):
        return "type"
    if enclosing == "type":
        if not text or "=" in text.replace("=>", "").replace("==", "").replace("!=", "").replace(">=", "") \
                .replace("<=", ""):
            return "initializer"
        return "member"
    if enclosing in ("member", "local", "block") and is_local_function(text):
        return "local"
    return "block"


def is_local_function(header):
    text = " ".join(header.split())
    if not text or CONTROL.match(text) or "=" in text.replace("==", ""):
        return False
    return re.search(r"^(static\s+|async\s+|unsafe\s+)*[\w<>\[\],.?() ]+\s+\w+(<[^>]*>)?\s*\(.*\)\s*"
                     r"(where\s.*)?$", text) is not None and not re.search(r"\b(else|return|new)\b", text)


def member_name(header):
    text = " ".join(header.split())
    m = re.search(r"(\w+)\s*(<[^()]*>)?\s*\([^()]*(\([^()]*\)[^()]*)*\)\s*(:\s*(base|this)\s*\(.*\))?\s*"
                  r"(where\s.*)?$", text)
    if m:
        return m.group(1)
    words = re.findall(r"\w+", text)
    return words[-1] if words else "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-file", type=int, default=400)
    parser.add_argument("--max-body", type=int, default=60)
    parser.add_argument("--max-line", type=int, default=120, help="characters (not bytes) per line")
    parser.add_argument("dirs", nargs="*", default=["src"])
    args = parser.parse_args()
    over = 0
    for root in args.dirs:
        for path in sorted(pathlib.Path(root).rglob("*.cs")):
            if any(part in ("bin", "obj") for part in path.parts):
                continue
            text = path.read_text(encoding="utf-8-sig")
            lines = text.count("\n") + (0 if text.endswith("\n") else 1)
            if lines > args.max_file:
                print(f"{path}: {lines} lines (file limit {args.max_file})")
                over += 1
            for number, line in enumerate(text.split("\n"), start=1):
                if len(line.rstrip("\r")) > args.max_line:
                    print(f"{path}:{number}: {len(line.rstrip(chr(13)))} characters (line limit {args.max_line})")
                    over += 1
            for name, first, last in bodies(strip_code(text)):
                length = last - first + 1
                if length > args.max_body:
                    print(f"{path}:{first}: {name} is {length} lines (body limit {args.max_body})")
                    over += 1
    if over:
        print(f"{over} over the limits")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
