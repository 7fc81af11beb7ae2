"""Helpers over a dependency parse shared by the claim-frame modules: tree distances, the
figure's governing verb chain, subjects of verbs, cue matching."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

import numpy
from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

FAR = 99
CLAUSAL = ("acl", "relcl", "advcl")


@functools.lru_cache(maxsize=4096)
def cue_regex(cue: str) -> re.Pattern[str]:
    """A cue as a case-folded whole-word pattern (cached: the same few hundred cues are
    asked for over and over)."""
    return re.compile(r"(?<![\w-])" + re.escape(cue.lower()) + r"(?![\w-])")


def among(column: numpy.ndarray, values: Iterable[int]) -> numpy.ndarray:
    """Which entries of a ``Doc.to_array`` column (uint64 hashes) are among a few ``values``."""
    found = numpy.zeros(len(column), dtype=bool)
    for value in set(values):
        found |= column == numpy.uint64(value)
    return found


def ancestry(a: Token) -> dict[int, int]:
    """Each of ``a`` and its ancestors (by index) with its distance from ``a``."""
    return {t.i: n for n, t in enumerate([a, *a.ancestors])}


def tree_distance(a: Token, b: Token, up: dict[int, int] | None = None) -> int:
    """Edges between two tokens in the dependency tree (``FAR`` across sentences); ``up`` is
    ``ancestry(a)`` when the caller has it."""
    if a.i == b.i:
        return 0
    if up is None:
        up = ancestry(a)
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in up:
            return up[t.i] + n
    return FAR


def span_distance(root: Token, tokens: Iterable[Token]) -> int:
    up = ancestry(root)
    return min((tree_distance(root, t, up) for t in tokens), default=FAR)


# The argument slots in which a capitalised word the NER missed may be taken for a name.
NAME_DEPS = ("nsubj", "nsubjpass", "dobj", "pobj", "poss", "dative")
VERB_DEPS = ("ROOT", "ccomp", "xcomp", "advcl", "relcl", "acl", "pcomp", "parataxis")
VERB_CHILDREN = ("nsubj", "nsubjpass", "aux", "auxpass", "dobj", "dative", "mark", "xcomp",
                  "ccomp", "prt", "neg", "agent", "expl")


def is_verb(token: Token) -> bool:
    """A verb by its part of speech, or by its dependencies when the tagger is not run."""
    if token.pos_:
        return token.pos_ in ("VERB", "AUX")
    if any(c.dep_ in VERB_CHILDREN for c in token.children):
        return True
    if token.dep_ == "conj":
        return is_verb(token.head) if token.head.i != token.i else False
    return token.dep_ in VERB_DEPS and not any(c.dep_ == "det" for c in token.children)


# Key of the governing chains last walked in a Doc's ``user_data`` (token index -> chain):
# framing asks for a figure's chain some six times (subjects, keys, periods, parties,
# modality), and in a list of figures ("$1 million, $2 million, ...") each chain runs back
# through every figure before it. Only the last CHAINS_KEPT are kept (the figure being
# framed): memory stays flat however many figures an article has.
_CHAINS = "claims.governing_chain"
CHAINS_KEPT = 4


def governing_chain(root: Token) -> list[Token]:
    """The figure's governing words: heads up to the first verb, then up ``xcomp`` links.

    ``OpenAI expects to burn through $115 billion``: billion -> through -> burn -> expects.
    Walked once for the calls of one figure (the parse is not changed after it is made);
    each call gets its own list.
    """
    memo = root.doc.user_data.setdefault(_CHAINS, {})
    chain = memo.get(root.i)
    if chain is None:
        if len(memo) >= CHAINS_KEPT:
            del memo[next(iter(memo))]  # the oldest
        chain = memo[root.i] = _walk_chain(root)
    return list(chain)


def _walk_chain(root: Token) -> list[Token]:
    chain: list[Token] = []
    token = root
    while token.head.i != token.i:
        token = token.head
        chain.append(token)
        if is_verb(token):
            break
        participle = next((c for c in token.children if c.dep_ == "acl" and is_verb(c)), None)
        if participle is not None:  # "with 75 per cent of its revenue coming from ...": the
            chain.append(participle)  # participle governs the figure, not the main verb
            return chain
    while chain and chain[-1].dep_ in ("xcomp", "ccomp", "conj", "pcomp") and \
            chain[-1].head.i != chain[-1].i and len(chain) < 8:
        chain.append(chain[-1].head)
    return chain


def clause_subjects(token: Token) -> list[Token]:
    """Subjects of the clause a token sits in (a pronoun never refers to these)."""
    verb = token
    while not is_verb(verb) and verb.head.i != verb.i:
        verb = verb.head
    return subjects_of(verb) if is_verb(verb) else []


def subjects_of(word: Token, depth: int = 0) -> list[Token]:
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
        return subjects_of(word.head, depth + 1)
    if word.dep_ == "pcomp" and word.head.head.i != word.head.i:
        return subjects_of(word.head.head, depth + 1)
    return []


def sentence_of(figure: SpacySpan) -> SpacySpan:
    """The figure's sentence; the whole text when the Doc has no sentence boundaries."""
    try:
        return figure.sent
    except ValueError:
        return figure.doc[:]


def measured_of(root: Token) -> Token | None:
    """The noun of an amount's own "of" phrase, what the amount is of ("16 billion francs of
    bonds", "$5 billion of debt"): a common noun (a name's own words are no measure), not a
    figure, after the amount."""
    for prep in root.children:
        if prep.dep_ != "prep" or prep.lower_ != "of" or prep.i < root.i:
            continue
        noun = next((g for g in prep.children if g.dep_ == "pobj"), None)
        if noun is not None and noun.pos_ == "NOUN" and not noun.like_num and \
                noun.ent_type_ in ("", "PRODUCT"):
            return noun
    return None
