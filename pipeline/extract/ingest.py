"""Ingest stage: raw bytes of one article -> :class:`Document`.

Reading files is the caller's job (``pipeline.api``); this module only decodes, extracts
text from HTML, finds title / source / date, and marks boilerplate lines.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
import unicodedata
from collections.abc import Sequence
from html.parser import HTMLParser

from pipeline.errors import ArticleError
from pipeline.extract.dates import MONTH_NAMES, MONTHS
from pipeline.fsio import DEFAULT_MAX_BYTES
from pipeline.models import Document, file_title

SUFFIXES = (".txt", ".md", ".html", ".htm")
# spaCy's default ``nlp.max_length``: a longer text cannot be parsed in one piece.
DEFAULT_MAX_CHARS = 1_000_000
MIN_WORDS = 4
_SHORT_HTML_WORDS = 30
_CODE_CHARS = frozenset("{};=")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_URL = re.compile(r"https?://[^\s<>\"')\]]+")
_DATE = re.compile(
    r"\b(?P<month>" + "|".join(MONTH_NAMES) + r")\s+(?P<day>\d{1,2}),\s+(?P<year>(?:19|20)\d{2})\b"
)
_ISO_DATE = re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")


def decode(data: bytes, *, path: str) -> str:
    """Decode article bytes: BOMs, UTF-16 without BOM, UTF-8, then a detected legacy encoding.

    Raises :class:`ArticleError` for binary data and for bytes no encoding explains.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise ArticleError(path, f"starts with a {encoding.upper()} byte-order mark "
                                   "but is not valid in that encoding",
                                   hint="re-save the file as UTF-8") from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if _looks_binary(data):
        raise ArticleError(path, "binary file, not text",
                           hint="remove it from the corpus or convert it to .txt")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ArticleError(path, "cannot detect the text encoding",
                           hint="re-save the file as UTF-8")
    return str(best)


def _utf16_without_bom(data: bytes) -> str | None:
    """Text that is UTF-16 without a byte-order mark: mostly-NUL high bytes of ASCII letters."""
    sample = data[:8192]
    if len(sample) < 8:
        return None
    sample = sample[: len(sample) // 2 * 2]
    half = len(sample) // 2
    even_nul = sample[0::2].count(0) / half
    odd_nul = sample[1::2].count(0) / half
    if odd_nul > 0.6 and even_nul < 0.05:
        encoding = "utf-16-le"
    elif even_nul > 0.6 and odd_nul < 0.05:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data[: len(data) // 2 * 2].decode(encoding)
    except UnicodeDecodeError:
        return None


_LINE_BREAKS = re.compile(r"[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# C0 controls other than tab and newline, DEL, and the non-characters XML 1.0 forbids
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f\ufffe\uffff]")


def _clean_controls(text: str) -> str:
    """Stray NULs, bells, escape sequences' ESC and other control characters are dropped and
    vertical tabs, form feeds and Unicode line separators become newlines: no output format
    (GraphML is XML 1.0, which forbids them) or terminal has to cope with them later."""
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))


def _looks_binary(data: bytes) -> bool:
    """NULs or other control bytes in more than 1% of the first 8 KiB."""
    sample = data[:8192]
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > max(8, len(sample) // 100)


def _not_prose(text: str) -> str | None:
    """Why ``text`` is data or code rather than an article, or ``None`` when it reads as prose."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            json.loads(stripped)
        except (ValueError, RecursionError):  # "[[[[…" nested past the recursion limit
            pass
        else:
            return "looks like JSON data, not an article"
    visible = [c for c in stripped[:200_000] if not c.isspace()]
    if len(visible) >= 200:
        code = sum(1 for c in visible if c in _CODE_CHARS) / len(visible)
        letters = sum(1 for c in visible if c.isalpha()) / len(visible)
        if code > 0.05 and letters < 0.75:
            return "looks like program code (many braces, semicolons and '='), not an article"
    words = re.findall(r"[^\W\d_]{2,}", stripped[:100_000])
    if not words:
        return "no words in the file; not an article"
    if len(words) < MIN_WORDS:
        return f"only {len(words)} word(s); too little text for an article"
    return None


def _word_count(text: str) -> int:
    return len(re.findall(r"[^\W\d_]{2,}", text))


class _TextOnly(HTMLParser):
    """Fallback HTML-to-text for pages trafilatura cannot read (e.g. nesting deeper than lxml
    accepts): visible text outside scripts, styles and page furniture, one block per line."""

    _HIDDEN = frozenset(("script", "style", "noscript", "template", "head", "nav", "header",
                         "footer", "aside", "form", "svg"))
    _BLOCK = frozenset(("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
                        "article", "section", "blockquote", "pre", "table"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self.hidden += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)

    def text(self) -> str:
        lines = (re.sub(r"[ \t\f\v]+", " ", ln).strip() for ln in "".join(self.parts).split("\n"))
        return "\n".join(ln for ln in lines if ln)


def _plain_html_text(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return parser.text()


def _html_to_text(html: str, *, path: str) -> tuple[str, str | None, str | None, str | None]:
    import trafilatura

    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True,
                                   favor_recall=True)
        meta = trafilatura.extract_metadata(html)
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        raise ArticleError(path, f"malformed HTML ({type(exc).__name__}: {exc})",
                           hint="save the article as plain text") from None
    text = text or ""
    if _word_count(text) < _SHORT_HTML_WORDS:
        # trafilatura found little or nothing: lxml gives up on very deep nesting, for
        # one. A plain reading of the visible text is better than losing the article.
        fallback = _plain_html_text(html)
        if _word_count(fallback) > _word_count(text):
            text = fallback
    if _word_count(text) < MIN_WORDS:
        raise ArticleError(path, "no article text found in the HTML",
                           hint="check that the page is an article, or save its text as .txt")
    title = meta.title if meta else None
    source = meta.url if meta else None
    published = meta.date if meta else None
    return text, title, source, published


# A publication date stands on a line of its own ("August 23, 2023, 6:35 PM ET", "Published
# Thursday June 8, 2023") or opens the first line of the story ("NEW YORK, June 5, 2025 -- ...",
# "Thursday June 8, 2023 - Real Madrid have ..."). A date inside a sentence of the body ("who had
# accounts between May 24, 2007 and ...", "the quarter ended July 30, 2023") is an event's date:
# taken as the publication date it would shift every "last year" and every as-of date.
_DATELINE = re.compile(r"(?m)^\s*date\s+((?:19|20)\d{2}-\d{2}-\d{2})\b", re.IGNORECASE)
_DATE_LEAD = re.compile(
    r"^[\W_]*(?:[A-Z][A-Z.'\-]+(?:\s+[A-Z][A-Z.'\-]+)*,?\s+(?:\([A-Za-z]+\)\s*)?)?"
    r"(?:(?:published|updated|last\s+updated|posted|dated?)\b[:\s]*)?(?:on\s+)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?$", re.IGNORECASE)
_DATE_TAIL = re.compile(
    r"^(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}\b)?)?"
    r"(?:[\W_]*$|\s*[-\u2013\u2014|]+\s*\S)", re.IGNORECASE)


def _find_date(text: str) -> str | None:
    """The publication date a plain-text article writes: the ``date YYYY-MM-DD`` marker line,
    else the first date that stands on a line of its own or opens a line as a dateline; else
    None (a date inside a sentence is not taken)."""
    marker = _DATELINE.search(text)
    if marker:
        return marker.group(1)
    for line in text.splitlines():
        if not any(ch.isdigit() for ch in line):
            continue
        for match in (*_DATE.finditer(line), *_ISO_DATE.finditer(line)):
            if not (_DATE_LEAD.match(line[:match.start()]) and
                    _DATE_TAIL.match(line[match.end():])):
                continue
            if match.re is _ISO_DATE:
                return match.group(0)
            month = MONTHS[match["month"].lower()]
            return f"{match['year']}-{month:02d}-{int(match['day']):02d}"
    return None


# A headline: a few words, not a sentence of the body. Lines longer than this, or ending
# like a sentence, are not taken as the title.
TITLE_MAX_WORDS = 20
TITLE_MAX_CHARS = 160
TITLE_MIN_WORDS = 2
TITLE_LINES = 8  # only the first lines of an article can be its headline
_BREADCRUMB = re.compile(r"^home\s*(?:[/»>|]\s*[^/»>|]{1,40}\s*)*[/»>|]\s*", re.IGNORECASE)
_CUT_WORDS = frozenset("a an and as at by for from in of on or the to with".split())
_MD_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*#*\s*$")
_LEAD_MARKUP = re.compile(r"^(?:[#>*_\-\s|]+|\d{1,2}\.\s+)+")
_DATE_MARKER = re.compile(r"^date\s+\d{4}-\d{2}-\d{2}\b", re.IGNORECASE)


def _strip_symbols(line: str) -> str:
    """A line without leading emoji, pictographs and markup (``📊 Full report`` -> ``Full
    report``)."""
    i = 0
    while i < len(line) and (unicodedata.category(line[i]) in ("So", "Sk", "Sm", "Cf", "Mn",
                                                              "Zs", "Cc")
                             or line[i] in "#>*_-|~•·"):
        i += 1
    return line[i:].strip()


def _sentence_end(line: str) -> bool:
    """Whether a line ends like a sentence of the body (a headline rarely does)."""
    core = line.rstrip("\"'”’)»")
    return core.endswith(".") and not core.endswith("...")


def _headline(line: str) -> bool:
    words = line.split()
    if not TITLE_MIN_WORDS <= len(words) <= TITLE_MAX_WORDS or len(line) > TITLE_MAX_CHARS:
        return False
    if _DATE_MARKER.match(line) or _URL.match(line):
        return False
    first = line[0]
    if not (first.isupper() or first.isdigit() or first in "\"'“‘$€£"):
        return False  # a cut line, an attribution ("— Name"), a list continuation
    dated = _DATE.search(line) or _ISO_DATE.search(line)
    if dated and len(line) - len(dated.group(0)) < 12:
        return False  # a dateline, not a headline
    if sum(any(c.isalpha() for c in w) for w in words) * 2 < len(words):
        return False  # mostly numbers and symbols: a dateline or a table row
    if words[-1].lower().strip(",;:") in _CUT_WORDS:
        return False  # a line cut off mid-sentence
    return not _sentence_end(line)


def _body(line: str) -> bool:
    """A line of the article's body: the headline, if any, comes before it."""
    return len(line.split()) > TITLE_MAX_WORDS or (len(line.split()) > 6 and _sentence_end(line))


def _is_boilerplate(line: str, patterns: Sequence[str]) -> bool:
    return any(re.match(p, line, re.IGNORECASE) for p in patterns)


def _banner_title(line: str, patterns: Sequence[str]) -> str | None:
    """The headline a banner line quotes ("Full report: <headline> on example.com — ..."):
    the group ``title`` of a boilerplate pattern of ``rules/ingest.yaml`` that matches the
    line, when it is a few words long."""
    for pattern in patterns:
        if "(?P<title>" not in pattern:
            continue
        match = re.match(pattern, line, re.IGNORECASE)
        if match is None:
            continue
        title = _strip_symbols(match.group("title")).strip()
        if TITLE_MIN_WORDS <= len(title.split()) <= TITLE_MAX_WORDS and \
                len(title) <= TITLE_MAX_CHARS:
            return title
    return None


def find_title(text: str, *, markdown: bool = False,
               boilerplate: Sequence[str] = ()) -> str | None:
    """An article's title when its HTML metadata gave none: a Markdown heading, else the first
    of its first lines that reads as a headline (boilerplate and banner lines from
    ``rules/ingest.yaml`` skipped, emoji prefixes dropped); ``None`` when there is none (the
    document is then titled by its file name: :func:`pipeline.models.file_title`)."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][:TITLE_LINES * 4]
    if markdown:
        for line in lines:
            heading = _MD_HEADING.match(line)
            if heading and _headline(_strip_symbols(heading.group(1))):
                return _strip_symbols(heading.group(1))
    for line in lines[:TITLE_LINES]:
        line = _strip_symbols(_LEAD_MARKUP.sub("", _BREADCRUMB.sub("", line)))
        quoted = _banner_title(line, boilerplate)
        if quoted:
            return quoted
        if not line or _is_boilerplate(line, boilerplate):
            continue
        if _headline(line):
            return line
        if _body(line):
            break
    return None


def _boilerplate(text: str, patterns: Sequence[str]) -> tuple[tuple[int, int], ...]:
    compiled = [re.compile(p, re.IGNORECASE) for p in patterns]
    ranges: list[tuple[int, int]] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped and any(c.match(stripped) for c in compiled):
            start = pos + line.index(stripped[0])
            ranges.append((start, start + len(stripped)))
        pos += len(line)
    return tuple(ranges)


def ingest(
    rel_path: str,
    data: bytes,
    *,
    boilerplate: Sequence[str] = (),
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Document:
    """Turn one article's bytes into a :class:`Document`, or raise :class:`ArticleError`.

    Every way an article can be unusable (wrong type, too big, empty, binary, undecodable,
    no article text in the HTML, data or code instead of prose, longer than the parser
    accepts) is an :class:`ArticleError` whose message names the file and says what to do.
    """
    suffix = "." + rel_path.rsplit(".", 1)[-1].lower() if "." in rel_path else ""
    if suffix not in SUFFIXES:
        raise ArticleError(rel_path, f"not an article file type ({suffix or 'no suffix'})",
                           hint="use .txt, .md or .html")
    if len(data) > max_bytes:
        raise ArticleError(rel_path, f"file is {len(data):,} bytes, over the "
                           f"{max_bytes:,}-byte limit",
                           hint="split it, or raise --max-bytes")
    if not data.strip():
        raise ArticleError(rel_path, "empty file", hint="remove it or add the article text")
    text = decode(data, path=rel_path)
    text = _clean_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    title = source = published = None
    if suffix in (".html", ".htm"):
        text, title, source, published = _html_to_text(text, path=rel_path)
    if not text.strip():
        raise ArticleError(rel_path, "no text after decoding", hint="check the file")
    reason = _not_prose(text)
    if reason:
        raise ArticleError(rel_path, reason, hint="remove it from the corpus")
    if len(text) > max_chars:
        raise ArticleError(rel_path, f"article text is {len(text):,} characters, over the "
                           f"parser's {max_chars:,}-character limit",
                           hint="split it into several articles")
    if not title or _is_boilerplate(title.strip(), boilerplate):
        title = find_title(text, markdown=suffix == ".md", boilerplate=boilerplate)
    if source is None:
        url = _URL.search(text)
        source = url.group(0).rstrip(".,;") if url else None
    published = published or _find_date(text)
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(
        id=sha[:16],
        path=rel_path,
        title=title or file_title(rel_path),
        untitled=not title,
        source=source,
        published=published,
        text=text,
        sha256=sha,
        boilerplate=_boilerplate(text, boilerplate),
    )
