"""Claims stage: turn each quantity into a :class:`Claim` with subject, metric, time, modality.

A figure becomes a claim frame:

- **subject** — the entity the figure is about: spaCy NER plus the EntityRuler fed by
  ``rules/entities.yaml`` (canonical names), pronouns and definite descriptions ("the startup")
  resolved to the nearest earlier fitting entity, then the candidate nearest the figure in the
  dependency tree. For payment metrics the subject is a *party* of the payment read from
  ``rules/roles.yaml`` frames (a lease payment belongs to the lessor, a deal value to the
  company bought); payer and payee are recorded on the claim.
- **metric** — from ``rules/metrics.yaml``: the unit decides when a metric lists it, else the
  cue word nearest the figure in the dependency tree; ``unknown`` when nothing fits.
- **time** — the date expression nearest the figure (``as_of`` normalised, ``period`` as
  written), the article's date as fallback.
- **modality**, **hedges**, **attribution**, **qualifier** — from ``rules/cues.yaml``.

Decisions a checker relies on (blocks are ``(subject, metric, normalized unit)``):

- A payment has one subject across articles whichever party the sentence starts from:
  ``lease_payment`` belongs to the payee/lessor ("Anthropic pays Musk $1.25B/month", "Musk
  leases ... to Anthropic for $15 billion annually" and "$45 billion deal for Anthropic to use
  SpaceX's Colossus" are all SpaceX's lease revenue; Musk ``acts_for`` SpaceX in entities.yaml);
  ``deal_value`` belongs to the company bought. ``payer``/``payee`` are recorded as well.
- Merged entities keep the name the article uses (xAI's burn stays on xAI); ``merged_into`` in
  entities.yaml lets a check roll them up.
- Word senses are rules data: "a billion a month loss" is cash burn (metrics.yaml), "would"
  marks a projection (cues.yaml).

All knowledge (entity names, cue words, frames) comes from ``rules/``; this module holds only
the procedure.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy
import pint
from spacy.attrs import DEP, IS_ALPHA, IS_STOP, LOWER, ORTH, SENT_START
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from pipeline.extract.dates import MONTHS
from pipeline.models import Claim, Document, Modality, Quantity, RepairedText, Span
from pipeline.rules import MetricRule, Rules
from pipeline.units import (
    Conversions,
    dimension_of,
    normalize,
    unit_expression,
    unit_name_known,
)

# spaCy's NER label scheme (not world knowledge): which entity types can own a figure.
SUBJECT_LABELS = ("ORG", "PERSON", "PRODUCT", "FAC", "GPE", "NORP", "WORK_OF_ART")
# Labels of places: as a modifier ("the Memphis facility") a place locates, it does not own.
PLACE_LABELS = ("GPE", "LOC")
MODALITY_PRIORITY: tuple[Modality, ...] = (
    "alternative", "hypothetical", "conditional", "projection", "quoted"
)
_FAR = 99
# Hedge recorded when a bare number was read as money in the article's usual currency.
IMPLIED_CURRENCY = "currency implied"
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_QUARTER = re.compile(r"\bQ([1-4])\b", re.IGNORECASE)
_DAY = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b")
# month names and three-letter abbreviations (as-of dates do not read AP style's "Sept")
_MONTH = re.compile(r"\b(" + "|".join(sorted((m for m in MONTHS if m != "sept"), key=len,
                                              reverse=True)) + r")\b\.?", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_CLAUSAL = ("acl", "relcl", "advcl")


def claim_id(document: Document, span: Span) -> str:
    """Stable id from the document's content hash and the figure's offsets."""
    raw = f"{document.sha256}:{span.start}:{span.end}".encode()
    return "c-" + hashlib.sha1(raw).hexdigest()[:12]


# --- small helpers over the parse -----------------------------------------------------------


def _cue_regex(cue: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(cue.lower()) + r"(?![\w-])")


@dataclass
class Memo:
    """Answers :func:`build_claims` may share between documents: unit conversions, unit
    dimensions and whether a word names a unit, in the run's registry as it stands.

    Valid while no unit is defined in the registry (the quantities stage defines counted
    nouns as it meets them): the API makes one per chunk of documents, after the chunk's
    quantities and before its claims. Without one, each document has its own.
    """

    conversions: Conversions = field(default_factory=dict)
    dimensions: dict[tuple[str, str | None], str] = field(default_factory=dict)
    units: dict[str, bool] = field(default_factory=dict)


class _Cues:
    """Cue lookups over one parsed document, memoised: every figure of a sentence asks the same
    questions, and a span's text costs a walk over its tokens each time it is read.

    Also holds the rules tables the stage reads per figure (metric dimensions, role frames),
    built once per document instead of once per figure.
    """

    def __init__(self, doc: Doc, rules: Rules, *, text: str | None = None,
                 memo: Memo | None = None) -> None:
        self.memo = Memo() if memo is None else memo
        self.doc = doc
        self.text = _doc_text(doc, text)
        self.ents = doc.ents  # each read walks the whole document
        self._lowered: dict[tuple[int, int], tuple[int, str]] = {}
        self._found: dict[tuple[int, int, str], list[SpacySpan]] = {}
        self._present: dict[tuple[int, int, int], tuple[Sequence[str], list[str]]] = {}
        self._regex: dict[str, re.Pattern[str]] = {}
        self._words: dict[str, str] = {}  # cue -> its lowercase form
        self._last: tuple[SpacySpan, int, str] | None = None  # the span read last (a figure's
        # sentence is asked about every cue list in turn)
        self.dimensions = {name: rule.dimensions() for name, rule in rules.metrics.metrics.items()}
        self.frames = {w.lower(): f for f in rules.roles.frames.values() for w in f.words}
        self._dimensions = self.memo.dimensions
        self.conversions = self.memo.conversions  # unit expression -> normalize()'s conversion

    def dimension(self, registry: pint.UnitRegistry, quantity: Quantity) -> str:
        """:func:`_dimension`, once per unit."""
        key = (quantity.unit, quantity.per)
        if key not in self._dimensions:
            self._dimensions[key] = _dimension(registry, quantity)
        return self._dimensions[key]

    def _span_text(self, span: SpacySpan) -> tuple[int, str]:
        """The span's start offset and its lowered text (as ``span.text.lower()``)."""
        last = self._last
        if last is not None and last[0] is span:
            return last[1], last[2]
        key = (span.start, span.end)
        if key not in self._lowered:
            start = span.start_char
            text = self.text[start:span.end_char] if len(span) else ""
            self._lowered[key] = (start, text.lower())
        offset, lowered = self._lowered[key]
        self._last = (span, offset, lowered)
        return offset, lowered

    def lowered(self, span: SpacySpan) -> str:
        """``span.text.lower()``."""
        return self._span_text(span)[1]

    def regex(self, cue: str) -> re.Pattern[str]:
        regex = self._regex.get(cue)
        if regex is None:
            regex = self._regex[cue] = _cue_regex(cue)
        return regex

    def word(self, cue: str) -> str:
        word = self._words.get(cue)
        if word is None:
            word = self._words[cue] = cue.lower()
        return word

    def marked(self, text: str, cues: Iterable[str]) -> bool:
        """Whether any of ``cues`` occurs in ``text`` (case-insensitive, whole word)."""
        lowered = text.lower()
        return any(self.word(cue) in lowered and self.regex(cue).search(lowered)
                   for cue in cues)

    def spans(self, span: SpacySpan, cue: str) -> list[SpacySpan]:
        """Every occurrence of ``cue`` in ``span`` as a token span (case-insensitive, whole
        word)."""
        offset, text = self._span_text(span)
        if self.word(cue) not in text:  # the regex needs the word itself: most cues are absent
            return []
        key = (span.start, span.end, cue)
        found = self._found.get(key)
        if found is not None:
            return found
        found = []
        for match in self.regex(cue).finditer(text):
            start = offset + match.start()
            end = offset + match.end()
            tokens = span.doc.char_span(start, end, alignment_mode="expand")
            if tokens is not None and len(tokens):
                found.append(tokens)
        self._found[key] = found
        return found

    def present(self, span: SpacySpan, cues: Sequence[str]) -> Sequence[str]:
        """The ``cues`` whose word occurs in ``span``'s text, in order (a cheap pre-test of
        :meth:`spans`, kept per span and cue list: a sentence's figures ask alike)."""
        key = (span.start, span.end, id(cues))
        found = self._present.get(key)
        if found is None or found[0] is not cues:
            text = self.lowered(span)
            word = self.word
            found = self._present[key] = (cues, [cue for cue in cues if word(cue) in text])
        return found[1]

    def tokens(self, span: SpacySpan, cues: Sequence[str]) -> list[SpacySpan]:
        return [tokens for cue in self.present(span, cues) for tokens in self.spans(span, cue)]

    def ents_in(self, span: SpacySpan) -> list[SpacySpan]:
        """The entities wholly inside ``span`` (as ``span.ents``)."""
        found = []
        for ent in self.ents:
            if ent.start >= span.start:
                if ent.end <= span.end:
                    found.append(ent)
                else:
                    break
        return found

    def text_before(self, span: SpacySpan, offset: int) -> str:
        """``span.text`` up to the document offset ``offset``."""
        start = span.start_char
        return self.text[start:min(start + max(0, offset - start), span.end_char)]


def _doc_text(doc: Doc, text: str | None) -> str:
    """``doc.text`` (a walk over every token), or ``text`` when the doc was parsed from it: a
    spaCy ``Doc`` keeps its text exactly, so the parsed text has the doc's length and ends
    where the doc's last token does."""
    if text is not None and len(doc) and doc[0].idx == 0 and \
            doc[-1].idx + len(doc[-1].text_with_ws) == len(text):
        return text
    return doc.text


def _among(column: numpy.ndarray, values: Iterable[int]) -> numpy.ndarray:
    """Which entries of a ``Doc.to_array`` column (uint64 hashes) are among a few ``values``."""
    found = numpy.zeros(len(column), dtype=bool)
    for value in set(values):
        found |= column == numpy.uint64(value)
    return found


def _ancestry(a: Token) -> dict[int, int]:
    """Each of ``a`` and its ancestors (by index) with its distance from ``a``."""
    return {t.i: n for n, t in enumerate([a, *a.ancestors])}


def _tree_distance(a: Token, b: Token, up: dict[int, int] | None = None) -> int:
    """Edges between two tokens in the dependency tree (``_FAR`` across sentences); ``up`` is
    ``_ancestry(a)`` when the caller has it."""
    if a.i == b.i:
        return 0
    if up is None:
        up = _ancestry(a)
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in up:
            return up[t.i] + n
    return _FAR


def _span_distance(root: Token, tokens: Iterable[Token]) -> int:
    up = _ancestry(root)
    return min((_tree_distance(root, t, up) for t in tokens), default=_FAR)


# The argument slots in which a capitalised word the NER missed may be taken for a name.
_NAME_DEPS = ("nsubj", "nsubjpass", "dobj", "pobj", "poss", "dative")
_VERB_DEPS = ("ROOT", "ccomp", "xcomp", "advcl", "relcl", "acl", "pcomp", "parataxis")
_VERB_CHILDREN = ("nsubj", "nsubjpass", "aux", "auxpass", "dobj", "dative", "mark", "xcomp",
                  "ccomp", "prt", "neg", "agent", "expl")


def _is_verb(token: Token) -> bool:
    """A verb by its part of speech, or by its dependencies when the tagger is not run."""
    if token.pos_:
        return token.pos_ in ("VERB", "AUX")
    if any(c.dep_ in _VERB_CHILDREN for c in token.children):
        return True
    if token.dep_ == "conj":
        return _is_verb(token.head) if token.head.i != token.i else False
    return token.dep_ in _VERB_DEPS and not any(c.dep_ == "det" for c in token.children)


def _chain(root: Token) -> list[Token]:
    """The figure's governing words: heads up to the first verb, then up ``xcomp`` links.

    ``OpenAI expects to burn through $115 billion``: billion -> through -> burn -> expects.
    """
    chain: list[Token] = []
    token = root
    while token.head.i != token.i:
        token = token.head
        chain.append(token)
        if _is_verb(token):
            break
        participle = next((c for c in token.children if c.dep_ == "acl" and _is_verb(c)), None)
        if participle is not None:  # "with 75 per cent of its revenue coming from ...": the
            chain.append(participle)  # participle governs the figure, not the main verb
            return chain
    while chain and chain[-1].dep_ in ("xcomp", "ccomp", "conj", "pcomp") and \
            chain[-1].head.i != chain[-1].i and len(chain) < 8:
        chain.append(chain[-1].head)
    return chain


# --- entities and anaphora -------------------------------------------------------------------


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    name: str
    label: str


class _Entities:
    """Entity mentions of one document and the resolution of pronouns to them."""

    def __init__(self, doc: Doc, rules: Rules, cues: _Cues) -> None:
        self.doc = doc
        self.rules = rules
        self.aliases: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.acts_for: dict[str, str] = {}
        for entity in rules.entities.entities:
            self.labels[entity.name] = entity.label
            if entity.acts_for:
                self.acts_for[entity.name] = entity.acts_for
            for alias in (entity.name, *entity.aliases):
                self.aliases[alias.lower()] = entity.name
        self.mentions: list[_Mention] = []
        self.by_token: dict[int, _Mention] = {}
        self._units = cues.memo.units
        stop = {w.lower() for w in rules.entities.not_entities}
        self.definite = {d.lower() for d in rules.cues.definite}
        self.stop = stop
        # token attributes read as arrays: walking the doc creates a Python object per token
        strings = doc.vocab.strings
        table = doc.to_array([ORTH, LOWER, SENT_START, IS_ALPHA, IS_STOP, DEP])
        sent_start, dep = table[:, 2], table[:, 5]
        words, index = numpy.unique(table[:, 0], return_inverse=True)
        texts = [strings[orth] for orth in words.tolist()]
        capital = numpy.array([text[:1].isupper() for text in texts], dtype=bool)[
            index.reshape(-1)] & (table[:, 3] != 0)
        # as {t.text for t in doc if not t.is_sent_start and t.text[:1].isupper() and t.is_alpha}
        self.midsentence_capitals = {texts[k] for k in
                                     set(index.reshape(-1)[capital & (sent_start != 1)].tolist())}
        # tokens that may be a name the NER missed: proper_name() is None for all others
        self._capitalised: list[int] = numpy.flatnonzero(
            capital & (table[:, 4] == 0) & _among(dep, [strings[d] for d in _NAME_DEPS])
        ).tolist()
        self._sent_start = set(numpy.flatnonzero(sent_start == 1).tolist())
        for ent in cues.ents:
            if ent.label_ not in SUBJECT_LABELS:
                continue
            text = _POSSESSIVE.sub("", ent.text).strip()
            first, _, rest = text.partition(" ")
            if rest and first.lower() in self.definite:
                text = rest  # "The Federal Reserve" -> "Federal Reserve"
            if not text or not any(ch.isalpha() for ch in text) or text.lower() in stop:
                continue
            name = ent.ent_id_ or self.aliases.get(text.lower())
            if name is None:
                if self.is_unit(text):
                    continue  # "GPU" tagged ORG by the statistical NER is a counted noun
                name = text
            mention = _Mention(ent.start, ent.end, name, self.labels.get(name, ent.label_))
            self.labels.setdefault(name, mention.label)
            self.mentions.append(mention)
            for i in range(ent.start, ent.end):
                self.by_token[i] = mention
        self.anaphora = {k.lower(): v for k, v in rules.cues.anaphora.items()}
        # tokens that may be an anaphor or name an entity (see _candidates), in text order
        anaphors = _among(table[:, 1], [strings[word] for word in self.anaphora])
        self._arguments = sorted({*self.by_token, *numpy.flatnonzero(anaphors).tolist()})
        # who is spoken to is not who is spoken of: "told Reuters the company's revenue ..."
        self.audience = {c.i for cue in rules.cues.modality.get("quoted", ())
                         for tokens in cues.spans(doc[:], cue) for t in tokens
                         for c in t.children if c.dep_ in ("dative", "dobj")
                         and c.i in self.by_token}
        self._resolved: dict[int, str | None] = {}
        self._fallback: list[_Mention] | None = None
        self._opener_list: list[_Mention] | None = None

    def is_unit(self, text: str) -> bool:
        """:func:`_is_unit` in the run's registry, once per word."""
        known = self._units.get(text)
        if known is None:
            known = self._units[text] = _is_unit(self.rules.registry, text)
        return known

    def is_anaphor(self, token: Token) -> bool:
        word = token.lower_
        if word not in self.anaphora or token.i in self.by_token:
            return False
        if token.pos_ == "PRON" or token.tag_ in ("PRP", "PRP$"):
            return True
        if any(c.dep_ == "det" and c.lower_ in self.definite for c in token.children):
            return True  # "the startup", "this company"
        # without a tagger: a listed word standing alone in an argument slot is a pronoun
        return not token.pos_ and token.n_lefts + token.n_rights == 0 and \
            token.dep_ in ("nsubj", "nsubjpass", "dobj", "dative", "pobj", "poss", "attr")

    def name_at(self, token: Token) -> str | None:
        """The entity a token names: directly, by apposition, or by resolving an anaphor;
        else a capitalised name the NER missed ("CoreWeave rents ...")."""
        mention = self.by_token.get(token.i)
        if mention is not None:
            return mention.name
        for child in token.children:
            if child.dep_ == "appos" and child.i in self.by_token:
                return self.by_token[child.i].name
        if self.is_anaphor(token):
            return self.resolve(token)
        return self.proper_name(token)

    def proper_name(self, token: Token) -> str | None:
        """A capitalised argument the statistical NER did not tag, as a fallback name."""
        if token.ent_type_ and token.ent_type_ not in SUBJECT_LABELS:
            return None  # "on Tuesday", "in June": dates and numbers are not owners
        if not token.text[:1].isupper() or token.is_stop or not token.is_alpha or \
                token.dep_ not in _NAME_DEPS:
            return None
        if token.lower_ in self.anaphora or token.lower_ in self.definite or \
                token.text.lower() in self.stop:
            return None
        if self.is_unit(token.text):
            return None  # "16GB": a unit, not a name
        if token.pos_ and token.pos_ != "PROPN":
            return None  # the tagger ran: trust it
        if not token.pos_ and token.is_sent_start and \
                not any(ch.isupper() for ch in token.text[1:]) and \
                token.text not in self.midsentence_capitals:
            return None  # "Filings seen by reporters ...": capitalised only by position
        if any(c.i in self.by_token for c in token.lefts if c.dep_ == "compound"):
            return None  # "ChatGPT Pro": the tagged name is the owner, the rest a product line
        words = [c for c in token.lefts if c.dep_ == "compound" and c.text[:1].isupper()
                 and c.is_alpha and not self.is_unit(c.text)]
        return " ".join(t.text for t in [*words, token])

    def resolve(self, token: Token) -> str | None:
        if token.i not in self._resolved:
            self._resolved[token.i] = self._resolve(token)
        return self._resolved[token.i]

    def tokens_between(self, indices: list[int], start: int, end: int) -> list[Token]:
        """The tokens of ``indices`` (sorted) in ``[start, end)``."""
        doc = self.doc
        return [doc[i] for i in
                indices[bisect.bisect_left(indices, start):bisect.bisect_left(indices, end)]]

    def capitalised(self, start: int = 0, end: int | None = None) -> list[Token]:
        """The tokens in ``[start, end)`` for which :meth:`proper_name` may give a name."""
        return self.tokens_between(self._capitalised, start,
                                   len(self.doc) if end is None else end)

    def arguments(self, start: int, end: int) -> list[Token]:
        """The tokens in ``[start, end)`` that are part of a mention or may be anaphors."""
        return self.tokens_between(self._arguments, start, end)

    def _unlabelled(self) -> list[_Mention]:
        """Names the NER missed, as mentions labelled ORG (the commonest owner of figures)."""
        if self._fallback is None:
            self._fallback = []
            for token in self.capitalised():
                if token.i in self.by_token or self.is_anaphor(token):
                    continue
                name = self.proper_name(token)
                if name:
                    self._fallback.append(_Mention(token.i, token.i + 1, name, "ORG"))
        return self._fallback

    def _resolve(self, token: Token) -> str | None:
        allowed = self.anaphora.get(token.lower_, ())
        # "SpaceX will pay for the startup's work / buy it": not SpaceX; but a possessive
        # pronoun may be its clause's subject ("OpenAI expects ... its revenue")
        possessive = token.dep_ == "poss" and token.n_lefts + token.n_rights == 0
        banned = set() if possessive else {t.i for t in _clause_subjects(token)}
        first_sent = max(0, token.i - 400)  # look back some 400 tokens (about 15 sentences)
        # tagged names first, then names the NER missed, then capitalised sentence openers
        for mentions in (self.mentions, self._unlabelled(), self._openers()):
            aside: _Mention | None = None
            for mention in reversed(mentions):
                if mention.end > token.i or mention.start < first_sent:
                    continue
                if any(i in banned or i in self.audience
                       for i in range(mention.start, mention.end)):
                    continue
                if mention.label not in allowed:
                    continue
                if aside is not None and not self._same_sentence(aside, mention):
                    return aside.name
                if not self._in_relative_clause(mention):
                    return mention.name
                aside = aside or mention  # "xAI, which Musk merged with SpaceX": xAI first
            if aside is not None:
                return aside.name
        return None

    def _openers(self) -> list[_Mention]:
        """Capitalised subjects opening a sentence ("Databricks is growing fast."): names only
        as a last resort for a pronoun that has no other antecedent."""
        if self._opener_list is None:
            self._opener_list = []
            for token in self.capitalised():
                if token.i not in self._sent_start or not token.is_sent_start or \
                        token.dep_ not in ("nsubj", "nsubjpass") or \
                        token.i in self.by_token or not token.is_alpha or \
                        not token.text[:1].isupper() or token.is_stop or \
                        token.lower_ in self.anaphora or token.lower_ in self.definite or \
                        token.lower_ in self.stop or token.pos_ in ("PRON", "DET") or \
                        self.is_unit(token.text):
                    continue
                self._opener_list.append(_Mention(token.i, token.i + 1, token.text, "ORG"))
        return self._opener_list

    def _in_relative_clause(self, mention: _Mention) -> bool:
        head = self.doc[mention.start:mention.end].root
        return any(t.dep_ == "relcl" for t in head.ancestors)

    def _same_sentence(self, a: _Mention, b: _Mention) -> bool:
        try:
            return self.doc[a.start].sent.start == self.doc[b.start].sent.start
        except ValueError:  # no sentence boundaries
            return True

    def booked_to(self, name: str | None) -> str | None:
        """The entity a payment naming ``name`` as a party is booked to (``acts_for``)."""
        return self.acts_for.get(name, name) if name else None


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _is_unit(registry: pint.UnitRegistry, text: str) -> bool:
    """Whether a single word names a unit of the run's registry ("GPU", "GB").

    Only plain identifiers are looked up: pint evaluates anything else as an expression
    ("Disney+" trips an assertion inside its parser).
    """
    if not _IDENTIFIER.fullmatch(text) or not unit_name_known(registry, text):
        return False
    try:
        registry.Unit(text)
    except (pint.errors.PintError, AttributeError, ValueError, TypeError, KeyError,
            AssertionError):
        return False
    return True


def _clause_subjects(token: Token) -> list[Token]:
    """Subjects of the clause a token sits in (a pronoun never refers to these)."""
    verb = token
    while not _is_verb(verb) and verb.head.i != verb.i:
        verb = verb.head
    return _subjects(verb) if _is_verb(verb) else []


def _subjects(word: Token, depth: int = 0) -> list[Token]:
    """The subject of a verb or noun, inherited through conjunctions and clause links."""
    if depth > 4:
        return []
    subjects = [c for c in word.children if c.dep_ in ("nsubj", "nsubjpass", "agent")]
    if subjects:
        return subjects
    for child in word.children:  # "for Anthropic to use ..."
        if child.dep_ == "mark":
            objects = [g for g in child.children if g.dep_ == "pobj"]
            if objects:
                return objects
    if word.head.i == word.i:
        return []
    if word.dep_ in ("conj", "xcomp", "advcl"):
        return _subjects(word.head, depth + 1)
    if word.dep_ == "pcomp" and word.head.head.i != word.head.i:
        return _subjects(word.head.head, depth + 1)
    return []


# --- payment parties -------------------------------------------------------------------------


def _slot_tokens(word: Token, slot: str) -> list[Token]:
    """The tokens filling ``slot`` of ``word``; a relative pronoun stands for its antecedent
    ("Cursor, which SpaceX bought for $60 billion": which -> Cursor)."""
    found = _slot_children(word, slot)
    if word.dep_ == "relcl" and word.head.i != word.i:
        first = min((t.i for t in word.subtree), default=word.i)
        found = [word.head if t.i == first and t.i < word.i and t.n_lefts + t.n_rights == 0
                 else t for t in found]
    return found


def _slot_children(word: Token, slot: str) -> list[Token]:
    if slot.startswith("owner:"):
        return [g for t in _slot_tokens(word, slot[len("owner:"):]) for g in t.children
                if g.dep_ == "poss"]
    if slot == "nsubj":
        if any(c.dep_ == "nsubjpass" for c in word.children):  # "was bought by X"
            return [g for c in word.children if c.dep_ == "agent" for g in c.children
                    if g.dep_ == "pobj"]
        return _subjects(word)
    if slot == "dobj" and not any(c.dep_ == "dobj" for c in word.children):
        return [c for c in word.children if c.dep_ == "nsubjpass"]  # "Cursor was bought"
    if slot.startswith("prep:"):
        prep = slot[len("prep:"):]
        return [g for c in word.children if c.dep_ in ("prep", "dative") and c.lower_ == prep
                for g in c.children if g.dep_ == "pobj"]
    found = [c for c in word.children if c.dep_ == slot]
    return found[::-1] if slot == "compound" else found  # "SpaceX-Cursor deal": nearest first


def _frame_words(root: Token) -> list[Token]:
    """Words whose frames may name the parties of a figure, nearest first."""
    words = _chain(root)
    extra = [c for w in [root, *words] for c in w.children
             if c.dep_ in _CLAUSAL and _is_verb(c) and c not in words]
    return words + extra


def _parties(root: Token, figure: set[int], entities: _Entities,
             cues: _Cues) -> dict[str, str]:
    frames = cues.frames
    parties: dict[str, str] = {}
    for word in _frame_words(root):
        frame = frames.get(word.lower_)
        if frame is None:
            continue
        for slot, party in frame.slots.items():
            if party in parties:
                continue
            for token in _slot_tokens(word, slot):
                if token.i in figure:
                    continue
                name = entities.name_at(token)
                if name and name in parties.values():
                    continue  # one party per name: "X pays ... to lease" keeps X the payer
                if name:
                    parties[party] = name
                    break
    return parties


# --- subject ---------------------------------------------------------------------------------


def _candidates(sent: SpacySpan, figure: set[int], root: Token, count: bool,
                entities: _Entities) -> list[tuple[Token, str, int]]:
    """Entities and resolved anaphors of the sentence, with a penalty for mere modifiers."""
    chain = _chain(root)
    governing = figure | {t.i for t in chain}
    # the chain's subjects and objects: "the xAI supercomputer runs on 150 megawatts"
    arguments = governing | {c.i for t in chain for c in t.children
                             if c.dep_ in ("nsubj", "nsubjpass", "dobj")}
    found: list[tuple[Token, str, int]] = []
    seen: set[tuple[int, int]] = set()
    for token in entities.arguments(sent.start, sent.end):  # the others add nothing here
        if token.i in figure:
            continue
        mention = entities.by_token.get(token.i)
        if mention is not None:
            key = (mention.start, mention.end)
            if key in seen:
                continue
            head = entities.doc[mention.start:mention.end].root
            if head.i in entities.audience:
                continue
            modifier = head.dep_ in ("compound", "amod", "nmod", "npadvmod")
            if count and modifier and head.head.i in governing:
                continue  # "555,000 Nvidia GPUs": the maker qualifies the unit
            seen.add(key)
            place = mention.label in PLACE_LABELS  # "Meta's new Louisiana data center"
            penalty = 2 if modifier and (place or head.head.i not in arguments) else 0
            penalty += 1 if head.dep_ == "pobj" else 0  # "in Miami": an adjunct
            name = mention.name
            if head.dep_ == "poss" and "ORG" in entities.anaphora.get(head.head.lower_, ()):
                name = entities.booked_to(name) or name  # "Sam Altman's company" -> OpenAI
            found.append((head, name, penalty))
        elif entities.is_anaphor(token):
            antecedent = entities.resolve(token)
            if antecedent:
                found.append((token, antecedent, 0))
    # names the NER missed, behind the tagged ones
    for token in entities.capitalised(sent.start, sent.end):
        if token.i in figure or token.i in entities.by_token:
            continue
        missed = entities.proper_name(token)
        if missed and token.dep_ != "compound":
            found.append((token, missed, 0 if token.dep_ in ("nsubj", "nsubjpass") else 1))
    return found


def _nearest(root: Token, candidates: list[tuple[Token, str, int]],
             exclude: set[str], prefer: set[str], entities: _Entities
             ) -> tuple[str, Token] | tuple[None, None]:
    """The candidate nearest the figure in the tree (then in the text), and its token."""
    # a name the NER missed counts as an organisation, as in anaphora resolution
    preferred = [c for c in candidates if entities.labels.get(c[1], "ORG") in prefer]
    best: tuple[int, float, str, int] | None = None
    up = _ancestry(root)
    for token, name, penalty in preferred or candidates:
        if name in exclude:
            continue
        linear = root.i - token.i if token.i < root.i else 1.5 * (token.i - root.i)
        key = (_tree_distance(root, token, up) + penalty, linear, name, token.i)
        if best is None or key < best:
            best = key
    return (best[2], root.doc[best[3]]) if best else (None, None)


def _joint(token: Token | None) -> str | None:
    """A subject coordinated with others ("Colossus 1 and 2", "xAI and SpaceX"): the whole
    coordination, kept as the claim's scope qualifier."""
    if token is None:
        return None
    conjuncts = [c for c in token.subtree if c.dep_ == "conj" and c.head.i == token.i]
    if not conjuncts:
        return None
    start = min(t.i for t in token.subtree if t.i <= token.i and t.dep_ != "det")
    end = max(t.i for c in conjuncts for t in c.subtree) + 1
    return token.doc[start:end].text


# --- metric ----------------------------------------------------------------------------------


def _best_cue(sent: SpacySpan, root: Token, cues: Iterable[tuple[str, str]], find: _Cues
              ) -> tuple[tuple[int, int, int], str] | None:
    best: tuple[tuple[int, int, int], str] | None = None
    below: set[int] | None = None
    text = find.lowered(sent)
    word = find.word
    for name, cue in cues:
        if word(cue) not in text:
            continue  # absent (the common case): no lookup
        for tokens in find.spans(sent, cue):
            if below is None:
                below = {t.i for t in root.subtree}
            # a cue modifying the figure itself ("$4 billion in annual revenue") comes first
            distance = 0 if all(t.i in below for t in tokens) else _span_distance(root, tokens)
            score = (distance, -len(cue), abs(tokens.start - root.i))
            if best is None or score < best[0]:
                best = (score, name)
    return best


def _implied_money(sent: SpacySpan, root: Token, quantity: Quantity, currency: str | None,
                   registry: pint.UnitRegistry, rules: Rules, find: _Cues
                   ) -> tuple[Quantity, str] | None:
    """A bare number with a money cue attached: "a billion a month loss" in a dollar article.

    Returns the quantity re-typed in the article's usual currency and its metric, when a
    money metric's cue sits within two dependency edges of the figure.
    """
    if currency is None or quantity.unit != "dimensionless" or quantity.currency:
        return None
    money = quantity.model_copy(update={"unit": currency, "currency": currency})
    dimension = find.dimension(registry, money)
    fitting = [(n, c) for n, r in rules.metrics.metrics.items()
               if dimension in find.dimensions[n] for c in r.cues]
    best = _best_cue(sent, root, fitting, find)
    if best is None or best[0][0] > 2:
        return None
    return money, best[1]


def _metric_cue(sent: SpacySpan, root: Token, quantity: Quantity, dimension: str,
                rules: Rules, find: _Cues) -> tuple[str, bool]:
    """The metric and whether a unit or strong cue decided it (``False``: weak or none)."""
    fitting: dict[str, MetricRule] = {
        name: rule for name, rule in rules.metrics.metrics.items()
        if dimension in find.dimensions[name]
    }
    for name, rule in fitting.items():
        if quantity.unit in rule.units:
            return name, True
    strong = _best_cue(sent, root, ((n, c) for n, r in fitting.items() for c in r.cues), find)
    weak = _best_cue(sent, root, ((n, c) for n, r in fitting.items() for c in r.weak_cues),
                     find)
    if strong:
        return strong[1], True
    return (weak[1] if weak else "unknown"), False


def _target_metric(dimension: str, rules: Rules) -> str | None:
    """The metric a payment for a named company is ("pay $35 billion for Ansys")."""
    return next((name for name, rule in rules.metrics.metrics.items()
                 if rule.subject == "target" and dimension in rule.dimensions()), None)


# --- time ------------------------------------------------------------------------------------


def _quarter(text: str, quarter_words: Sequence[str]) -> int | None:
    """``"Q3 2026"`` or (with the rules' quarter words) ``"the third quarter"`` -> 3."""
    match = _QUARTER.search(text)
    if match:
        return int(match.group(1))
    lowered = text.lower()
    for number, words in enumerate(quarter_words, start=1):
        if _cue_regex(words).search(lowered):
            return number
    return None


def _relative_year(text: str, published: str | None,
                   relative: dict[str, int]) -> str | None:
    """``"last year"`` in an article of 2026 -> ``"2025"`` (offsets from the rules)."""
    if not published or not _YEAR.match(published[:4]):
        return None
    lowered = text.lower()
    for words, offset in sorted(relative.items(), key=lambda kv: -len(kv[0])):
        if _cue_regex(words).search(lowered):
            return str(int(published[:4]) + offset)
    return None


def _normalise_date(text: str, published: str | None,
                    quarter_words: Sequence[str] = (),
                    relative: dict[str, int] | None = None) -> str | None:
    """``"between February and April 2026"`` -> ``"2026-02/2026-04"``; ``"by 2029"`` -> 2029.

    ``"in the third quarter of 2024"`` -> ``"2024-Q3"``; a month or quarter without a year
    takes the year of ``published``; ``None`` when nothing can be dated.
    """
    years = _YEAR.findall(text) or [y for y in [_relative_year(text, published,
                                                                relative or {})] if y]
    fallback_year = published[:4] if published and _YEAR.match(published[:4]) else None
    year = years[-1] if years else fallback_year
    quarter = _quarter(text, quarter_words)
    if quarter and year:
        if not years and published and len(published) >= 7 and published[5:7].isdigit() \
                and 3 * quarter - 2 > int(published[5:7]):
            year = str(int(year) - 1)  # "the fourth quarter", written in February: last year's
        return f"{year}-Q{quarter}"
    months = [MONTHS[m.group(1).lower()] for m in _MONTH.finditer(text)]
    if not months:
        if len(years) >= 2:
            return f"{years[0]}/{years[-1]}"
        return years[0] if years else None
    if year is None:
        return None
    if len(months) >= 2:
        first_year = years[0] if len(years) >= 2 else year
        return f"{first_year}-{months[0]:02d}/{year}-{months[-1]:02d}"
    rest = _YEAR.sub(" ", _MONTH.sub(" ", text))
    day = _DAY.search(rest)
    if day and 1 <= int(day.group(1)) <= 31:
        return f"{year}-{months[0]:02d}-{int(day.group(1)):02d}"
    return f"{year}-{months[0]:02d}"


def _has_date_marker(text: str, rules: Rules) -> bool:
    lowered = text.lower()
    return bool(_YEAR.search(text) or _MONTH.search(text)
                or _quarter(text, rules.cues.quarters)
                or any(_cue_regex(w).search(lowered) for w in rules.cues.relative_years))


def _time(sent: SpacySpan, root: Token, figure: set[int], document: Document,
          rules: Rules, find: _Cues) -> tuple[str | None, str | None]:
    chain = _chain(root)
    top = chain[-1] if chain else root
    # dates of the figure's own clause (its governing chain's top and what hangs below it)
    scope = {t.i for t in top.subtree} if top.dep_ in ("acl",) else None
    best: tuple[int, int, SpacySpan] | None = None
    for ent in find.ents_in(sent):
        if ent.label_ != "DATE" or (scope is not None and ent.root.i not in scope):
            continue
        if any(t.i in figure for t in ent):  # "a year through 2027": keep what follows
            after = [t.i for t in ent if t.i > max(figure)]
            if not after:
                continue
            ent = ent.doc[after[0]:ent.end]
        if not _has_date_marker(ent.text, rules):
            continue
        key = (_span_distance(root, ent), abs(ent.start - root.i))
        if best is None or key < best[:2]:
            best = (*key, ent)
    if best is None:
        return document.published, None
    ent = best[2]
    start = ent.start
    preps = sorted((p.lower() for p in rules.cues.time_prepositions), key=len, reverse=True)
    before = ent.doc[max(sent.start, ent.start - 3):ent.start].text.lower()
    if not any(ent.text.lower().startswith(p + " ") for p in preps):
        for prep in preps:
            if before == prep or before.endswith(" " + prep):
                start = ent.start - len(prep.split())
                break
    period = ent.doc[start:ent.end].text
    as_of = _normalise_date(ent.text, document.published, rules.cues.quarters,
                            rules.cues.relative_years)
    return as_of or document.published, period


# --- modality, attribution, hedges, qualifier ------------------------------------------------


def _near_chain(chain: list[Token]) -> set[int]:
    near = {t.i for t in chain}
    for word in chain:
        near |= {c.i for c in word.children if c.dep_ in ("aux", "amod", "advmod", "neg",
                                                          "auxpass", "prt")}
    return near


def _attribution(sent: SpacySpan, root: Token, entities: _Entities,
                 rules: Rules, find: _Cues) -> str | None:
    """Who said it: the subject of a speech verb governing the figure, or "according to X"."""
    speech = find.tokens(sent, rules.cues.modality.get("quoted", ()))
    if not speech:
        return None
    ancestors = {t.i for t in root.ancestors}
    for tokens in speech:
        verb = tokens.root
        # a prepositional cue names its source as the object ("according to Bloomberg")
        objects = [c for t in tokens for c in t.children if c.dep_ == "pobj"]
        for obj in objects:
            return entities.name_at(obj) or _phrase(obj)
        if verb.i not in ancestors:
            continue
        for subject in _subjects(verb):
            return entities.name_at(subject) or _phrase(subject)
    return None


def _phrase(token: Token) -> str:
    """A short name for an unnamed source: the noun with its adjectives ("later filing")."""
    words = [t for t in token.lefts if t.dep_ in ("amod", "compound") and t.is_alpha]
    return " ".join(t.text for t in [*words, token])


def _quoted_directly(sent: SpacySpan, figure_start: int, find: _Cues) -> bool:
    before = find.text_before(sent, figure_start)
    return (before.count("“") > before.count("”")) or before.count('"') % 2 == 1


def _coordinated_alternative(chain: list[Token], figure: set[int], rules: Rules) -> bool:
    """"could license it for $5 million a year or buy it outright for $40 million": the
    figure's verb is coordinated by an alternative conjunction with a verb holding a figure."""
    words = {w.lower() for w in rules.cues.alternative_conjunctions}
    verb = next((t for t in chain if _is_verb(t)), None)
    if verb is None or not words:
        return False
    partners = [c for c in verb.children if c.dep_ == "conj"]
    if verb.dep_ == "conj" and verb.head.i != verb.i:
        partners.append(verb.head)
    for partner in partners:
        joined = [c for t in (verb, partner) for c in t.children if c.dep_ == "cc"]
        if not any(c.lower_ in words for c in joined):
            continue
        own = set() if partner.head.i == verb.i else {t.i for t in verb.subtree}
        if any(t.like_num and t.i not in figure and t.i not in own for t in partner.subtree):
            return True
    return False


def _inverted_condition(sent: SpacySpan) -> bool:
    """"Were SpaceX to list at $1.5 trillion, ...", "Had Microsoft paid $10 billion, ...": an
    adverbial clause opened by its auxiliary, before its subject (a condition, no cue word)."""
    first = sent[0]
    clause = first if first.dep_ == "advcl" else first.head
    if first.dep_ not in ("advcl", "aux", "auxpass") or clause.dep_ != "advcl":
        return False
    return any(c.dep_ in ("nsubj", "nsubjpass") and c.i > first.i for c in clause.children)


def _complementizer(tokens: SpacySpan) -> bool:
    """A cue word introducing a reported question, not a condition ("unclear if it will
    close", "asked if it would pay"): its clause is a complement, not an adverbial."""
    word = tokens[-1]
    return word.dep_ == "mark" and word.head.dep_ in ("ccomp", "csubj", "xcomp")


def _modality(sent: SpacySpan, chain: list[Token], figure: set[int],
              attribution: str | None, figure_start: int, as_of: str | None, period: str | None,
              document: Document, rules: Rules, find: _Cues) -> Modality:
    cues = rules.cues.modality
    near = _near_chain(chain)
    found: set[str] = set()
    for name in ("alternative", "hypothetical", "conditional"):
        if any(not _complementizer(tokens) for tokens in find.tokens(sent, cues.get(name, ()))):
            found.add(name)
    if _coordinated_alternative(chain, figure, rules):
        found.add("alternative")
    if _inverted_condition(sent):
        found.add("hypothetical")
    if any(t.i in near for tokens in find.tokens(sent, cues.get("projection", ()))
           for t in tokens):
        found.add("projection")
    if period and as_of and document.published and as_of[:4].isdigit() \
            and as_of[:4] > document.published[:4]:
        found.add("projection")
    if attribution or _quoted_directly(sent, figure_start, find):
        found.add("quoted")
    for name in MODALITY_PRIORITY:
        if name in found:
            return name
    return "asserted"


def _hedges(sent: SpacySpan, figure: SpacySpan, chain: list[Token],
            rules: Rules, find: _Cues) -> tuple[str, ...]:
    window = set(range(max(sent.start, figure.start - 3), figure.end)) | _near_chain(chain)
    hedges: list[str] = []
    for cue in find.present(sent, rules.cues.hedges):
        for tokens in find.spans(sent, cue):
            if any(t.i in window for t in tokens) and cue not in hedges:
                hedges.append(cue)
    return tuple(hedges)


def _qualifier(figure: SpacySpan, root: Token, count: bool, entities: _Entities,
               rules: Rules, find: _Cues) -> str | None:
    """Scope words ending the figure's noun phrase: "GPU equivalents", "Nvidia GPUs"."""
    head = root
    if root.dep_ in ("nummod", "compound", "quantmod", "nmod", "amod") and \
            root.head.i != root.i and root.head.i >= figure.start:
        head = root.head
    if not head.is_alpha:
        return None
    hedges = {h.lower() for h in rules.cues.hedges}
    words = [head]
    for token in reversed(head.doc[figure.start:head.i]):
        if not token.is_alpha or token.like_num or token.lower_ in hedges or \
                token.dep_ not in ("compound", "amod", "nmod", "npadvmod", "nummod"):
            break
        words.insert(0, token)
    words += [c for c in head.rights if c.dep_ == "compound"]
    text = " ".join(t.text for t in words)
    marked = find.marked(text, rules.cues.qualifiers)
    marked = marked or (count and any(t.i in entities.by_token for t in words))
    return text if marked and len(words) > 1 else None


# --- the stage -------------------------------------------------------------------------------


def _to_original(quantity: Quantity, repaired: RepairedText, document: Document) -> Quantity:
    start, end = repaired.to_original(quantity.span.start, quantity.span.end)
    span = Span(doc_id=document.id, start=start, end=end, text=document.text[start:end])
    return quantity.model_copy(update={"span": span})


def _in_boilerplate(document: Document, start: int, end: int) -> bool:
    return any(b_start <= start and end <= b_end for b_start, b_end in document.boilerplate)


def _definite_figure(root: Token, rules: Rules) -> bool:
    """The figure modifies a definite noun ("the $60 billion price tag"): a known figure."""
    nouns = [root]
    if root.dep_ in ("nummod", "compound", "quantmod", "nmod", "amod") and root.head.i != root.i:
        nouns.append(root.head)
    definite = {d.lower() for d in rules.cues.definite}
    return any(c.dep_ == "det" and c.lower_ in definite for n in nouns for c in n.children)


def _dimension(registry: pint.UnitRegistry, quantity: Quantity) -> str:
    """The quantity's dimension terms; ``""`` (no metric fits) for a unit pint does not know,
    so one odd figure never stops the run."""
    try:
        return dimension_of(registry, unit_expression(quantity))
    except (pint.errors.PintError, ValueError, TypeError, KeyError, AttributeError,
            AssertionError):
        return ""


def _sentence(figure: SpacySpan) -> SpacySpan:
    """The figure's sentence; the whole text when the Doc has no sentence boundaries."""
    try:
        return figure.sent
    except ValueError:
        return figure.doc[:]


def _continues(sent: SpacySpan, rules: Rules) -> bool:
    """A sentence that restates the previous figure: verbless ("Anthropic at over $60
    billion.") or with a demonstrative subject ("That is $3.6 billion a year.")."""
    subjects = [t for t in sent if t.dep_ in ("nsubj", "nsubjpass", "expl")
                and t.head.i == sent.root.i]
    definite = {d.lower() for d in rules.cues.definite}
    return not subjects or any(t.lower_ in definite for t in subjects)


class _Previous(NamedTuple):
    """The claim before, as the next one may continue it (see :func:`_continues`)."""

    end: int  # of its sentence
    dimension: str
    metric: str
    subject: str | None
    modality: Modality


def build_claims(
    document: Document,
    repaired: RepairedText,
    doc: Doc,
    quantities: Sequence[Quantity],
    *,
    rules: Rules,
    registry: pint.UnitRegistry,
    memo: Memo | None = None,
) -> list[Claim]:
    """Frame each quantity found in ``repaired.text`` (parsed as ``doc``) as a claim.

    ``memo`` (see :class:`Memo`) shares unit answers with other documents of the run.
    """
    find = _Cues(doc, rules, text=repaired.text, memo=memo)
    entities = _Entities(doc, rules, find)
    currencies = Counter(q.currency for q in quantities if q.currency)
    usual_currency = currencies.most_common(1)[0][0] if currencies else None
    claims: list[Claim] = []
    previous: _Previous | None = None
    last_subject: dict[str, str] = {}  # metric -> subject of its latest claim in this document
    for quantity in sorted(quantities, key=lambda q: (q.span.start, q.span.end)):
        original = _to_original(quantity, repaired, document)
        if _in_boilerplate(document, original.span.start, original.span.end):
            continue
        figure = doc.char_span(quantity.span.start, quantity.span.end, alignment_mode="expand")
        dimension = find.dimension(registry, quantity)
        if figure is None or not len(figure):
            continue
        sent = _sentence(figure)
        root = figure.root
        tokens = set(range(figure.start, figure.end))
        chain = _chain(root)

        metric, decided = _metric_cue(sent, root, quantity, dimension, rules, find)
        implied = None
        if metric == "unknown":
            implied = _implied_money(sent, root, quantity, usual_currency, registry, rules,
                                     find)
        if implied is not None:
            quantity, metric = implied
            original = original.model_copy(update={"unit": quantity.unit,
                                                   "currency": quantity.currency})
            dimension = find.dimension(registry, quantity)
        if metric == "unknown" and previous and previous.dimension == dimension and \
                previous.end >= sent.start - 1 and _continues(sent, rules):
            # "OpenAI is valued at $150 billion. Anthropic at $60 billion."
            metric = previous.metric
        rule = rules.metrics.metrics.get(metric)
        parties = _parties(root, tokens, entities, find) if dimension.startswith("currency") \
            else {}
        if not decided and parties.get("target"):
            metric = _target_metric(dimension, rules) or metric
            rule = rules.metrics.metrics.get(metric)
        payer = entities.booked_to(parties.get("payer"))
        payee = entities.booked_to(parties.get("payee"))
        candidates = _candidates(sent, tokens, root, dimension.startswith("count"), entities)
        subject: str | None = None
        subject_token: Token | None = None
        role = rule.subject if rule else "nearest"
        if role == "payee":
            subject = payee or payer  # no lessor named: the payment is known by its payer
        elif role == "payer":
            subject = payer
        elif role == "target":
            subject = parties.get("target") or payer  # nothing named bought: the buyer's deal
        if subject is None:
            exclude = {n for n in (parties.get("payer"),) if n and role in ("payee", "target")}
            prefer = set(rule.prefer_labels) if rule else set()
            subject, subject_token = _nearest(root, candidates, exclude, prefer, entities)
        if subject is None and metric != "unknown" and _definite_figure(root, rules):
            subject = last_subject.get(metric)  # "The $60 billion price tag": a known deal
        if subject is None and previous and previous.end >= sent.start - 1 and \
                _continues(sent, rules):
            subject = previous.subject  # "That is $3.6 billion a year": the figure before's

        as_of, period = _time(sent, root, tokens, document, rules, find)
        attribution = _attribution(sent, root, entities, rules, find)
        modality = _modality(sent, chain, tokens, attribution, quantity.span.start, as_of,
                             period, document, rules, find)
        if modality == "asserted" and previous \
                and previous.modality in ("hypothetical", "projection") \
                and previous.end >= sent.start - 1 and previous.end <= sent.start \
                and _continues(sent, rules):
            # "Even if ... $300 million a month. That is $3.6 billion."
            modality = previous.modality
        claims.append(Claim(
            id=claim_id(document, original.span),
            doc_id=document.id,
            span=original.span,
            sentence=sent.text.strip(),
            subject=subject,
            metric=metric,
            quantity=original,
            normalized=normalize(quantity, registry, conversions=find.conversions),
            as_of=as_of,
            period=period,
            modality=modality,
            hedges=_hedges(sent, figure, chain, rules, find)
            + ((IMPLIED_CURRENCY,) if implied else ()),
            attribution=attribution,
            payer=payer,
            payee=payee,
            qualifier="; ".join(q for q in (
                _joint(subject_token),
                _qualifier(figure, root, dimension.startswith("count"), entities, rules,
                           find),
            ) if q) or None,
            repaired=original.span.text != quantity.span.text,
        ))
        previous = _Previous(sent.end, dimension, metric, subject, modality)
        if subject is not None:
            last_subject[metric] = subject
    return claims
