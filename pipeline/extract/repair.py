"""Repair stage: detect garbled runs in a document and repair them.

The common damage: a Markdown renderer treated the text between two ``$`` signs as LaTeX math.
Inside such a run the spaces and both ``$`` signs vanished and some characters were swapped for
math lookalikes (``'`` -> ``′``, ``**`` -> ``∗∗``, ``-`` -> ``−``, ``"`` -> ``”``). So
``$10 billion for the startup's work or buy it outright for $60 billion`` became
``10billionforthestartup′sworkorbuyitoutrightfor60 billion``: the run starts where the first
``$`` was (at a digit) and ends right before the number that followed the second ``$``.

Detection is general, per whitespace-free token: math lookalikes in prose, numbers glued to
words, and long glued lowercase runs that segment into common words. Repair segments the glued
letters with a word-cost table (wordninja's English list, biased by the document's own words so
names such as SpaceX, xAI or ChatGPT survive), keeps numbers with their separators, restores the
``$`` signs the damage pattern implies and normalizes the lookalikes. Mojibake (``â€™``) is fixed
with ftfy. Clean text is never touched.

Every change is recorded twice: as a :class:`Repair` per damaged run (original text and repair)
and as fine-grained ``edits`` so :meth:`RepairedText.to_original` maps any repaired span back.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import ftfy
import wordninja

from pipeline.models import Document, Finding, Repair, RepairedText, Severity, Span

CHECK_NAME = "garbled.v1"

# Math alphanumerics (𝑏𝑖𝑙𝑙𝑖𝑜𝑛, ℎ) as copied from rendered math, one-to-one back to ASCII.
_MATH_LETTERS = {cp: unicodedata.normalize("NFKC", chr(cp))
                 for cp in (*range(0x1D400, 0x1D800), 0x210E)
                 if len(unicodedata.normalize("NFKC", chr(cp))) == 1
                 and unicodedata.normalize("NFKC", chr(cp)).isascii()}
# Math lookalikes a LaTeX renderer puts in place of prose characters (all one-to-one).
_LOOKALIKE = str.maketrans({"′": "'", "’": "'", "∗": "*", "−": "-", "″": '"', "”": '"', "“": '"',
                            **{chr(cp): ch for cp, ch in _MATH_LETTERS.items()}})
_LOOKALIKE_IN_PROSE = re.compile(
    r"[\U0001D400-\U0001D7FF\u210E]|"  # math italic letters and digits
    r"[A-Za-z]′|′[A-Za-z]"      # prime used as an apostrophe
    r"|∗∗"                      # bold markers rendered as asterisk operators
    r"|[A-Za-z]−[A-Za-z]"       # minus sign used as a hyphen
)
_MOJIBAKE_HINT = re.compile(r"[ÂÃâðÅÄ][\u0080-\u024f\u2000-\u20ff\u2100-\u215f]")
# A token worth cutting out of the document's vocabulary: lookalikes, a number glued to a
# word, mojibake (one search for the three tests).
_SUSPICIOUS = re.compile("|".join((_LOOKALIKE_IN_PROSE.pattern, r"\d[A-Za-z]{3}|[a-z]{3}\d",
                                   _MOJIBAKE_HINT.pattern)))
_NON_SPACE = re.compile(r"\S+")
_SKIP_TOKEN = re.compile(
    r"://|^www\.|@|^#|[_=<>{}`\\|~^]"          # URLs, emails, handles, hashtags, code
    r"|[a-z0-9]\.(?:com|org|net|io|ai|co|gov|edu|uk|de|fr|app|dev)\b"
)
_HEX = re.compile(r"(?<![A-Za-z0-9])[0-9a-fA-F]{8,}(?![A-Za-z0-9])")
_ATOM = re.compile(
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?%?)"
    r"|(?P<abbr>(?:[A-Za-z]\.){2,})"                          # U.S., e.g.
    r"|(?P<word>(?:(?![A-Za-z]\.[A-Za-z]\.)[A-Za-z])+(?:'[A-Za-z]+)*)"
    r"|(?P<bold>\*\*)"
    r"|(?P<quote>\")"
    r"|(?P<punct>[.,;:!?])"
    r"|(?P<open>[(\[])"
    r"|(?P<close>[)\]])"
    r"|(?P<other>.)",
    re.S,
)
_TAIL = re.compile(r"(?<=\D)(?<!\d[.,])\d+(?:[.,]\d+)*(?:[A-Za-z]{1,2}|%)?(?:/[A-Za-z]+)?$")
_TRAILING_PUNCT = re.compile(r"[.,;:!?)\]”’\"'*]*$")
_LEADING_PUNCT = re.compile(r"^[*(\[“‘\"'—–]*")
_NAME = re.compile(r"^[A-Z][a-z]{2,9}$")  # an unknown capitalized word is likely a name
_BRAND = re.compile(r"^[a-z][A-Z][a-z]+$")  # iPhone, eBay: no penalty for the inner capital
_CAPS_THEN_LOWER = re.compile(r"[A-Z]{2}[a-rt-z]|[A-Z]{2}s[a-z]")  # "AId", not "GPUs"
_ORDINALS = {"1": "st", "2": "nd", "3": "rd"}
_PLAIN_WORD = re.compile(r"([A-Za-z]+)[.,;:!?]?")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_LOWER_UPPER = re.compile(r"[a-z][A-Z]")
# Scale abbreviations written glued to a number ($300mn, $1.25B, $40k); same list as the
# quantities stage reads. A glued run may hide one: 300mn,debt -> 300mn, debt.
_NUMBER_SUFFIXES = ("mln", "bln", "trn", "mn", "bn", "tn", "Bn", "Tn", "MM",
                    "k", "K", "m", "M", "b", "B", "T")
_CURRENCY_PREFIX = re.compile(r"^[A-Z]{1,3}$")  # US$, S$, HK$: glued to the $

DOC_WORD_COST = 9.0       # cost of a word the document itself uses (rank ~ a few thousand)
UNKNOWN_COST = 22.0       # cost of a letter string no vocabulary knows, plus per letter below
UNKNOWN_PER_CHAR = 3.0
UNKNOWN_NAME_COST = 14.0  # ... cheaper for a capitalized word: names are rarely listed
UNKNOWN_NAME_PER_CHAR = 1.5
CASE_PENALTY = 8.0        # a lower->upper change inside a piece the document never wrote so
COMMON_COST = 7.0         # words cheaper than this are function words (the, of, for, ...)
SUFFIX_COST = 2.0         # reading "mnfor" as a glued "mn" + "for" costs this much extra
SINGLE_LETTER_PENALTY = 8.0  # a lone lowercase letter other than "a" is rarely a word
MAX_TOKEN = 2000          # longer whitespace-free strings are data, not prose: left alone
LONG_RUN = 12             # letters glued without any other signal need at least this many


@dataclass(frozen=True)
class Vocabulary:
    """Word costs for segmentation: English word ranks biased by one document's words."""

    base: Mapping[str, float]
    doc: Mapping[str, float] = field(default_factory=dict)
    cased: frozenset[str] = frozenset()
    splits: Mapping[str, int] = field(default_factory=dict)
    max_len: int = 40
    # segmentations already computed with this vocabulary (a memo, not part of its value)
    memo: dict[str, tuple[list[tuple[int, int]], float]] = field(
        default_factory=dict, compare=False, repr=False)
    piece_memo: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def cost(self, key: str) -> float | None:
        doc, base = self.doc.get(key), self.base.get(key)
        if doc is None:
            return base
        return doc if base is None else min(doc, base)

    def known(self, key: str) -> bool:
        return key in self.doc or key in self.base


def base_costs() -> Mapping[str, float]:
    """wordninja's English word costs (Zipf: cost = log(rank * log N))."""
    model = wordninja.DEFAULT_LANGUAGE_MODEL
    return model._wordcost  # noqa: SLF001 - wordninja exposes no public accessor


def build_vocabulary(words: Iterable[str], *, base: Mapping[str, float] | None = None,
                     bigrams: Iterable[tuple[str, str]] = ()) -> Vocabulary:
    """A vocabulary that adds ``words`` (as written in a document) to the English list.

    A document bigram whose concatenation is an English word overrides that word when the
    document writes the pair more often than the word (``per cent`` over ``percent``).
    """
    base = base_costs() if base is None else base
    counts = Counter(w for w in words if len(w) >= 2)
    lowered = Counter[str]()
    for word, n in counts.items():
        lowered[word.lower()] += n
    cased = frozenset(w for w in counts if _has_inner_upper(w))
    cased_keys = {w.lower() for w in cased}
    doc: dict[str, float] = {}
    for key, n in lowered.items():
        if key not in base and len(key) >= LONG_RUN and n == 1 and key not in cased_keys:
            continue  # a long one-off lowercase string may itself be glued words
        if len(key) >= 3 or key in base:
            doc[key] = DOC_WORD_COST - min(2.0, math.log(n))
    splits: dict[str, int] = {}
    pair_counts = Counter((a.lower(), b.lower()) for a, b in bigrams)
    for (a, b), n in pair_counts.items():
        key = a + b
        if key in base and n > lowered.get(key, 0):
            splits[key] = len(a)
            doc[key] = min(doc.get(key, DOC_WORD_COST), DOC_WORD_COST)
    return Vocabulary(base=base, doc=doc, cased=cased, splits=splits)


def _has_inner_upper(word: str) -> bool:
    if word.islower() or word.isupper():
        return False  # no lowercase letter, or no uppercase one: nothing to change between
    if word.isascii():
        return _LOWER_UPPER.search(word) is not None
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False))


def segment(text: str, vocab: Vocabulary) -> list[tuple[int, int]]:
    """Split a glued letter string into word pieces, as ``(start, end)`` offsets into it.

    Pieces may contain apostrophes (``startup's``); a pair the document writes as two words is
    returned as two pieces.
    """
    return list(_segment(text, vocab)[0])


def _segment(text: str, vocab: Vocabulary) -> tuple[list[tuple[int, int]], float]:
    found = vocab.memo.get(text)
    if found is None:
        found = vocab.memo[text] = _segment_dp(text, vocab)
    return found


def _segment_dp(text: str, vocab: Vocabulary) -> tuple[list[tuple[int, int]], float]:
    lower = text.lower()
    n = len(text)
    inf = math.inf
    best_cost = [0.0] + [inf] * n
    best_start = [0] * (n + 1)
    # splitting an acronym (GP|T) costs extra
    acronym = [0 < start and text[start - 1].isupper() and text[start].isupper()
               for start in range(n)]
    # an ASCII piece's cost depends on the piece alone: shared by every segmentation of the
    # document (other scripts may lowercase by context, so they are costed in place)
    memo = vocab.piece_memo if text.isascii() else None
    max_len = vocab.max_len
    # Pieces relax forward from each start in increasing order; a cost replaces the best only
    # when lower, so each end keeps the smallest start among equal costs, as a backward scan
    # over the starts of each end would.
    known = memo.get if memo is not None else None
    for start in range(n):
        prev = best_cost[start]
        if prev == inf:
            continue
        penalty = acronym[start]
        for end in range(start + 1, min(n, start + max_len) + 1):
            if known is None:
                piece_cost = _piece_cost(text[start:end], lower[start:end], vocab)
            else:
                piece = text[start:end]
                piece_cost = known(piece)  # type: ignore[assignment]
                if piece_cost is None:
                    piece_cost = memo[piece] = _piece_cost(  # type: ignore[index]
                        piece, lower[start:end], vocab)
            cost = prev + piece_cost
            if penalty:
                cost += CASE_PENALTY
            if cost < best_cost[end]:
                best_cost[end] = cost
                best_start[end] = start
    pieces: list[tuple[int, int]] = []
    end = n
    while end > 0:
        start = best_start[end]
        split = vocab.splits.get(lower[start:end])
        if split:
            pieces += [(start + split, end), (start, start + split)]
        else:
            pieces.append((start, end))
        end = start
    return pieces[::-1], best_cost[n]


def _piece_cost(piece: str, key: str, vocab: Vocabulary) -> float:
    if key.startswith("'") or key.endswith("'"):
        return math.inf
    doc, base = vocab.doc.get(key), vocab.base.get(key)  # vocab.cost(key), inlined: the
    cost = base if doc is None else doc if base is None else min(doc, base)  # DP's hot spot
    if cost is None and key.endswith("'s"):
        stem = vocab.cost(key[:-2])
        cost = None if stem is None else stem + 0.5
    if cost is not None and len(piece) == 1 and piece.islower() and piece != "a":
        cost += SINGLE_LETTER_PENALTY
    if cost is None:
        if "'" in key:
            return math.inf
        cost = UNKNOWN_COST + UNKNOWN_PER_CHAR * len(key)
        if _NAME.match(piece):
            cost = UNKNOWN_NAME_COST + UNKNOWN_NAME_PER_CHAR * len(key)
    if piece == key:
        return cost  # all lowercase: no case checks
    odd_case = _has_inner_upper(piece) and not _BRAND.match(piece) or _CAPS_THEN_LOWER.search(piece)
    if odd_case and piece not in vocab.cased:
        cost += CASE_PENALTY
    return cost


# --- detection ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    kind: str
    start: int  # offsets into the token
    end: int
    text: str   # normalized text


def _atoms(norm: str, start: int = 0, end: int | None = None) -> list[_Atom]:
    end = len(norm) if end is None else end
    return [_Atom(m.lastgroup or "other", start + m.start(), start + m.end(), m.group())
            for m in _ATOM.finditer(norm[start:end])]


def _is_garbled_word(word: str, vocab: Vocabulary, *, glued_to_number: bool) -> bool:
    """Is this letter string several words glued together?"""
    key = word.lower().replace("'", "")
    if vocab.known(word.lower()) or vocab.known(key):
        return False
    name_like = word[:1].isupper() and word[1:].islower() and len(key) < 2 * LONG_RUN
    if len(key) < 6 if glued_to_number else len(key) < LONG_RUN or name_like:
        return False  # what the verdicts below say whatever the segmentation
    pieces = [word[a:b] for a, b in segment(word, vocab)]
    known = [p for p in pieces if vocab.known(p.lower()) or p.lower().endswith("'s")]
    names = [p for p in pieces if p not in known and _NAME.match(p)]
    if len(pieces) < 2 or len(known) < 2 or len(known) + len(names) < len(pieces):
        return False
    if glued_to_number:
        return len(key) >= 6  # not brand names like 23andMe
    if len(key) < LONG_RUN or len(pieces) < 3 or name_like:
        return False
    common = [p for p in pieces
              if len(p) >= 2 and vocab.base.get(p.lower(), math.inf) < COMMON_COST]
    return len(common) >= 2  # glued prose has function words; "de carbon is ation" has one


def _glued(token: str, vocab: Vocabulary) -> bool:
    norm = token.translate(_LOOKALIKE)
    atoms = _atoms(norm)
    numbers = [i for i, a in enumerate(atoms) if a.kind == "num"]
    for a, b in zip(numbers, numbers[1:], strict=False):
        # words between two numbers, lowercase glued to the second: 45to75,
        # 68.7billion,or95, generates∗∗240 (not Q3FY25, $1.5bn-$2bn or 10am-5pm)
        k = b - 1
        while k > a and atoms[k].kind in ("bold", "quote"):
            k -= 1
        if atoms[k].kind != "word" or not atoms[k].text[-1].islower():
            continue
        if any(w.kind == "word" and len(w.text) >= 2 and not w.text.isupper() and (
                vocab.known(w.text.lower()) or
                _is_garbled_word(w.text, vocab, glued_to_number=True))
               for w in atoms[a + 1:b]):
            return True
    for i, atom in enumerate(atoms):
        if atom.kind != "word":
            continue
        before = atoms[i - 1].kind if i else None
        after = atoms[i + 1].kind if i + 1 < len(atoms) else None
        if _is_garbled_word(atom.text, vocab, glued_to_number="num" in (before, after)):
            return True
    return False


def _lookalikes(token: str) -> bool:
    return bool(_LOOKALIKE_IN_PROSE.search(token))


def _skip(token: str) -> bool:
    if len(token) > MAX_TOKEN:
        return True
    return bool(_SKIP_TOKEN.search(token)) or any(
        re.search(r"\d", h) and re.search(r"[a-fA-F]", h) for h in _HEX.findall(token))


# --- repair of one token -----------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    apostrophe: str = "'"
    open_quote: str = '"'
    close_quote: str = '"'
    spaced_dash: bool = False  # " — " rather than "—"


@dataclass
class _Out:
    """Pieces of repaired text, each tied to the original range it replaces."""

    parts: list[tuple[int, int, str]] = field(default_factory=list)  # (o_start, o_end, text)

    def add(self, o_start: int, o_end: int, text: str) -> None:
        self.parts.append((o_start, o_end, text))

    def insert(self, at: int, text: str) -> None:
        self.parts.append((at, at, text))

    def text(self) -> str:
        return "".join(t for _, _, t in self.parts)


def _repair_token(token: str, offset: int, vocab: Vocabulary, style: _Style,
                  glued: bool) -> tuple[_Out, float]:
    """Repair one damaged token; offsets in the result are into the document."""
    out = _Out()
    if not glued:  # lookalikes only (Anthropic′s, run−rate): swap them, never re-space
        _copy(out, token, offset, 0, len(token), style)
        return out, 0.9
    norm = token.translate(_LOOKALIKE)
    core_end = len(token) - len(_TRAILING_PUNCT.search(token).group())  # type: ignore[union-attr]
    lead = len(_LEADING_PUNCT.match(token).group())  # type: ignore[union-attr]
    prefix = re.match(r"[A-Z]{1,3}(?=\d)", token[lead:])  # US$5 -> US5
    lead += len(prefix.group()) if prefix else 0
    tail = _TAIL.search(norm[:core_end]) if glued else None
    dollar = bool(glued and tail and lead < len(token) and token[lead].isdigit())
    run_start = lead if dollar else 0
    run_end = tail.start() if dollar and tail else len(token)
    atoms = _atoms(norm, run_start, run_end)
    if run_start:
        out.add(offset, offset + run_start, token[:run_start])
    if dollar:
        out.insert(offset + run_start, "$")
    quote_open = bold_open = False
    seen_number = False
    last_piece = ""
    previous: _Atom | None = None
    pieces_total = pieces_known = 0
    for i, atom in enumerate(atoms):
        nxt = atoms[i + 1] if i + 1 < len(atoms) else None
        at_end = nxt is None
        space = False
        suffix = 0
        if atom.kind == "bold":
            opening = _bold_opens(previous, nxt, at_end=at_end and dollar, is_open=bold_open,
                                  seen_number=seen_number)
            bold_open = opening
            space = opening and _wordish(previous)
            text = "**"
        elif atom.kind == "quote":
            opening = _quote_opens(previous, nxt, is_open=quote_open)
            quote_open = opening
            space = opening and _wordish(previous)
            text = style.open_quote if opening else style.close_quote
            if token[atom.start] == '"':
                text = '"'
        else:
            space = _needs_space(previous, atom, bold_open=bold_open, quote_open=quote_open,
                                 spaced_dash=style.spaced_dash)
            text = None  # type: ignore[assignment]
            if atom.kind == "word" and previous is not None and previous.kind == "num":
                suffix = _number_suffix(atom.text, vocab, previous.text)
                space = space and not suffix
        if space and previous is not None:
            out.insert(offset + atom.start, " ")
        if atom.kind == "word":
            if suffix:  # 300mn,debt: the scale stays on the number
                _copy(out, token, offset, atom.start, atom.start + suffix, style)
            rest = atom.text[suffix:]
            for k, (a, b) in enumerate(segment(rest, vocab) if rest else ()):
                a, b = a + suffix, b + suffix
                last_piece = piece = atom.text[a:b]
                pieces_total += 1
                pieces_known += vocab.known(piece.lower().removesuffix("'s")) and (
                    len(piece) > 1 or piece.lower() in "ai")
                if k or suffix:
                    out.insert(offset + atom.start + a, " ")
                _copy(out, token, offset, atom.start + a, atom.start + b, style)
        elif text is not None:
            out.add(offset + atom.start, offset + atom.end, text)
        else:
            _copy(out, token, offset, atom.start, atom.end, style)
        seen_number = seen_number or atom.kind == "num"
        previous = atom
    if dollar and tail:
        closing_open = previous is not None and (
            previous.kind in ("open", "other") or
            previous.kind in ("bold", "quote") and out.parts[-1][2] in ("**", style.open_quote)
            or previous.kind == "word" and bool(_CURRENCY_PREFIX.match(last_piece))
            and last_piece not in ("A", "I"))
        out.insert(offset + run_end, "$" if closing_open else " $")
        _copy(out, token, offset, run_end, len(token), style)
    confidence = 0.55 + (0.3 if dollar else 0.0) + (0.1 if _lookalikes(token) else 0.0)
    if pieces_total:
        confidence *= 0.5 + 0.5 * pieces_known / pieces_total
    return out, round(min(confidence, 0.99), 2)


def _ordinal(number: str) -> str:
    if number[-2:-1] == "1":
        return "th"
    return _ORDINALS.get(number[-1], "th")


def _number_suffix(word: str, vocab: Vocabulary, number: str) -> int:
    """Length of a scale abbreviation or ordinal glued at the start of ``word``, which
    follows ``number`` (300mn,debt; 21stcentury)."""
    whole = _segment(word, vocab)[1]
    for suffix in (*_NUMBER_SUFFIXES, _ordinal(number)):
        if word.startswith(suffix):
            rest = word[len(suffix):]
            if not rest or rest[0].isalpha() and \
                    _segment(rest, vocab)[1] + SUFFIX_COST < whole:
                return len(suffix)
    return 0


def _copy(out: _Out, token: str, offset: int, start: int, end: int, style: _Style) -> None:
    """Copy ``token[start:end]``, replacing lookalikes one character at a time."""
    run = start
    for i in range(start, end):
        ch = token[i]
        fixed = {"′": style.apostrophe, "−": "-", "∗": "*"}.get(ch) or \
            _MATH_LETTERS.get(ord(ch))
        if fixed is None:
            continue
        if run < i:
            out.add(offset + run, offset + i, token[run:i])
        out.add(offset + i, offset + i + 1, fixed)
        run = i + 1
    if run < end:
        out.add(offset + run, offset + end, token[run:end])


def _wordish(atom: _Atom | None) -> bool:
    return atom is not None and atom.kind in ("word", "abbr", "num", "punct", "close", "bold",
                                              "quote")


def _bold_opens(previous: _Atom | None, nxt: _Atom | None, *, at_end: bool, is_open: bool,
                seen_number: bool) -> bool:
    if at_end:
        return True          # right before the closing-$ number: **$240
    if nxt is None or nxt.kind in ("punct", "close"):
        return False
    if nxt.kind == "num":
        return True
    if previous is None or previous.kind in ("open", "other"):
        return True
    return not (is_open or seen_number)


def _quote_opens(previous: _Atom | None, nxt: _Atom | None, *, is_open: bool) -> bool:
    if nxt is None or nxt.kind in ("punct", "close"):
        return False
    if previous is None or previous.kind in ("open", "other"):
        return True
    return not is_open


def _needs_space(previous: _Atom | None, atom: _Atom, *, bold_open: bool,
                 quote_open: bool, spaced_dash: bool = False) -> bool:
    if previous is None:
        return False
    pk, k = previous.kind, atom.kind
    if spaced_dash and "—" in (atom.text, previous.text):
        return True
    if k in ("punct", "close", "other") or pk in ("open", "other"):
        return False
    if pk == "bold":
        return not bold_open
    if pk == "quote":
        return not quote_open
    if pk == "num" and k == "word":
        word = atom.text.lower()
        return word != _ordinal(previous.text) and word != "s"
    if pk == "word" and k == "num":
        return not (len(previous.text) == 1 and previous.text.isupper())
    if pk == "punct" and k == "num" and previous.text == ":":
        return False
    return True


# --- the stage ---------------------------------------------------------------------------


def _document_style(text: str) -> _Style:
    curly_apostrophes = len(re.findall(r"[A-Za-z]’[A-Za-z]", text))
    straight_apostrophes = len(re.findall(r"[A-Za-z]'[A-Za-z]", text))
    curly_quotes = text.count("“")
    spaced = len(re.findall(r"\s—\s", text)) > len(re.findall(r"\S—\S", text))
    return _Style(apostrophe="’" if curly_apostrophes > straight_apostrophes else "'",
                  open_quote="“" if curly_quotes > text.count('"') // 2 else '"',
                  close_quote="”" if curly_quotes > text.count('"') // 2 else '"',
                  spaced_dash=spaced)


def _without(text: str, exclude: Iterable[tuple[int, int]]) -> str:
    """``text`` with the ``exclude`` ranges cut out (each cut leaves a paragraph break)."""
    pieces: list[str] = []
    last = 0
    for start, end in sorted(exclude):
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    return " \n ".join(pieces)


def _document_vocabulary(clean: str, *, base: Mapping[str, float] | None = None) -> Vocabulary:
    """The vocabulary of one document's clean text (damaged-looking tokens cut out)."""
    words = re.findall(r"[A-Za-z]+", clean)
    bigrams = re.findall(r"(?<![A-Za-z])([A-Za-z]+) ([A-Za-z]+)(?![A-Za-z])", clean)
    bigrams += re.findall(r"(?<=[A-Za-z] )([A-Za-z]+) ([A-Za-z]+)(?![A-Za-z])", clean)
    return build_vocabulary(words, base=base, bigrams=bigrams)


def repair(document: Document, *, enabled: bool = True,
           document_vocabulary: bool = True) -> RepairedText:
    """Return the document's text with garbled runs repaired, and the offset map back.

    ``document_vocabulary=False`` segments with the English word list alone (for benchmarks).
    """
    text = document.text
    if not enabled:
        return RepairedText(doc_id=document.id, text=text)
    tokens = [(m.start(), m.group()) for m in _NON_SPACE.finditer(text)]
    search = _SUSPICIOUS.search
    suspicious = {start for start, token in tokens if search(token)}
    clean = _without(text, [(s, s + len(t)) for s, t in tokens if s in suspicious])
    vocab = _document_vocabulary(clean) if document_vocabulary else build_vocabulary(())
    style = _document_style(clean)
    out = _Out()
    repairs: list[Repair] = []
    last = 0
    for start, token in tokens:
        result = _repair_one(token, start, vocab, style, document.id)
        if result is None:
            continue
        parts, rep = result
        if last < start:
            out.add(last, start, text[last:start])
        out.parts += parts.parts
        repairs.append(rep)
        last = start + len(token)
    if not repairs:
        return RepairedText(doc_id=document.id, text=text)
    if last < len(text):
        out.add(last, len(text), text[last:])
    repaired, edits = _assemble(out, text)
    return RepairedText(doc_id=document.id, text=repaired, repairs=tuple(repairs),
                        edits=tuple(edits))


def _repair_one(token: str, start: int, vocab: Vocabulary, style: _Style,
                doc_id: str) -> tuple[_Out, Repair] | None:
    if token.isascii():
        # fast paths for clean tokens (most of them), each the verdict of the full test below:
        # ASCII without letters cannot be glued prose, hold a lookalike or be mojibake; a known
        # word with at most one trailing stop is one word atom, which is not glued
        plain = _PLAIN_WORD.fullmatch(token)
        if plain is not None and vocab.known(plain.group(1).lower()) or \
                not _ASCII_LETTER.search(token):
            return None
    if _MOJIBAKE_HINT.search(token):
        fixed = ftfy.fix_encoding(token)
        if fixed != token:
            out = _Out()
            out.add(start, start + len(token), fixed)
            return out, _make_repair(doc_id, start, token, fixed, "mojibake", 0.95)
    if _skip(token):
        return None
    glued = _glued(token, vocab)
    if not glued and not _lookalikes(token):
        return None
    out, confidence = _repair_token(token, start, vocab, style, glued)
    repaired = out.text()
    if repaired == token:
        return None
    kind = "glued" if glued else "lookalike"
    return out, _make_repair(doc_id, start, token, repaired, kind, confidence)


def _make_repair(doc_id: str, start: int, original: str, repaired: str, kind: str,
                 confidence: float) -> Repair:
    span = Span(doc_id=doc_id, start=start, end=start + len(original), text=original)
    return Repair(span=span, original=original, repaired=repaired, kind=kind,
                  confidence=confidence)


def _assemble(out: _Out, original: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """Join the parts; every part that differs from the original becomes its own edit.

    Adjacent edits stay separate (an inserted ``$`` next to a replaced ``∗∗``) so a figure's
    span maps back to exactly its own characters.
    """
    chunks: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    pos = 0
    for o_start, o_end, new in out.parts:
        if original[o_start:o_end] != new:
            edits.append((pos, pos + len(new), o_start, o_end))
        chunks.append(new)
        pos += len(new)
    return "".join(chunks), edits


# --- findings ----------------------------------------------------------------------------


def _severity(confidence: float) -> Severity:
    """A confident repair is informational; a doubtful one asks the reviewer to look."""
    if confidence >= 0.8:
        return "info"
    return "low" if confidence >= 0.5 else "medium"


def garbled_findings(document: Document, repaired: RepairedText) -> list[Finding]:
    """One ``garbled`` finding per repaired run, in text order."""
    findings = []
    for rep in repaired.repairs:
        raw = f"{document.sha256}:{rep.span.start}:{rep.span.end}:{CHECK_NAME}".encode()
        findings.append(Finding(
            id="f-" + hashlib.sha1(raw).hexdigest()[:12],
            kind="garbled",
            severity=_severity(rep.confidence),
            subject=None,
            metric=None,
            claims=(),
            explanation=(f"{document.path} chars {rep.span.start}-{rep.span.end}: "
                         f"{rep.kind} text “{rep.original}” repaired to “{rep.repaired}” "
                         f"(confidence {rep.confidence:.2f})."),
            check=CHECK_NAME,
        ))
    return findings
