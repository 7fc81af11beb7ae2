"""One escaping function per output format, for every name and every piece of article or
reviewer text the writers put in a file.

====================  ==========================================================================
format                escaper
====================  ==========================================================================
Markdown              :func:`markdown` (text, one line), :func:`markdown_code` (a code span no
                      text can close), :func:`markdown_url` (a link's destination)
HTML                  Jinja2's autoescape, after :func:`visible` (the page's ``finalize``)
GraphML (XML 1.0)     :func:`xml_text`, :func:`xml_attr`
JSON                  ``json.dumps``, then :func:`json_text` (the same data, with what
                      would act written as ``\\uXXXX``)
terminal              :func:`pipeline.cli._one_line`
====================  ==========================================================================

File names arrive escaped already (:func:`pipeline.fsio.shown_name`: every character that
is not printable as ``\\x1b``, ``\\u202e``, bytes that are not UTF-8 as ``\\xff``), so they read
the same in every output and on the terminal. Article and reviewer text keeps its
characters where the format allows them (no-break spaces, joiners, bidi *marks* are real
text) and gets visible escapes for what would act instead of being shown: C0 and C1 controls
(a terminal reading ``contradictions.md`` would run an escape sequence), bidi embeddings,
overrides and isolates (they reorder the text around them), lone surrogates and the
non-characters XML forbids.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable

import markupsafe

# What would act instead of being shown: C0 controls but tab, newline and carriage return;
# DEL and the C1 controls; bidi embeddings, overrides and isolates; lone surrogates; the two
# non-characters XML 1.0 forbids.
_ACTING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                     "\ud800-\udfff\ufffe\uffff]")


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def visible(text: str) -> str:
    """``text`` with every character that would act instead of being shown (see the module
    docstring) written as a visible escape (``\\x1b``, ``\\u202e``); other text unchanged.
    :class:`markupsafe.Markup` stays Markup (escapes hold no markup character)."""
    if _ACTING.search(text) is None:
        return text
    shown = _ACTING.sub(_shown, text)
    return markupsafe.Markup(shown) if isinstance(text, markupsafe.Markup) else shown


def finalize(value: object) -> object:
    """The HTML environment's ``finalize``: every value a template prints goes through
    :func:`visible` before autoescape."""
    return visible(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------- Markdown

_SPACES = re.compile(r"\s+")
_MD_SPECIAL = re.compile(r"[\\|<>`*\[\]_&]")
_LONE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_BACKTICKS = re.compile(r"`+")


def markdown(text: str | None, *, strip: bool = True) -> str:
    """Text as inline Markdown, safe inside a table cell: one line, pipes escaped, every
    character CommonMark would read as markup (emphasis, links, code, raw HTML, entity
    references) escaped, controls visible."""
    if text is None:
        return ""
    text = visible(_SPACES.sub(" ", text))
    text = text.strip() if strip else text
    if _MD_SPECIAL.search(text) is None:
        return text
    text = text.replace("\\", "\\\\")
    text = _ENTITY.sub(r"\\&", text) if "&" in text else text  # not an entity reference
    text = (text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("`", "\\`").replace("*", "\\*").replace("[", "\\[").replace("]", "\\]"))
    # an underscore inside a word (gpu_count, 000_fc05.txt) never starts emphasis
    return _LONE_UNDERSCORE.sub(r"\\_", text) if "_" in text else text


def markdown_code(text: str | None, *, cell: bool = False) -> str:
    """``text`` as an inline code span that no text can close: its fence is one backtick
    longer than the longest run of backticks in it, with a space inside each end when the
    text starts or ends with a backtick or a space. ``cell``: inside a table, where a pipe
    must be escaped even in a code span (GFM)."""
    text = visible(_SPACES.sub(" ", text or "").strip())
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    if cell:
        text = text.replace("|", "\\|")
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_URL_SAFE = "/:?#[]@!$&'*+,;=%-._~"


def markdown_url(url: str) -> str:
    """A link destination (an http(s) URL, :func:`pipeline.render.report.safe_url`) with
    every character that could end it or break out of it percent-encoded (spaces, parens,
    angle brackets, backticks, backslashes, controls, non-ASCII)."""
    return urllib.parse.quote(url, safe=_URL_SAFE).replace("(", "%28").replace(")", "%29")


# --------------------------------------------------------------------------- JSON

# What ``json.dumps(..., ensure_ascii=False)`` leaves raw that would act in a terminal or a
# line reader: DEL and the C1 controls, line and paragraph separators, bidi embeddings,
# overrides and isolates, lone surrogates (which no UTF-8 file can hold), non-characters.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
                       "\ufffe\uffff]")


def json_text(dumped: str) -> str:
    """JSON text as ``json.dumps(..., ensure_ascii=False)`` wrote it, with every character
    of :data:`_JSON_RAW` as a ``\\uXXXX`` escape: the same data for every JSON parser, one
    line per JSON Lines record, nothing for a terminal to act on. (Such characters occur
    only inside strings, where the escape means the character itself.)"""
    if _JSON_RAW.search(dumped) is None:
        return dumped
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


# --------------------------------------------------------------------------- XML (GraphML)

_XML_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_XML_ATTR = {**_XML_TEXT, '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}
# Characters XML 1.0 forbids (no character reference can hold them either)
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Markup characters, and characters XML 1.0 allows that would act in a terminal or a line
# reader (written as character references, which parse back to the same characters)
_XML_TEXT_CHARS = re.compile("[&<>\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_XML_ATTR_CHARS = re.compile("[&<>\"\r\n\t\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _xml_reference(table: dict[str, str]) -> Callable[[re.Match[str]], str]:
    def reference(match: re.Match[str]) -> str:
        char = match.group()
        return table.get(char) or f"&#x{ord(char):x};"
    return reference


_TEXT_REFERENCE = _xml_reference(_XML_TEXT)
_ATTR_REFERENCE = _xml_reference(_XML_ATTR)


def xml_text(text: str) -> str:
    """Text as XML 1.0 character data: markup characters as entities; characters XML 1.0
    forbids (C0 controls but tab and newlines, lone surrogates, U+FFFE, U+FFFF) as visible
    escapes (``\\x1b``: no XML document can hold them); C1 controls, line separators and bidi
    embeddings, overrides and isolates as character references (``&#x202e;``: the same
    characters for every parser, none of them raw in the file)."""
    if _XML_FORBIDDEN.search(text) is not None:
        text = _XML_FORBIDDEN.sub(_shown, text)
    return _XML_TEXT_CHARS.sub(_TEXT_REFERENCE, text)


def xml_attr(text: str) -> str:
    """Text as a double-quoted XML 1.0 attribute value (as :func:`xml_text`, and quotes and
    whitespace as character references, which attribute normalization would change)."""
    if _XML_FORBIDDEN.search(text) is not None:
        text = _XML_FORBIDDEN.sub(_shown, text)
    return _XML_ATTR_CHARS.sub(_ATTR_REFERENCE, text)
