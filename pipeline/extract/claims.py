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

import hashlib
import marshal
import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

import numpy
import pint
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from pipeline.extract.cues import Cues, Memo
from pipeline.extract.figures import list_entry
from pipeline.extract.keys import (
    CONVERTED,
    DEMANDED,
    DISTANCE,
    PART,
    KeyTables,
    MetricFrame,
    area_of,
    basis_of,
    count_state,
    demanded,
    distance_frame,
    filed_object,
    keys_of,
    metric_frame,
    named_size,
    price_frame,
    remaining_frame,
    singular,
    size_frame,
    standing_size,
)
from pipeline.extract.metrics import implied_money, metric_cue, target_metric
from pipeline.extract.names import name_key, related
from pipeline.extract.periods import Periods, earlier_sections, period_key, time_scope
from pipeline.extract.subjects import (
    PLACE_LABELS,
    SAYING_VERBS,
    SUBJECT_LABELS,
    Entities,
    joint_subject,
    nearest_subject,
    respective_owner,
    subject_candidates,
)
from pipeline.extract.tree import (
    CLAUSAL,
    ancestry,
    governing_chain,
    is_verb,
    sentence_of,
    subjects_of,
    tree_distance,
)
from pipeline.models import (
    Claim,
    Document,
    Modality,
    Quantity,
    RepairedText,
    Span,
    SubjectHow,
)
from pipeline.rules import Rules
from pipeline.units import ensure_unit, normalize

__all__ = ["SUBJECT_LABELS", "Memo", "build_claims", "claim_id"]

MODALITY_PRIORITY: tuple[Modality, ...] = (
    "alternative", "hypothetical", "conditional", "projection", "quoted"
)
# Tokens a table's header may stand above its rows.
TABLE_REACH = 400
_LINE = re.compile(r"[^\n]+")
_PERIOD = re.compile(r"\b(?:fiscal\s+)?(?:Q[1-4]\s*(?:FY)?'?\d{2,4}|FY\s*'?\d{2,4}|"
                     r"(?:19|20)\d{2})\b", re.IGNORECASE)
# A figure written as digits alone or glued to letters ("3M", "737"), as names write them.
_NAME_FIGURE = re.compile(r"\d[\d.,]*[A-Za-z]*")
# Hedge recorded when a bare number was read as money in the article's usual currency.
IMPLIED_CURRENCY = "currency implied"


def claim_id(document: Document, span: Span) -> str:
    """Stable id from the document's content hash and the figure's offsets."""
    raw = f"{document.sha256}:{span.start}:{span.end}".encode()
    return "c-" + hashlib.sha1(raw).hexdigest()[:12]


# --- small helpers over the parse -----------------------------------------------------------


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
        return subjects_of(word)
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
    words = governing_chain(root)
    extra = [c for w in [root, *words] for c in w.children
             if c.dep_ in CLAUSAL and is_verb(c) and c not in words]
    return words + extra


def _parties(root: Token, figure: set[int], entities: Entities,
             cues: Cues) -> dict[str, str]:
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


# --- modality, attribution, hedges, qualifier ------------------------------------------------


def _near_chain(chain: list[Token]) -> set[int]:
    near = {t.i for t in chain}
    for word in chain:
        near |= {c.i for c in word.children if c.dep_ in ("aux", "amod", "advmod", "neg",
                                                          "auxpass", "prt")}
    return near


def _attribution(sent: SpacySpan, root: Token, entities: Entities,
                 rules: Rules, find: Cues) -> str | None:
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
        for subject in subjects_of(verb):
            return entities.name_at(subject) or _phrase(subject)
    return None


def _phrase(token: Token) -> str:
    """A short name for an unnamed source: the noun with its adjectives ("later filing")."""
    words = [t for t in token.lefts if t.dep_ in ("amod", "compound") and t.is_alpha]
    return " ".join(t.text for t in [*words, token])


def _quoted_directly(sent: SpacySpan, figure_start: int, find: Cues) -> bool:
    before = find.text_before(sent, figure_start)
    return (before.count("“") > before.count("”")) or before.count('"') % 2 == 1


def _coordinated_alternative(chain: list[Token], figure: set[int], rules: Rules) -> bool:
    """"could license it for $5 million a year or buy it outright for $40 million": the
    figure's verb is coordinated by an alternative conjunction with a verb holding a figure."""
    words = {w.lower() for w in rules.cues.alternative_conjunctions}
    verb = next((t for t in chain if is_verb(t)), None)
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


def _dated_itself(root: Token, figure: set[int], sent: SpacySpan, find: Cues) -> bool:
    """Whether a date is written inside the figure's own phrase ("11 seats in the 2019
    election"), not elsewhere in its sentence."""
    own = {t.i for t in root.subtree} - figure
    return any(ent.label_ == "DATE" and ent.root.i in own for ent in find.ents_in(sent))


def _modality(sent: SpacySpan, chain: list[Token], figure: set[int],
              attribution: str | None, figure_start: int, as_of: str | None, period: str | None,
              document: Document, rules: Rules, find: Cues) -> Modality:
    cues = rules.cues.modality
    near = _near_chain(chain)
    found: set[str] = set()
    scoped = {w.lower() for w in rules.cues.clause_conditions}
    modals = {w.lower() for w in rules.cues.consequence_modals}
    for name in ("alternative", "hypothetical", "conditional"):
        for tokens in find.tokens(sent, cues.get(name, ())):
            if _complementizer(tokens):
                continue
            if name == "hypothetical" and tokens.text.lower() in scoped and \
                    not _conditioned(tokens, chain, figure, modals):
                continue  # "users can apply for a share of $725 million if ...": a fact
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


def _conditioned(cue: SpacySpan, chain: list[Token], figure: set[int],
                 modals: set[str]) -> bool:
    """Whether a conditional conjunction ("if", "unless") governs a figure: the figure is in
    its clause ("if it reaches a $500 billion valuation"), or in the consequence, which
    says what would or could happen ("..., Apple could face $900 million in costs")."""
    clause = cue[-1].head
    inside = {t.i for t in clause.subtree}
    # the clause as written, up to its comma ("If it helps SpaceX achieve a $500 billion
    # valuation, ..."), in case the parse hangs its words elsewhere
    try:
        last = cue.sent.end
    except ValueError:  # no sentence boundaries
        last = len(cue.doc)
    end = next((t.i for t in cue.doc[cue.end:last] if t.text in (",", ";", ":")), last)
    if figure & (inside | set(range(cue.start, end))):
        return True
    return any(c.dep_ in ("aux", "auxpass") and c.lower_ in modals
               for token in chain for c in token.children) or \
        any(token.lower_ in modals for token in chain)


def _hedges(sent: SpacySpan, figure: SpacySpan, chain: list[Token],
            rules: Rules, find: Cues) -> tuple[str, ...]:
    window = set(range(max(sent.start, figure.start - 3), figure.end)) | _near_chain(chain)
    hedges: list[str] = []
    for cue in find.present(sent, rules.cues.hedges):
        for tokens in find.spans(sent, cue):
            if any(t.i in window for t in tokens) and cue not in hedges:
                hedges.append(cue)
    return tuple(hedges)


def _qualifier(figure: SpacySpan, root: Token, count: bool, entities: Entities,
               rules: Rules, find: Cues) -> str | None:
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


def _sources(sent: SpacySpan, entities: Entities, tables: KeyTables, find: Cues) -> set[int]:
    """:func:`_estimators`, once per sentence."""
    return find.of_sentence("sources", sent, lambda: _estimators(sent, entities, tables) |
                            _credited(sent, entities, find))


def _credited(sent: SpacySpan, entities: Entities, find: Cues) -> set[int]:
    """Tokens naming the source a prepositional cue credits the sentence to ("according to
    the transport ministry, the jet carried 181 people"): who says, not whose the figure is;
    the article's focal entity crediting its own figures stays a candidate. A name set off
    by commas right after the source ("according to the agency's former head, Ravi Menon,
    the cost is ...") is the source's apposition, however the parser hangs it."""
    found: set[int] = set()
    for tokens in find.tokens(sent, entities.rules.cues.modality.get("quoted", ())):
        for source in (c for t in tokens for c in t.children if c.dep_ == "pobj"):
            mention = entities.by_token.get(source.i)
            if mention is not None and mention.name in (entities.focal, entities.focal_org):
                continue
            found.update(t.i for t in source.subtree)
            found.update(_apposed_name(source, sent, entities))
    return found


def _apposed_name(source: Token, sent: SpacySpan, entities: Entities) -> range:
    """The tokens of a name between two commas right after a source phrase, or none."""
    comma = source.right_edge.i + 1
    if comma >= sent.end - 1 or sent.doc[comma].text != ",":
        return range(0)
    mention = entities.by_token.get(comma + 1)
    if (mention is None or mention.start != comma + 1 or mention.end >= sent.end
            or sent.doc[mention.end].text != ","
            or mention.name in (entities.focal, entities.focal_org)):
        return range(0)
    return range(mention.start, mention.end)


def _estimators(sent: SpacySpan, entities: Entities, tables: KeyTables) -> set[int]:
    """Tokens naming who estimates a figure, not whose it is: the owner of an estimate
    ("Refinitiv's forecast", "analysts' expectations"), the subject of an estimating verb
    ("Wall Street expected"), the source of "according to" or "polled by". The article's
    focal entity estimating its own figures (guidance) stays a candidate."""
    found: set[int] = set()
    for token in sent:
        word = token.lower_
        if word not in tables.estimate and word not in tables.estimate_verbs:
            continue
        does = any(c.dep_ == "xcomp" for c in token.children)  # "OpenAI expects to burn"
        for child in token.children:
            if child.dep_ == "nsubj" and does:
                continue
            if child.dep_ in ("poss", "nsubj", "compound", "nmod") or (
                    child.dep_ in ("agent", "prep") and child.lower_ in ("by", "from")):
                names = [child, *(g for g in child.children if g.dep_ == "pobj")]
                for name in names:
                    mention = entities.by_token.get(name.i)
                    if mention is not None and mention.name in (entities.focal,
                                                                 entities.focal_org):
                        continue
                    found.update(t.i for t in name.subtree)
    return found


class _Tables:
    """Tables written as lines: a header naming periods ("Metric Fiscal Q2 2023 Fiscal Q2
    2024 Change") and rows of a label and one figure per column ("Revenue $6.70 billion
    $13.51 billion 101%"). A row's amounts take the row's label as their metric and the
    header's periods in order; its changes and rows under no header get no key."""

    def __init__(self, doc: Doc, periods: Periods, tables: KeyTables, skip: set[int],
                 find: Cues, quantities: Sequence[Quantity]) -> None:
        self.doc, self.periods, self.tables, self.skip, self.find = \
            doc, periods, tables, skip, find
        self.quantities = quantities
        self._headers: list[tuple[int, list[str]]] | None = None

    def headers(self) -> list[tuple[int, list[str]]]:
        """(token index, period keys) of the lines naming two periods or more (read from
        the words: a header line holds no figure, so it is not parsed)."""
        if self._headers is None:
            self._headers = []
            text = self.find.text
            for line in _LINE.finditer(text):
                keys = [k for m in _PERIOD.finditer(line.group(0))
                        if (k := period_key(m.group(0), published=self.periods.published,
                                            reference=self.periods.focal,
                                            rules=self.periods.rules))]
                if len(keys) >= 2:
                    span = self.doc.char_span(line.start(), line.end(),
                                              alignment_mode="expand")
                    if span is not None:
                        self._headers.append((span.start, keys))
        return self._headers

    def cell(self, sent: SpacySpan, figure: SpacySpan, quantity: Quantity
             ) -> tuple[str, tuple[str, ...], str] | None:
        """(metric key, qualifiers, period key) of a table cell, ``None`` when it has
        none."""
        if quantity.unit in ("percent", "dimensionless"):
            return None
        headers = [h for h in self.headers() if h[0] < sent.start and
                   sent.start - h[0] <= TABLE_REACH]
        if not headers:
            return None
        columns = headers[-1][1]
        label = []
        for token in sent:
            if token.like_num or token.ent_type_ in ("MONEY", "PERCENT", "CARDINAL"):
                break
            if token.is_alpha and token.i not in self.skip:
                label.append(token.lower_)
        key, qualifiers = keys_of(label, self.tables)
        if key is None:
            return None
        start, end = sent.start_char, sent.end_char
        amounts = sorted(q.span.start for q in self.quantities
                         if start <= q.span.start < end
                         and q.unit not in ("percent", "dimensionless"))
        if quantity.span.start not in amounts:
            return None
        index = amounts.index(quantity.span.start)
        if index >= len(columns):
            return None
        return key, qualifiers, columns[index]


def _unit_ratio(figure: SpacySpan, sent: SpacySpan, quantity: Quantity, entities: Entities,
                rules: Rules) -> tuple[str, str | None] | None:
    """(key, whose units are paid) of a count paid for each one of the same unit ("2.3
    shares of Halcon for each Westmark share"; ``unit_ratios`` in metrics.yaml)."""
    ratios = rules.metrics.keys.unit_ratios
    if not ratios or quantity.per is not None:
        return None
    unit = singular(quantity.unit.lower().removesuffix("_count"))
    after = sent.doc[figure.end:min(sent.end, figure.end + 12)]
    lowers = [t.lower_ for t in after]
    for key, ratio in ratios.items():
        if unit != ratio.unit:
            continue
        for phrase in ratio.per:
            words = phrase.lower().split()
            k = next((k for k in range(min(7, len(lowers))) if lowers[k:k + len(words)] ==
                      words), None)
            if k is None or not any(singular(w) == ratio.unit for w in
                                    lowers[k + len(words):k + len(words) + 4]):
                continue
            issuer = next((name for t in (*figure, *after[:k]) if t.pos_ == "PROPN"
                           and (name := entities.name_at(t) or (
                               t.text if t.is_alpha and t.text[:1].isupper() else None))),
                          None)
            return key, issuer
    return None


_CAPTION_LINES = 2  # lines of text above a pipe table read for the metric it names
_PIPE_RULE = re.compile(r"\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)+\|?")
_WORD = re.compile(r"[^\W\d_]+")


class PipeCell(NamedTuple):
    """A figure in a table written with pipes: its row's label, the metric key the table
    names (its caption, corner or column), and the column header as a qualifier."""

    label: str
    key: str
    qualifiers: tuple[str, ...]


def pipe_cell(text: str, offset: int, tables: KeyTables) -> PipeCell | None:
    """The frame of a figure at ``offset`` in a row of a pipe table ("| Halcon X2 | $829 |
    $929 |" under "| Model | 128GB | 256GB |" and a rule line): the row's first cell is what
    the figure belongs to, the column's header narrows it, and the metric is the one the
    column header, the corner cell or the line above the table (its caption) names."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start:end if end >= 0 else len(text)]
    if not line.lstrip().startswith("|"):
        return None
    column = line[:offset - start].count("|") - 1
    if column < 1:
        return None
    lines: list[str] = []  # the table's lines above, nearest first, and two lines of text
    cursor, prose = start, 0
    while cursor > 0 and prose < _CAPTION_LINES:
        above = text.rfind("\n", 0, cursor - 1) + 1
        lines.append(text[above:cursor - 1])
        cursor = above
        if not lines[-1].lstrip().startswith("|"):
            prose += bool(lines[-1].strip())
    rule = next((k for k, ln in enumerate(lines) if _PIPE_RULE.fullmatch(ln.strip())), None)
    if rule is None or rule + 1 >= len(lines) or \
            any(not ln.lstrip().startswith("|") for ln in lines[:rule + 2]):
        return None
    header = _cells(lines[rule + 1])
    caption = " / ".join(ln for ln in lines[rule + 2:] if not ln.lstrip().startswith("|"))
    row = _cells(line)
    if column >= len(header) or not row or not _WORD.search(row[0]):
        return None
    named = _named_key(header[column], tables)
    if named is not None:
        return PipeCell(row[0], named, ())
    key = _named_key(header[0], tables) or _named_key(caption, tables)
    if key is None:
        return None
    return PipeCell(row[0], key, (header[column].lower(),) if header[column] else ())


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _named_key(words: str, tables: KeyTables) -> str | None:
    """The synonym-table key a header or caption names ("Prices" -> "price")."""
    found = [singular(w.lower(), tables.plural) for w in _WORD.findall(words)]
    for size in (3, 2, 1):
        for k in range(len(found) - size + 1):
            key = tables.spellings_of_keys.get(" ".join(found[k:k + size]))
            if key is not None:
                return key
    return None


def _estimated(chain: Sequence[Token], tables: KeyTables) -> bool:
    """An estimate by its governing words: an estimating verb ("analysts expect", "was
    looking for"), or a verb whose subject is an estimate ("estimates called for")."""
    for token in chain:
        if token.lower_ in tables.estimate_verbs:
            return True
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in tables.estimate
               for c in token.children):
            return True
    return False


def _agreed_terms(sent: SpacySpan, chain: list[Token], rules: Rules, find: Cues) -> bool:
    """Whether a figure in the future tense is a term of an agreement (``agreement_nouns`` of
    ``rules/cues.yaml``): its clause, or the clause it is a conjunct of, is "under" such a
    noun or has one as its subject ("Under the deal, ... the starting wage will rise to $30
    an hour", "the contract will pay each driver $500"), and no projection cue but an
    ``agreed_modals`` auxiliary of those clauses sits on the figure's chain."""
    nouns = {w.lower() for w in rules.cues.agreement_nouns}
    modals = {w.lower() for w in rules.cues.agreed_modals}
    verbs = [t for t in chain if t.pos_ in ("VERB", "AUX")][:1]
    while verbs and verbs[-1].dep_ == "conj" and verbs[-1].head.i != verbs[-1].i:
        verbs.append(verbs[-1].head)  # "..., and the starting rate will jump to $28"
    if not verbs or not nouns:
        return False
    near = _near_chain(chain) | {c.i for v in verbs for c in v.children if c.dep_ == "aux"}
    cues = [t for tokens in find.tokens(sent, rules.cues.modality.get("projection", ()))
            for t in tokens if t.i in near]
    if not cues or any(t.lower_ not in modals for t in cues):
        return False
    for verb in verbs:
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ in nouns:
                return True  # "the agreement will raise ..."
            if child.dep_ == "prep" and child.lower_ == "under" and any(
                    g.dep_ == "pobj" and g.lower_ in nouns for g in child.children):
                return True  # "Under the agreement, ..."
    return False


def _on_terms(root: Token) -> bool:
    """Whether a figure is the terms another figure rests on ("earnings per share of $2.22
    on revenue of $8.71 billion"): the object of "of" after a noun that "on" governs."""
    of = root.head
    noun = of.head
    return of.i != root.i and of.lower_ == "of" and noun.i != of.i and \
        noun.pos_ in ("NOUN", "PROPN") and noun.head.i != noun.i and noun.head.lower_ == "on" \
        and noun.dep_ == "pobj"


def _table_row(sent: SpacySpan, spans: Sequence[tuple[int, int]], text: str) -> bool:
    """A line of a table ("Revenue $6.70 billion  $13.51 billion 101%"): two figures with
    nothing but spaces between them; its columns (periods, measures) are not in its words.
    ``spans`` are the (start, end) offsets of the document's figures, sorted."""
    inside = spans[bisect_left(spans, (sent.start_char,)):bisect_left(spans, (sent.end_char,))]
    return any(not text[b1:a2].strip() for (_, b1), (a2, _) in zip(inside, inside[1:],
                                                                    strict=False))


def _per_share(quantity: Quantity) -> bool:
    """An amount per share ("$2.48 per share", "26 cents a share")."""
    per = quantity.per
    return per is not None and per.strip().lower() in ("share", "shares")


def _indefinite(chain: Sequence[Token]) -> bool:
    """The figure's clause is about something indefinite ("A company that employs 100
    developers is spending $15 million"): not the article's focal entity."""
    return any(c.dep_ in ("nsubj", "nsubjpass") and any(
        d.dep_ == "det" and d.lower_ in ("a", "an", "any", "every", "each", "another")
        for d in c.children) for token in chain for c in token.children)


def _unresolved(sent: SpacySpan, root: Token, entities: Entities) -> str | None:
    """The words of an organisation anaphor nearest the figure that refers to nothing the
    article names ("The company is raising its dividend to $0.15 per share" in an article
    that never names it): the figure is some organisation's, unnamed."""
    best: tuple[int, Token] | None = None
    up = ancestry(root)
    for token in entities.arguments(sent.start, sent.end):
        if not entities.is_anaphor(token) or token.lower_ not in entities.focal_words:
            continue
        distance = tree_distance(root, token, up)
        if best is None or distance < best[0]:
            best = (distance, token)
    return _anaphor_words(best[1]) if best else None


def _names(key: str, subject: str, tables: KeyTables) -> bool:
    """Whether a metric key only repeats the subject's name ("castell lab" of Castell Labs)."""
    named = {singular(w, tables.plural) for w in re.findall(r"[a-z0-9]+", subject.lower())}
    words = key.removesuffix(" change").split()
    return bool(words) and all(w in named for w in words)


def _subject_how(subject: str | None, token: Token | None, sent: SpacySpan,
                 entities: Entities) -> tuple[SubjectHow | None, str | None]:
    """How a subject was found: ``named`` in the sentence, or ``resolved`` from a pronoun or
    a description (and the words it was resolved from)."""
    if subject is None:
        return None, None
    if token is not None and entities.is_anaphor(token):
        if any(m.name == subject for m in entities.mentions_in(sent)):
            return "named", None  # "Halvorsen said its revenue ...": named in the sentence
        return "resolved", _anaphor_words(token)
    if token is not None or any(m.name == subject for m in entities.mentions_in(sent)):
        return "named", None
    for candidate in entities.arguments(sent.start, sent.end):
        if entities.is_anaphor(candidate) and entities.resolve(candidate) == subject:
            return "resolved", _anaphor_words(candidate)
    return "named", None


def _other_owner(root: Token, chain: Sequence[Token], figure: set[int],
                 subject_token: Token | None, entities: Entities, measure: set[str],
                 metric: set[str], plain: frozenset[str]) -> str | None:
    """The words of the figure's owner when it is a common noun the subject does not name.

    The nominal subject of the figure's own clause ("The lander and rover cost Rs 215
    crore", "Macron's centrists won 168 seats", "the mission incurred a cost of ...") owns
    the figure; when it is a common noun (not a name, not a pronoun or a description such as
    "the company", not a word of the measure: "revenue rose", "the deal is worth"), the
    article's main subject or a possessive on that noun is a guess at whose figure it is
    ("the Colossus site" names its owner). A noun of the measure narrowed by a word the key
    does not carry is a segment's; a name subject while the subject came from an adjunct is
    the owner. ``measure``: the lemmas of the figure's key, qualifiers and
    counted noun; ``metric``: the words of its key and of the synonym table's measures;
    ``plain``: words that never narrow a measure (totals, periods, bases)."""
    heads = [root, *chain]
    while heads[-1].dep_ == "advcl" and heads[-1].tag_ in ("VBG", "VBN") and len(heads) < 12:
        heads.append(heads[-1].head)  # "..., generating $1.9 billion": the clause's subject's
    measured = _of_a_thing(heads, figure, subject_token, entities, measure)
    if measured is not None:
        return measured  # "the cost of the payload carrier, used by Halcon, at $365 million"
    owner = next((c for t in heads for c in t.children
                  if c.dep_ in ("nsubj", "nsubjpass")), None)
    if owner is None or owner.i in figure:
        return None
    named = entities.name_at(owner)
    if named is not None:
        # "Kane scored 213 goals in 320 games for Tottenham": the clause names its owner,
        # and a name in an adjunct ("for", "with") is a guess at whose figure it is
        # (not whom the figure is against: "The Commission announced a fine against Halcon")
        if subject_token is not None and (subject_token.dep_ == "pobj" and
                                          subject_token.head.lower_ not in
                                          entities.target_prepositions or (
                subject_token.dep_ == "poss" and subject_token.pos_ == "PROPN")) and \
                subject_token.i not in {t.i for t in owner.subtree} and \
                named != entities.name_at(subject_token):
            return named  # (or a possessive elsewhere: "India's first mission Vikra-1,
            # which had cost Rs 386 crore": Vikra-1's cost)
        return None
    if owner.pos_ != "NOUN" or owner.i in entities.by_token or owner.ent_type_ == "DATE":
        return None  # (a time owns nothing: "The fourth quarter saw revenue of $40 billion")
    if owner.lemma_.lower() in measure or owner.lower_ in measure:
        # a measure's own noun ("Revenue rose 8%") owns nothing, unless a word narrows it
        # that the key does not carry ("Online sales remain its largest revenue engine,
        # generating $57.3 billion": a segment's); a qualifier's or counted noun's own
        # words describe it ("this mixed reality headset", priced at ...)
        if owner.lemma_.lower() not in metric and owner.lower_ not in metric:
            return None
        narrowed = [c for c in owner.children if c.dep_ in ("amod", "compound")
                    and c.is_alpha and not c.ent_type_ and c.i not in entities.by_token
                    and c.lower_ not in measure and c.lower_ not in plain]
        if not narrowed or subject_token is not None and \
                subject_token.i in {t.i for t in owner.subtree}:
            return None
        return f"{narrowed[0].text} {owner.text}"
    inside = {t.i for t in owner.subtree}
    if inside & figure:
        return None  # "the $725 million settlement was approved": the figure's own phrase
    governing = {t.i for t in heads} | figure
    if subject_token is not None and (_in_other_clause(subject_token, owner, figure) or
                                      _person_saying(subject_token, root, entities) or (
            subject_token.dep_ == "poss" and (subject_token.i in inside or
                                              not {subject_token.head.i, subject_token.head
                                                   .head.i} & governing))):
        pass  # a name in a clause of its own ("The alliance led by Halcon won 233 seats")
        # or a possessive inside the owner's phrase ("The second edition in Vashti's probe
        # series, the mission incurred ...": the edition's cost) or in an adjunct ("counting
        # was held for 542 seats after Halcon's candidate ...")
    elif subject_token is not None and (subject_token.head.i != owner.i or
                                        subject_token.dep_ != "poss"):
        return None  # a name elsewhere ("these gains lifted Halcon's revenue", "the
        # settlement with Halcon drew 9 million claims", "Halcon said the jet was carrying
        # 174 passengers") or naming the owner ("the Colossus site"): maybe its owner; only
        # a possessive on the owner ("Holm's centrist bloc") is not
    words = [t for t in owner.subtree if t.i <= owner.i or t.dep_ == "conj"
             and t.head.i == owner.i]
    last = max(t.i for t in words) + 1 if words else owner.i + 1
    first = min(t.i for t in words) if words else owner.i
    return owner.doc[first:last].text


def _of_a_thing(heads: Sequence[Token], figure: set[int], subject_token: Token | None,
                entities: Entities, measure: set[str]) -> str | None:
    """The words of a common noun the figure's measured noun is "of" ("puts the cost of the
    payload carrier, used by Halcon, at $365 million") when the subject is named only in a
    modifier clause of that noun: the thing's figure, not the subject's own. Likewise when
    the subject is named only in an adjunct of the figure's clause ("For Selene-2, the cost
    of the launch vehicle was Rs 410 crore", "..., the cost for the lander and orbiter was
    about Rs 590 crore"): the subject frames the sentence, the figure is a part's."""
    if subject_token is None:
        return None
    framing = _clause_adjunct(subject_token, heads)
    nouns = [n for t in heads for n in (t, *t.children) if n.pos_ == "NOUN" and
             (n.lemma_.lower() in measure or n.lower_ in measure)]
    for noun in nouns:
        for prep in noun.children:
            if prep.dep_ != "prep" or prep.lower_ not in (("of", "for") if framing
                                                          else ("of",)):
                continue
            for thing in prep.children:
                if thing.dep_ == "pobj" and thing.pos_ == "NOUN" and \
                        thing.i not in entities.by_token and thing.i not in figure and \
                        not entities.is_anaphor(thing) and \
                        thing.lemma_.lower() not in measure and (
                            framing and _narrowed(thing) or
                            _in_other_clause(subject_token, thing, figure)):
                    first = min(t.i for t in thing.subtree if t.i <= thing.i)
                    return thing.doc[first:thing.i + 1].text
    return None


def _narrowed(thing: Token) -> bool:
    """Whether a noun is narrowed by a word of its own or listed with others ("the heavy
    launch vehicle", "the lander, orbiter and ground network"), not a bare description that
    may be the subject itself ("the mission")."""
    return any(c.dep_ == "conj" or (c.dep_ in ("amod", "compound", "nmod") and c.i < thing.i)
               for c in thing.children)


def _clause_adjunct(token: Token, heads: Sequence[Token]) -> bool:
    """Whether a name is the object of a preposition set before the figure's clause and
    hanging from its verb ("For Selene-2, the cost ... was"): it frames the sentence."""
    prep = token.head
    return token.dep_ == "pobj" and prep.dep_ == "prep" and prep.lower_ != "of" and \
        prep.i < prep.head.i and any(prep.head.i == h.i for h in heads) and \
        prep.head.pos_ in ("VERB", "AUX")


def _person_saying(token: Token, root: Token, entities: Entities) -> bool:
    """Whether a subject is a person saying the figure's clause ("He further added that the
    lander will cost the agency ₹250 crore"): who speaks, not whose the thing is (an
    organisation saying it may be its owner: "Halcon said the jet was carrying 174
    passengers")."""
    if token.dep_ != "nsubj" or token.head.lower_ not in SAYING_VERBS or \
            token.head.i not in {t.i for t in root.ancestors}:
        return False
    name = entities.name_at(token)
    return name is not None and any(m.name == name and m.label == "PERSON"
                                    for m in entities.mentions)


def _person_object(chain: Sequence[Token], figure: set[int], subject: str,
                   entities: Entities) -> str | None:
    """A person named as the direct object of the figure's verbs ("moved to sign Lindqvist
    for £65m"), other than the subject."""
    for verb in chain:
        for child in verb.children:
            if child.dep_ != "dobj" or child.i in figure:
                continue
            mention = entities.by_token.get(child.i)
            if mention is not None and mention.label == "PERSON" and mention.name != subject:
                return mention.name
    return None


def _in_other_clause(token: Token, owner: Token, figure: set[int]) -> bool:
    """Whether a name is inside a modifier clause of the owner that does not hold the
    figure ("The alliance led by Halcon won 233 seats")."""
    for ancestor in token.ancestors:
        if ancestor.dep_ in ("acl", "relcl", "advcl"):
            if figure & {t.i for t in ancestor.subtree}:
                return False
            return ancestor.dep_ != "advcl" and ancestor.head.i == owner.i
    return False


def _measure_words(tables: KeyTables, find: Cues) -> frozenset[str]:
    """The words of the synonym table's keys and phrases ("revenue", "sales", "deal"): a
    clause subject made of one measures, it owns nothing (built once per run)."""
    return find.memo.table("measure words", frozenset, lambda: frozenset(
        w for phrase in (*tables.synonyms, *tables.canonical)
        for w in re.findall(r"[a-z]+", phrase.lower())))


def _in_scope_phrase(chain: Sequence[Token], tables: KeyTables) -> bool:
    """Whether the figure is in the noun phrase an including/excluding/plus phrase holds
    ("including the assumption of $1.7 billion of debt"), no verb or other item of the phrase
    between ("including a buyback and reducing net debt below $26 billion": the debt is no
    part of anything)."""
    for token in chain:
        if token.dep_ == "prep" and token.lower_ in tables.scope_markers:
            return True
        if is_verb(token) or token.dep_ == "conj":
            return False  # another item of the phrase ("a buyback and net debt below ...")
    return False


def _plain_words(tables: KeyTables, find: Cues) -> frozenset[str]:
    """Words that never narrow a measure to a part: the neutral words, period words, bases
    and scope words of the key tables (built once per run)."""
    return find.memo.table("plain words", frozenset, lambda: frozenset(
        w for phrase in (*tables.neutral, *tables.periods, *tables.basis,
                         *tables.scope_words) for w in phrase.lower().split()))


def _anaphor_words(token: Token) -> str:
    """The words of an anaphor as written: "its", "the company", "the chip giant"."""
    words = [c for c in token.lefts if c.dep_ in ("det", "amod", "compound")]
    return " ".join(t.text for t in [*words, token])


def _to_original(quantity: Quantity, repaired: RepairedText, document: Document) -> Quantity:
    start, end = repaired.to_original(quantity.span.start, quantity.span.end)
    span = Span(doc_id=document.id, start=start, end=end, text=document.text[start:end])
    return quantity.model_copy(update={"span": span})


def _in_a_name(quantity: Quantity, figure: SpacySpan | None, entities: Entities) -> bool:
    """A bare number that is (part of) a name, not a figure: "3M said", "the Orbiter 3
    mission": written as digits (and letters) alone, every token of it inside one named
    entity that is not a place."""
    if figure is None or not len(figure) or not _NAME_FIGURE.fullmatch(quantity.span.text):
        return False  # (a currency a bare "3M" took from the amount before is no unit)
    mention = entities.by_token.get(figure.start)
    return mention is not None and mention.label not in PLACE_LABELS and \
        all(entities.by_token.get(i) is mention for i in range(figure.start, figure.end))


def _in_boilerplate(document: Document, start: int, end: int) -> bool:
    return any(b_start <= start and end <= b_end for b_start, b_end in document.boilerplate)


def _definite_figure(root: Token, rules: Rules) -> bool:
    """The figure modifies a definite noun ("the $60 billion price tag"): a known figure."""
    nouns = [root]
    if root.dep_ in ("nummod", "compound", "quantmod", "nmod", "amod") and root.head.i != root.i:
        nouns.append(root.head)
    definite = {d.lower() for d in rules.cues.definite}
    return any(c.dep_ == "det" and c.lower_ in definite for n in nouns for c in n.children)


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
    find = Cues(doc, rules, text=repaired.text, memo=memo)
    entities = Entities(doc, rules, find)
    tables = find.memo.table("keys", KeyTables, lambda: KeyTables.build(rules))
    periods = Periods(doc, document, rules, find)
    skip = {i for i in entities.by_token} | {t.i for ent in find.ents
                                             if ent.label_ in ("DATE", "TIME") for t in ent}
    tables_of = _Tables(doc, periods, tables, skip, find, quantities)
    spans = sorted((q.span.start, q.span.end) for q in quantities)
    figures: set[int] = set()
    figure_spans: dict[tuple[int, int], SpacySpan | None] = {}  # each figure's tokens
    for q in quantities:
        at = (q.span.start, q.span.end)
        if at not in figure_spans:
            figure_spans[at] = doc.char_span(*at, alignment_mode="expand")
    quantities = [q for q in quantities
                  if not _in_a_name(q, figure_spans[(q.span.start, q.span.end)], entities)
                  or list_entry(repaired.text, q.span.start, q.span.end) is not None]
    measures: set[int] = set()  # the tokens of physical measures: numbers and unit words
    for q in quantities:
        span = figure_spans[(q.span.start, q.span.end)]
        if span is not None:
            figures.update(range(span.start, span.end))
            if not find.dimension(registry, q).startswith(("count", "currency")):
                measures.update(range(span.start, span.end))
    currencies = Counter(q.currency for q in quantities if q.currency)
    usual_currency = currencies.most_common(1)[0][0] if currencies else None
    claims: list[Claim] = []
    previous: _Previous | None = None
    last_subject: dict[str, str] = {}  # metric -> subject of its latest claim in this document
    repeats = _Repeats(doc, repaired.text, quantities)
    earlier = earlier_sections(repaired.text, frozenset(
        w.lower() for w in rules.cues.earlier_headings))

    # per sentence, computed once for all its figures: whether it continues the figure
    # before (see _continues), its text (one string shared by its claims)
    def continues(sent: SpacySpan) -> bool:
        return find.of_sentence("continues", sent, lambda: _continues(sent, rules))

    def sentence_text(sent: SpacySpan) -> str:
        return find.of_sentence("text", sent, lambda: sent.text.strip())

    converted = conversions(quantities, repaired.text)
    for quantity in sorted(quantities, key=lambda q: (q.span.start, q.span.end)):
        original = _to_original(quantity, repaired, document)
        if _in_boilerplate(document, original.span.start, original.span.end):
            continue
        figure = figure_spans[(quantity.span.start, quantity.span.end)]
        dimension = find.dimension(registry, quantity)
        if figure is None or not len(figure):
            continue
        sent = sentence_of(figure)
        seen = repeats.key(sent, quantity, original, previous, last_subject)
        if seen is not None and seen in repeats.framed:
            again, dimension = repeats.framed[seen]
            where = original.span
            claims.append(again.model_copy(update={
                "id": claim_id(document, where), "span": where,
                "quantity": again.quantity.model_copy(update={"span": where})}))
            previous = _Previous(sent.end, dimension, again.metric, again.subject,
                                 again.modality)
            if again.subject is not None:
                last_subject[again.metric] = again.subject
            continue
        root = figure.root
        tokens = set(range(figure.start, figure.end))
        chain = governing_chain(root)

        metric, decided = metric_cue(sent, root, quantity, dimension, rules, find)
        implied = None
        if metric == "unknown":
            implied = implied_money(sent, root, quantity, usual_currency, registry, rules,
                                     find)
        if implied is not None:
            quantity, metric = implied
            original = original.model_copy(update={"unit": quantity.unit,
                                                   "currency": quantity.currency})
            dimension = find.dimension(registry, quantity)
        if metric == "unknown" and previous and previous.dimension == dimension and \
                previous.end >= sent.start - 1 and continues(sent):
            # "OpenAI is valued at $150 billion. Anthropic at $60 billion."
            metric = previous.metric
        rule = rules.metrics.metrics.get(metric)
        parties = _parties(root, tokens, entities, find) if dimension.startswith("currency") \
            else {}
        if not decided and parties.get("target"):
            metric = target_metric(dimension, rules) or metric
            rule = rules.metrics.metrics.get(metric)
        payer = entities.booked_to(parties.get("payer"))
        payee = entities.booked_to(parties.get("payee"))
        priced = price_frame(figure, tables, skip) if dimension == "currency" else None
        # a unit word the NER takes for a name ("51.8 degrees Celsius (125 Fahrenheit)")
        # owns no figure
        candidates = subject_candidates(sent, tokens, root, dimension.startswith("count"),
                                        entities, _sources(sent, entities, tables, find)
                                        | (measures - tokens), physical=bool(tokens & measures))
        subject: str | None = None
        subject_token: Token | None = None
        searched = False  # the subject is the nearest candidate or the focal entity
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
            if priced is not None and not prefer:
                prefer = {"PRODUCT"}  # "the iPhone 15 Plus starts at $899": not Apple's
            subject, subject_token = nearest_subject(root, candidates, exclude, prefer, entities)
            searched = True
        respective = respective_owner(tokens, sent, entities) if searched else None
        if respective is not None:  # "X and Y won 14 and 9 seats, respectively"
            subject, subject_token = respective
        how, cue = _subject_how(subject, subject_token, sent, entities)
        if subject is None and metric != "unknown" and _definite_figure(root, rules):
            subject = last_subject.get(metric)  # "The $60 billion price tag": a known deal
            how, cue = "resolved", None
        if subject is None and previous and previous.end >= sent.start - 1 and \
                continues(sent):
            subject = previous.subject  # "That is $3.6 billion a year": the figure before's
            how, cue = "resolved", None
        if subject is None and entities.focal is not None and not _indefinite(chain) and \
                not any(c.dep_ == "poss" and entities.new_referent(c) for c in root.children):
            # (not "another train ... its 3-4 coaches": that train's, not the focal one's)
            subject, how, cue = entities.focal, "focal", None  # "Revenue rose 9%": its own
            searched = True
        if subject is None:
            cue = _unresolved(sent, root, entities)  # "the company", naming no company

        count = dimension.startswith("count")
        filed = filed_object(figure, tables) if count and not quantity.per else None
        if filed is not None:  # "12 million users filed valid claims": the claims
            unit = ensure_unit(registry, singular(filed.lower_, tables.plural))
            quantity = quantity.model_copy(update={"unit": unit})
            original = original.model_copy(update={"unit": unit})
        frame = metric_frame(figure, sent, count=count, closed=metric,
                             per_share=_per_share(quantity), figures=figures, skip=skip,
                             tables=tables, find=find,
                             counted=quantity.unit if count and not quantity.per else None,
                             by_unit=bool(rule and quantity.unit in rule.units),
                             decided=decided or bool(parties.get("target")),
                             amount=dimension.startswith("currency") and not (
                                 decided or parties.get("target")))
        if frame.key is None and count and not frame.change and not frame.base:
            frame = _state_frame(figure, quantity.unit, tables) or frame
        size = size_frame(figure, dimension, tables) if not count else None
        if size is not None:  # "the 948-foot cargo ship": the ship's length
            frame = size
        # a frame whose owner is a name it points at, whoever the clause is about: "the
        # father of 6-year-old Ana Ruiz" (her age), "the valley, about 380 km north of
        # Larvik" (the distance from Larvik)
        for owned in () if count else (named_size(figure, dimension, tables),
                                       distance_frame(figure, dimension, tables)):
            owner = entities.name_at(owned[1]) if owned is not None else None
            if owned is not None and owner is not None:
                frame = owned[0]
                subject, subject_token, how, cue = owner, owned[1], "named", None
                searched = False
        left = remaining_frame(figure, dimension, tables)
        if left is not None:  # "with 3 seconds remaining in overtime": the time left
            frame = left
        if priced is not None and not frame.change and not frame.base and (
                frame.key is None or frame.key not in tables.canonical):
            frame = replace(priced, estimate=frame.estimate)  # "the headset priced at"
        area = area_of(figure, chain, subject_token, subject, frame.key, tables) \
            if frame.key and frame.key != DISTANCE else None  # (a distance is from a place)
        if area is not None:  # "lost 12 seats in Wales": Wales's part, not the whole
            frame = replace(frame, qualifiers=tuple(sorted({*frame.qualifiers, area})))
        if frame.key and dimension.startswith("currency") and \
                _in_scope_phrase(chain, tables):
            # "a $9.6 billion deal, including about $1.7 billion of debt": a part of an
            # amount written beside it, not the whole another report gives
            frame = replace(frame, qualifiers=tuple(sorted({*frame.qualifiers, PART})))
        if frame.key and dimension.startswith("currency") and \
                demanded(figure, chain, tables):  # "sought $1.6 billion in damages"
            frame = replace(frame, qualifiers=tuple(sorted({*frame.qualifiers, DEMANDED})))
        if frame.key and frame.key.endswith(" per share") and quantity.per is None and \
                dimension == "currency":
            quantity = quantity.model_copy(update={"per": "share"})  # "EPS was $2.70"
            original = original.model_copy(update={"per": "share"})
        as_of, period = time_scope(sent, root, tokens, document, rules, find)
        period_key, period_how = periods.frame(sent, root, tokens, find, base=frame.base,
                                               basis=frame.basis)
        section = next(((year,) for start, end, year in earlier
                        if start <= quantity.span.start < end), None)
        if period_how != "written" and section is not None:
            # under "Previous election results": the year the section wrote before the
            # figure ("In 2019, ..."), else no date fixes which earlier time
            year = section[0]
            period_key, period_how = (year[1], "relative") \
                if year is not None and year[0] < quantity.span.start else (None, "unplaced")
        if frame.base and period_how == "written" and _dated_itself(root, tokens, sent, find):
            # "from just 11 seats in the 2019 election": that year's level, not the base of
            # a change the sentence dates
            frame = replace(frame, base=False)
        if frame.change and frame.key:
            dated = periods.basis(sent, root, find, period_key)
            spelled = basis_of(sent, root, tables, find)
            if dated is not None and dated[1] != frame.basis and (
                    spelled is None or dated[0] < spelled[0]):  # "up 88% since Q1"
                kept = tuple(q for q in frame.qualifiers if q != frame.basis)
                frame = replace(frame, basis=dated[1],
                                qualifiers=tuple(sorted({*kept, dated[1]})))
        if _table_row(sent, spans, repaired.text):
            cell = tables_of.cell(sent, figure, quantity)  # columns from the header line
            if cell is None:
                frame = replace(frame, key=None, qualifiers=())
            else:
                frame = replace(frame, key=cell[0], qualifiers=cell[1], change=False,
                                base=False)
                period_key, period_how = cell[2], "written"
        pipe = pipe_cell(repaired.text, quantity.span.start, tables) \
            if "|" in sent.text else None
        if pipe is not None:  # "| Halcon X2 | $829 |" under "| Model | 128GB |"
            frame = replace(frame, key=pipe.key, qualifiers=pipe.qualifiers, change=False,
                            base=False)
            subject, subject_token, how, cue = pipe.label, None, "named", None
            searched = False
            period_key, period_how = None, None
        listed = list_entry(repaired.text, quantity.span.start, quantity.span.end) \
            if dimension.startswith("count") and "\n" in repaired.text else None
        if listed is not None:  # "DMK – 22" under "the number of seats won by parties:"
            subject, subject_token, how, cue = listed.label, None, "named", None
            searched = False
        ratio = _unit_ratio(figure, sent, quantity, entities, rules)
        if ratio is not None:  # "2.3 shares of Halcon for each Westmark share"
            frame = replace(frame, key=ratio[0], qualifiers=(), change=False, base=False)
            if ratio[1]:
                subject, subject_token, how, cue = ratio[1], None, "named", None
                searched = False
        if frame.key and subject and _names(frame.key, subject, tables):
            # "beating analysts' estimate of $4.05 billion" read up to "Castell Labs
            # reported": a name measures nothing; the metric class, if any, is the key
            closed = metric.replace("_", " ") if metric != "unknown" else None
            frame = replace(frame, key=closed, qualifiers=() if closed is None else
                            frame.qualifiers)
        if frame.key and (quantity.span.start, quantity.span.end) in converted:
            # "a 2.42 billion euro fine ($2.8 billion)": the article's own conversion of the
            # amount before it, the same figure restated at a rate it does not state
            frame = replace(frame, qualifiers=tuple(sorted({*frame.qualifiers, CONVERTED})))
        if not frame.estimate and _estimated(chain, tables):
            frame = replace(frame, estimate=True)  # "Wall Street was looking for $2.09"
        attribution = _attribution(sent, root, entities, rules, find)
        modality = _modality(sent, chain, tokens, attribution, quantity.span.start, as_of,
                             period, document, rules, find)
        if modality == "asserted" and previous \
                and previous.modality in ("hypothetical", "projection") \
                and previous.end >= sent.start - 1 and previous.end <= sent.start \
                and continues(sent):
            # "Even if ... $300 million a month. That is $3.6 billion."
            modality = previous.modality
        if ratio is not None and modality == "projection" and not frame.estimate and any(
                c.dep_ == "aux" and c.lower_ in ("will", "'ll") for t in chain
                for c in t.children):
            modality = "asserted"  # "will receive 2.3 shares for each": agreed terms
        if modality == "projection" and not frame.estimate and \
                _agreed_terms(sent, chain, rules, find):
            modality = "asserted"  # "Under the deal, the starting wage will rise to $30"
        if modality in ("asserted", "quoted") and previous is not None and \
                previous.modality == "projection" and previous.end == sent.end and \
                _on_terms(root):
            modality = "projection"  # "expected EPS of $2.22 on revenue of $8.71 billion"
        if frame.estimate and modality in ("asserted", "quoted"):
            modality = "projection"  # "expectations of $11.22 billion"
        if frame.direction and original.direction is None:
            original = original.model_copy(update={"direction": frame.direction})
        if original.bound == "exact" and root.dep_ == "dobj" and \
                root.head.lower_ in tables.exceeding:  # "surpassing 400 seats": more than 400
            original = original.model_copy(update={"bound": "at_least"})
        metric_words = {*(frame.key or "").split(), *_measure_words(tables, find)}
        owner = _other_owner(root, chain, tokens, subject_token, entities, {
            *metric_words, *(w for q in frame.qualifiers for w in q.split()),
            singular(quantity.unit.lower().replace("_", " "), tables.plural)},
            metric_words, _plain_words(tables, find)) \
            if searched and subject is not None else None
        if owner is None and how == "resolved" and subject is not None:
            # "the club has moved to sign Lindqvist for £65m": a person the figure's verb
            # takes, under a subject resolved from a description: which of its deals?
            owner = _person_object(chain, tokens, subject, entities)
        if standing_size(frame.key, dimension, tables):
            # "The Titan, a 21-foot vessel, disappeared on June 18": the day is the
            # disappearance's; a thing's length or height is of no period
            period, period_key, period_how = None, None, None
        claims.append(Claim(
            id=claim_id(document, original.span),
            doc_id=document.id,
            span=original.span,
            sentence=sentence_text(sent),
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
            metric_key=frame.key,
            qualifiers=frame.qualifiers,
            base=frame.base,
            period_key=period_key,
            period_how=period_how,
            subject_how=how if subject is not None else None,
            subject_cue=cue,
            owner=owner,
            qualifier=None if ratio is not None else "; ".join(q for q in (
                joint_subject(subject_token),
                _qualifier(figure, root, dimension.startswith("count"), entities, rules,
                           find),
            ) if q) or None,  # a ratio's "Halcon shares" name its subject, not a part
            repaired=original.span.text != quantity.span.text,
        ))
        previous = _Previous(sent.end, dimension, metric, subject, modality)
        if subject is not None:
            last_subject[metric] = subject
        if seen is not None:
            repeats.framed[seen] = (claims[-1], dimension)
    return _full_names(claims, [m.name for m in entities.mentions], rules)


# the words between an amount and its conversion in parentheses: a noun or two of the amount
# ("2.42 billion euro fine ($2.8 billion)") and a hedge ("(about US$970 million)")
_IN_PARENTHESES = re.compile(
    r"\s*(?:[^\W\d]+\s+){0,2}\(\s*(?:about|around|roughly|approximately|nearly|some|or|"
    r"ca\.|c\.|~|≈)?\s*$", re.IGNORECASE)


def conversions(quantities: Sequence[Quantity], text: str) -> set[tuple[int, int]]:
    """The spans of money figures written in parentheses right after an amount in another
    currency ("€2.42 billion ($2.8 billion)", "S$1.3 billion (about US$970 million)"): the
    article's conversion of that amount, not a figure of its own."""
    found: set[tuple[int, int]] = set()
    ordered = sorted(quantities, key=lambda q: (q.span.start, q.span.end))
    for before, q in zip(ordered, ordered[1:], strict=False):
        if not before.currency or not q.currency or before.currency == q.currency or \
                q.span.start < before.span.end:
            continue
        if _IN_PARENTHESES.fullmatch(text[before.span.end:q.span.start]) and \
                text[q.span.end:q.span.end + 3].lstrip().startswith(")"):
            found.add((q.span.start, q.span.end))
    return found


def _full_names(claims: list[Claim], names: Sequence[str], rules: Rules) -> list[Claim]:
    """Subjects given the full name the article writes elsewhere ("Zhao" after "Changpeng
    Zhao", "Dortmund" after "Borussia Dortmund", "IBM" after "International Business
    Machines"), so that reports naming one entity either way meet (subjects are compared by
    key, and blocked by its first letter). Only when exactly one longer name of the article
    fits; otherwise the subject stays as written."""
    suffixes = rules.entities.name_suffixes
    subjects = sorted({c.subject for c in claims if c.subject})
    if not subjects:
        return claims
    longest: dict[str, str] = {}
    for name in sorted({*names, *subjects}, key=lambda n: (-len(n), n)):
        if key := name_key(name, suffixes):
            longest.setdefault(key, name)
    full: dict[str, str] = {}
    for subject in subjects:
        key = name_key(subject, suffixes)
        fits = [k for k in longest if len(k) > len(key) and related(key, k)] if key else []
        if len(fits) == 1:
            full[subject] = longest[fits[0]]
    if not full:
        return claims
    return [c.model_copy(update={"subject": full[c.subject]})
            if c.subject in full else c for c in claims]


# Tokens before a sentence that framing its figures may read (pronouns look back 400 tokens,
# table headers TABLE_REACH): a repeated sentence whose window (the sentences holding these
# tokens, the sentence before it, itself and the one after) is the same text, parse and
# figures as an earlier occurrence's is framed as that one (see _Repeats).
REPEAT_WINDOW = 500
_PARSED = list(Doc._get_array_attrs())  # every token attribute a Doc stores  # noqa: SLF001


class _Repeats:
    """The figures of a sentence repeated in one document (boilerplate, a pasted paragraph,
    an article of one sentence ten thousand times) are framed once: an occurrence whose
    window (the sentences within :data:`REPEAT_WINDOW` tokens before it and the sentence
    before, the sentence, the sentence after: their text, every parse attribute and the
    figures found in them) and whose state of the frames before it (the claim before, each
    metric's last subject) equal an earlier occurrence's gets that occurrence's claim at its
    own offsets. Framing reads nothing of the document beyond such a window but what is the
    same for every figure of it (its focal entity and period, its publication date, its
    names); a sentence seen once costs one dictionary look-up, a repeated one the digests of
    its window's sentences (each sentence's once)."""

    def __init__(self, doc: Doc, text: str, quantities: Sequence[Quantity]) -> None:
        self.doc = doc
        self.text = text
        self.starts = sorted((q.span.start, q.span.end, i) for i, q in enumerate(quantities))
        self.quantities = quantities
        self.sentences: set[str] = set()
        self.windows: dict[int, int | None] = {}  # sentence start -> its window's number
        self.framed: dict[tuple[object, ...], tuple[Claim, str]] = {}
        self._bounds: list[int] | None = None  # token starts of the doc's sentences
        # sentence number -> the number of its digest (equal digests, equal numbers), or
        # None until needed; a window is the numbers of its sentences, numbered in turn
        self._kinds: list[int | None] = []
        self._digests: dict[bytes, int] = {}
        self._numbered: dict[tuple[int, ...], int] = {}
        self._array: numpy.ndarray | None = None  # the doc's token attributes, once needed

    def key(self, sent: SpacySpan, quantity: Quantity, original: Quantity,
            previous: _Previous | None, last_subject: dict[str, str]
            ) -> tuple[object, ...] | None:
        """The figure's key, ``None`` for the first occurrence of its sentence's text."""
        if sent.start not in self.windows:
            words = self.text[sent.start_char:sent.end_char]
            if words in self.sentences:
                self.windows[sent.start] = self._window(sent)
            else:
                self.sentences.add(words)
                self.windows[sent.start] = None
        window = self.windows[sent.start]
        if window is None:
            return None
        base = sent.start_char
        before = None if previous is None else (
            previous.end - sent.start, previous.dimension, previous.metric, previous.subject,
            previous.modality)
        return (window, quantity.span.start - base, quantity.span.end - base,
                original.span.text, before, tuple(sorted(last_subject.items())))

    def _window(self, sent: SpacySpan) -> int:
        """The number of the sentence's window: equal for windows whose sentences have
        equal digests, in order."""
        if self._bounds is None:
            self._bounds = [s.start for s in self.doc.sents]
            self._kinds = [None] * len(self._bounds)
        bounds, kinds = self._bounds, self._kinds
        here = bisect_right(bounds, sent.start) - 1
        first = max(0, min(bisect_right(bounds, max(0, sent.start - REPEAT_WINDOW)) - 1,
                           max(0, here - 1)))
        last = min(here + 1, len(bounds) - 1)
        window = kinds[first:last + 1]
        if None in window:
            for j in range(first, last + 1):
                if kinds[j] is None:
                    kinds[j] = self._digests.setdefault(self._digest(j), len(self._digests))
            window = kinds[first:last + 1]
        return self._numbered.setdefault(tuple(window),  # type: ignore[arg-type]
                                         len(self._numbered))

    def _digest(self, j: int) -> bytes:
        """Sentence ``j``'s text, parse and figures (offsets from its start), digested."""
        doc, bounds = self.doc, self._bounds
        assert bounds is not None
        first = bounds[j]
        last = bounds[j + 1] if j + 1 < len(bounds) else len(doc)
        start = doc[first].idx
        end = doc[last - 1].idx + len(doc[last - 1].text_with_ws)
        figures = [(a - start, b - start, self._fields(i)) for a, b, i in
                   self.starts[bisect_left(self.starts, (start,)):
                               bisect_left(self.starts, (end,))]]
        if self._array is None:
            self._array = self.doc.to_array(_PARSED)
        digest = hashlib.blake2b(digest_size=16)  # a window is kilobytes: keep digests
        digest.update(self.text[start:end].encode("utf-8", "surrogatepass") + b"\0")
        digest.update(repr(figures).encode("utf-8", "surrogatepass") + b"\0")
        digest.update(self._array[first:last].tobytes())
        return digest.digest()

    def _fields(self, i: int) -> bytes | str:
        """Quantity ``i``'s fields but its span (exactly: ``marshal`` tells ``-0.0`` from
        ``0.0``; a value marshal cannot write, by its ``repr``)."""
        quantity = self.quantities[i]
        try:
            return marshal.dumps(tuple((k, v) for k, v in quantity.__dict__.items()
                                       if k != "span"))
        except ValueError:
            return repr(sorted(quantity.model_dump(exclude={"span"}).items()))


def _state_frame(figure: SpacySpan, unit: str | None, tables: KeyTables) -> MetricFrame | None:
    """A bare number of people whose noun is left out, framed by the part of the count its
    verb names ("Eleven were injured", "58 have been rescued": ``count_states``): the key
    that part already has ("injury"), else the people with that part ("people rescued"),
    as "11 people were injured" and "58 people rescued" are keyed."""
    if unit is None or unit.lower() not in tables.generic and \
            singular(unit.lower(), tables.plural) not in tables.generic or \
            not all(t.like_num or not t.is_alpha for t in figure):
        return None
    state = count_state(figure, tables)
    if state is None:
        return None
    keys = tables.state_keys.get(state)
    return MetricFrame(key=min(keys) if keys else f"people {state}")
