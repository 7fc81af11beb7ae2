"""Subjects of claim frames: entity mentions of one document, its focal entity, pronouns and
descriptions resolved to their antecedent, and the candidate owners of a figure."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

import numpy
import pint
from spacy.attrs import DEP, IS_ALPHA, IS_STOP, LOWER, ORTH, SENT_START
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from pipeline.extract.cues import Cues
from pipeline.extract.names import initials, name_key, tail_after_link
from pipeline.extract.periods import title_end
from pipeline.extract.tree import (
    NAME_DEPS,
    among,
    ancestry,
    clause_subjects,
    governing_chain,
    tree_distance,
)
from pipeline.rules import Rules
from pipeline.units import unit_name_known

# spaCy's NER label scheme (not world knowledge): which entity types can own a figure.
SUBJECT_LABELS = ("ORG", "PERSON", "PRODUCT", "FAC", "GPE", "NORP", "WORK_OF_ART")
# Labels of places: as a modifier ("the Memphis facility") a place locates, it does not own.
PLACE_LABELS = ("GPE", "LOC")
# Labels of sites: after a preposition of place beside a verb ("crashed at Muan International
# Airport") a site says where something happened, not whose figure it is.
SITE_LABELS = ("FAC",)
# A name that starts with a digit ("3M"): the NER tags it where it reads it as a name, and
# it names its entity wherever the article writes it (not only where the NER saw it).
_DIGIT_NAME = re.compile(r"\d[A-Z][A-Za-z]*")
POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
# Determiners of a description that names no one ("an Australian", "another Briton").
INDEFINITE = frozenset({"a", "an", "another"})
# Tokens after the title that count as the article's lede when its focal entity is chosen.
LEDE_TOKENS = 80
# The least score (see Entities._focal) of a focal entity: named in the title, or twice in
# the lede, or three times anywhere.
FOCAL_SCORE = 3


# --- entities and anaphora -------------------------------------------------------------------


# a name with a serial number, written as one word ("Selene-4", "Falcon-9"): a craft, a
# model or a mission the NER often misses, a name all the same
DESIGNATION = re.compile(r"[A-Z][A-Za-z]+-[A-Za-z]*\d+[A-Za-z]*")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    name: str
    label: str


class Entities:
    """Entity mentions of one document and the resolution of pronouns to them."""

    def __init__(self, doc: Doc, rules: Rules, cues: Cues) -> None:
        self.doc = doc
        self.text = cues.text
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
        self.mentions: list[Mention] = []
        self.by_token: dict[int, Mention] = {}
        self.nobody: set[int] = set()  # tokens of descriptions that name no one
        self._units = cues.memo.units
        stop = cues.memo.table("not names", set, lambda: _not_names(rules))
        self.definite = {d.lower() for d in rules.cues.definite}
        self.place_prepositions = frozenset(p.lower() for p in rules.cues.place_prepositions)
        self.counterparty_prepositions = frozenset(
            p.lower() for p in rules.cues.counterparty_prepositions)
        self.target_prepositions = frozenset(p.lower() for p in rules.cues.target_prepositions)
        self.stop = stop
        # token attributes read as arrays: walking the doc creates a Python object per token
        strings = doc.vocab.strings
        table = doc.to_array([ORTH, LOWER, SENT_START, IS_ALPHA, IS_STOP, DEP])
        sent_start, dep = table[:, 2], table[:, 5]
        words, index = numpy.unique(table[:, 0], return_inverse=True)
        texts = [strings[orth] for orth in words.tolist()]
        capital = numpy.array([text[:1].isupper() for text in texts], dtype=bool)[
            index.reshape(-1)] & ((table[:, 3] != 0) | numpy.array(
                [bool(DESIGNATION.fullmatch(text)) for text in texts], dtype=bool)[
                index.reshape(-1)])
        # as {t.text for t in doc if not t.is_sent_start and t.text[:1].isupper() and t.is_alpha}
        self.midsentence_capitals = {texts[k] for k in
                                     set(index.reshape(-1)[capital & (sent_start != 1)].tolist())}
        # tokens that may be a name the NER missed: proper_name() is None for all others
        self._capitalised: list[int] = numpy.flatnonzero(
            capital & (table[:, 4] == 0) & among(dep, [strings[d] for d in NAME_DEPS])
        ).tolist()
        self._sent_start = set(numpy.flatnonzero(sent_start == 1).tolist())
        headline: tuple[int, str] | None | bool = False  # read at the first long name
        # one-word names the tagger reads as a common noun at a sentence's start somewhere,
        # and the article writes in lower case: none of their sentence-start mentions names
        common_nouns = {ent.text for ent in cues.ents
                        if len(ent) == 1 and ent.root.pos_ == "NOUN" and not ent.ent_id_
                        and ent.label_ in SUBJECT_LABELS
                        and (ent.start == 0 or ent.root.is_sent_start)
                        and re.search(rf"\b{re.escape(ent.text.lower())}\b", self.text)}
        credits = cues.memo.table("credit lines", re.Pattern,
                                  lambda: _credit_line(rules.cues.credit_words))
        self._credits = credits
        for ent in cues.ents:
            if ent.label_ not in SUBJECT_LABELS:
                continue
            if len(ent) >= 3 and not ent.ent_id_ and headline is False:
                headline = _headline_words(doc, self.text)
            if isinstance(headline, tuple) and ent.start < headline[0] and \
                    not ent.ent_id_ and len(ent) >= 3 and ent.text.lower() not in headline[1]:
                continue  # "Stocks Surge as Trump Announces Tariff Pause": a title-case
                # headline's words the NER took for one name the article never writes again
            if len(ent) == 1 and not ent.ent_id_ and ent.text in common_nouns and \
                    (ent.start == 0 or ent.root.is_sent_start):
                continue  # "Plane carrying 72 people crashed": a common noun capitalised
                # at a sentence's start, which the article writes in lower case elsewhere
            if _outlet(self.text, ent.start_char, ent.end_char, credits):
                self.nobody.update(range(ent.start, ent.end))
                continue  # "MORVA, Eastland (Wire) - ...", "Photo: Wire": the outlet
            if ent.label_ == "NORP" and ent.start > 0 and \
                    doc[ent.start - 1].lower_ in INDEFINITE and \
                    ent.root.dep_ not in ("amod", "compound"):
                self.nobody.update(range(ent.start, ent.end))
                continue  # "an Australian pleaded guilty": a nationality, no one named
            text = POSSESSIVE.sub("", ent.text).strip()
            first, _, rest = text.partition(" ")
            if rest and first.lower() in self.definite:
                text = rest  # "The Federal Reserve" -> "Federal Reserve"
            if not text or not any(ch.isalpha() for ch in text) or "%" in text or \
                    text.lower() in stop and not ent.ent_id_:
                continue  # (an alias of the rules is a name: "the Nasdaq" is the index)
            name = ent.ent_id_ or self.aliases.get(text.lower())
            if name is None:
                if self.is_unit(text):
                    continue  # "GPU" tagged ORG by the statistical NER is a counted noun
                name = text
            mention = Mention(ent.start, ent.end, name, self.labels.get(name, ent.label_))
            self.labels.setdefault(name, mention.label)
            self.mentions.append(mention)
            for i in range(ent.start, ent.end):
                self.by_token[i] = mention
        self._propagate()
        self.anaphora = {k.lower(): v for k, v in rules.cues.anaphora.items()}
        suffixes = {k.lower(): v for k, v in rules.cues.anaphora_suffixes.items()}
        lowered = doc.to_array([LOWER])
        endings = tuple(suffixes)
        for word in {strings[w] for w in numpy.unique(lowered).tolist()}:
            if word.endswith(endings) and word not in self.anaphora and word.isalpha():
                for suffix, labels in suffixes.items():
                    if word.endswith(suffix) and len(word) > len(suffix) + 2:
                        self.anaphora[word] = labels  # "chipmaker", "drugmaker"
        self.focal_words = {w.lower() for w in rules.cues.focal_anaphora}
        self.focal_words |= {w for w in self.anaphora
                             if any(w.endswith(s) for s in suffixes) and w not in suffixes}
        # tokens that may be an anaphor or name an entity (see subject_candidates), in text order
        anaphors = among(table[:, 1], [strings[word] for word in self.anaphora])
        self._arguments = sorted({*self.by_token, *numpy.flatnonzero(anaphors).tolist()})
        # who is spoken to is not who is spoken of: "told Reuters the company's revenue ..."
        self.audience = {c.i for cue in rules.cues.modality.get("quoted", ())
                         for tokens in cues.spans(doc[:], cue) for t in tokens
                         for c in t.children if c.dep_ in ("dative", "dobj")
                         and c.i in self.by_token}
        self._resolved: dict[int, str | None] = {}
        self._resolved_past_sources: dict[int, str | None] = {}
        self._fallback: list[Mention] | None = None
        self._opener_list: list[Mention] | None = None
        self._unify_names(rules.entities.name_suffixes)
        self._mention_starts = [m.start for m in self.mentions]
        self.focal, self.focal_org = self._focal()

    def _propagate(self) -> None:
        """A name the NER tagged once names its entity wherever the article writes it ("one
        sense per discourse"): a title or a sentence the NER read badly ("Facebook users can
        apply ...") still mentions the entity."""
        if not self.mentions:
            return
        names = {POSSESSIVE.sub("", self.text[self.doc[m.start].idx:self.doc[m.end - 1].idx +
                                              len(self.doc[m.end - 1])]).strip(): m
                 for m in self.mentions}
        added: list[Mention] = []
        names = {written: mention for written, mention in names.items()
                 if len(written) >= 3 and written[:1].isupper() or
                 _DIGIT_NAME.fullmatch(written)}
        runs = _word_starts(self.text, names)  # word -> where it starts in the text
        for written, mention in names.items():
            for start, end in _occurrences(self.text, written, runs):
                span = self.doc.char_span(start, end)
                if span is None or _outlet(self.text, start, end, self._credits) or \
                        any(i in self.by_token or i in self.nobody
                            for i in range(span.start, span.end)):
                    continue
                found = Mention(span.start, span.end, mention.name, mention.label)
                added.append(found)
                for i in range(span.start, span.end):
                    self.by_token[i] = found
        if added:
            self.mentions = sorted([*self.mentions, *added], key=lambda m: m.start)

    def _unify_names(self, suffixes: Sequence[str]) -> None:
        """One name per entity within the article: "Nvidia", "NVIDIA" and "Nvidia Corp." are
        one name (:func:`pipeline.extract.names.name_key`), and so are a shorter name and the one
        name of the same label that contains it ("Mistral" in "Mistral AI", "Huang" in "Jensen
        Huang") or spells it out ("IBM"). The form written most often is kept (the longest on
        a tie); names of the rules' entities are never renamed."""
        if not self.mentions:
            return
        written = Counter(m.name for m in self.mentions)
        keys = {name: name_key(name, suffixes) for name in written}
        kinds = frozenset(w.lower() for w in self.rules.entities.kind_names)
        listed = {e.name for e in self.rules.entities.entities}
        # a name the NER tags as a company once is a company everywhere ("Moderna, Inc."
        # and "Moderna" tagged PERSON): the statistical labels of one name disagree
        companies = {keys[m.name] for m in self.mentions if m.label == "ORG"}
        relabel = {name for name in written if keys[name] in companies and name not in listed
                   and self.labels.get(name) != "ORG"}
        if relabel:
            self.mentions = [Mention(m.start, m.end, m.name, "ORG") if m.name in relabel
                             else m for m in self.mentions]
            self.labels.update(dict.fromkeys(relabel, "ORG"))
        cluster: dict[str, str] = {}  # name -> the name of its cluster
        by_key: dict[tuple[str, str], list[str]] = {}
        # (label, initials or trailing words) -> the keys of by_key they come from: the keys
        # a shorter one may be related to, without comparing it with every key (see
        # _longer_related)
        tails: dict[tuple[str, str], list[str]] = {}
        for name in sorted(written, key=lambda n: (-len(keys[n]), n)):
            label = self.labels.get(name, "ORG")
            if name in listed or not keys[name]:
                cluster[name] = name
                continue
            same = by_key.get((label, keys[name]))
            if same:
                cluster[name] = cluster[same[0]]
                same.append(name)
                continue
            longer = {cluster[other] for key in _longer_related(keys[name], label, tails)
                      for other in by_key[(label, key)][:1] if other not in listed} \
                if keys[name] not in kinds else set()  # "Congress", not "Trinamool Congress"
            cluster[name] = longer.pop() if len(longer) == 1 else name
            by_key.setdefault((label, keys[name]), []).append(name)
            _index_tails(keys[name], label, tails)
        members: dict[str, list[str]] = {}
        for name, head in cluster.items():
            members.setdefault(head, []).append(name)
        chosen = {head: max(names, key=lambda n: (written[n], len(n), n))
                  for head, names in members.items()}
        rename = {name: chosen[head] for name, head in cluster.items() if chosen[head] != name}
        if not rename:
            return
        self.mentions = [Mention(m.start, m.end, rename.get(m.name, m.name), m.label)
                         for m in self.mentions]
        self.by_token = {i: m for m in self.mentions for i in range(m.start, m.end)}
        for old, new in rename.items():
            self.labels.setdefault(new, self.labels.get(old, "ORG"))

    def _focal(self) -> tuple[str | None, str | None]:
        """The entity the article is about, and the organisation it is about: mentions in the
        title count three times, in the lede (the next sentences up to ``LEDE_TOKENS``)
        twice, elsewhere once; places only when nothing else is named. ``None`` when the
        article names nothing."""
        if not self.mentions:
            return None, None
        first_break = title_end(self.doc, self.text)
        score: Counter[str] = Counter()
        for mention in self.mentions:
            if any(i in self.audience for i in range(mention.start, mention.end)):
                continue  # "told Reuters": who is spoken to is not what it is about
            weight = 3 if mention.start < first_break else \
                2 if mention.start < first_break + LEDE_TOKENS else 1
            score[mention.name] += weight
        if not score:
            return None, None
        ranked = sorted(score, key=lambda n: (-score[n], min(
            m.start for m in self.mentions if m.name == n)))
        owners = [n for n in ranked if self.labels.get(n) not in PLACE_LABELS + ("NORP",)]
        organisations = [n for n in owners if self.labels.get(n) == "ORG"]
        # a place is the focal entity only when no owner comes near it (a disaster's
        # country; not a company the NER took for a place)
        strong = {n for n in ranked if score[n] >= FOCAL_SCORE}
        focal = owners[0] if owners and 2 * score[owners[0]] >= score[ranked[0]] and \
            (owners[0] in strong or ranked[0] not in strong) else ranked[0]
        # (an owner too rarely named to be the focal entity leaves it to the place the
        # article is about: "The U.S. economy grew ..." with the agency that said so once)
        organisation = organisations[0] if organisations else None
        return (focal if focal in strong else None,
                organisation if organisation in strong else None)

    def mentions_in(self, span: SpacySpan) -> list[Mention]:
        """The mentions inside ``span``."""
        starts = self._mention_starts
        return self.mentions[bisect.bisect_left(starts, span.start):
                             bisect.bisect_left(starts, span.end)]

    def is_unit(self, text: str) -> bool:
        """:func:`unit_word` in the run's registry, once per word."""
        known = self._units.get(text)
        if known is None:
            known = self._units[text] = unit_word(self.rules.registry, text)
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

    def proper_name(self, token: Token, *, apposed: bool = False) -> str | None:
        """A capitalised argument the statistical NER did not tag, as a fallback name
        (``apposed``: also a name in apposition)."""
        if token.ent_type_ and token.ent_type_ not in SUBJECT_LABELS:
            return None  # "on Tuesday", "in June": dates and numbers are not owners
        deps = (*NAME_DEPS, "appos") if apposed else NAME_DEPS
        if not token.text[:1].isupper() or token.is_stop or token.dep_ not in deps or \
                not (token.is_alpha or DESIGNATION.fullmatch(token.text)):
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

    def resolve(self, token: Token, sources: AbstractSet[int] = frozenset()) -> str | None:
        """The entity an anaphor refers to; never one named by ``sources``, the tokens of
        its sentence that name who reports or estimates a figure ("According to analysts
        surveyed by Halcon, the tech giant was expected to report ...": not Halcon)."""
        if sources and any(i in sources for i in range(token.sent.start, token.i)):
            if token.i not in self._resolved_past_sources:
                self._resolved_past_sources[token.i] = self._resolve(token, sources)
            return self._resolved_past_sources[token.i]
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

    def _unlabelled(self) -> list[Mention]:
        """Names the NER missed, as mentions labelled ORG (the commonest owner of figures)."""
        if self._fallback is None:
            self._fallback = []
            for token in self.capitalised():
                if token.i in self.by_token or self.is_anaphor(token):
                    continue
                name = self.proper_name(token)
                if name:
                    self._fallback.append(Mention(token.i, token.i + 1, name, "ORG"))
        return self._fallback

    def _resolve(self, token: Token, sources: AbstractSet[int] = frozenset()) -> str | None:
        allowed = self.anaphora.get(token.lower_, ())
        # "SpaceX will pay for the startup's work / buy it": not SpaceX; but a possessive
        # pronoun may be its clause's subject ("OpenAI expects ... its revenue")
        possessive = token.dep_ == "poss" and token.n_lefts + token.n_rights == 0
        banned = set() if possessive else {t.i for t in clause_subjects(token)}
        banned |= sources
        if token.lower_ in self.focal_words and self.focal_org is not None:
            # "we", "the company": the article's own company, unless this sentence has
            # named another one before the word
            try:
                start = token.sent.start
            except ValueError:
                start = 0
            for mention in _back_from(self.mentions, token.i, start):
                if mention.end > token.i:
                    continue
                if mention.label in allowed and not any(
                        i in banned or i in self.audience
                        for i in range(mention.start, mention.end)):
                    return mention.name
            return self._topic(start, allowed) or self.focal_org
        if self.new_referent(token):
            return None  # "another train ... derailed its 3-4 coaches": that train's
        first_sent = max(0, token.i - 400)  # look back some 400 tokens (about 15 sentences)
        # tagged names first, then names the NER missed, then capitalised sentence openers
        for mentions in (self.mentions, self._unlabelled(), self._openers()):
            aside: Mention | None = None
            for mention in _back_from(mentions, token.i, first_sent):
                if mention.end > token.i:
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

    def new_referent(self, token: Token) -> bool:
        """Whether a pronoun's sentence brings in, before it, a new referent as a subject:
        an indefinite common noun ("another train", "a truck") with no name between it and
        the pronoun, which the pronoun then refers to (no entity)."""
        if token.pos_ != "PRON" and token.tag_ not in ("PRP", "PRP$"):
            return False
        try:
            start = token.sent.start
        except ValueError:
            return False
        for t in self.doc[start:token.i]:
            if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "NOUN" and \
                    t.i not in self.by_token and any(
                        c.dep_ == "det" and c.lower_ in INDEFINITE for c in t.children):
                own = {d.i for d in t.subtree}  # "another train from Yeswanthpur"
                first = bisect.bisect_right(self._mention_starts, t.i)
                last = bisect.bisect_left(self._mention_starts, token.i)
                return all(self.mentions[k].start in own for k in range(first, last))
        return False

    def _topic(self, start: int, allowed: Sequence[str]) -> str | None:
        """The organisation the sentence before ``start`` is about: its subject ("Its
        developer xAI has not disclosed user numbers. ... costing the company $300
        million")."""
        if start == 0:
            return None
        try:
            previous = self.doc[start - 1].sent
        except ValueError:
            return None
        mentions = self.mentions
        for k in range(bisect.bisect_left(self._mention_starts, previous.start), len(mentions)):
            mention = mentions[k]
            if mention.start >= previous.end:
                break
            if mention.end > previous.end:
                continue
            head = self.doc[mention.start:mention.end].root
            role = head if head.dep_ not in ("appos", "poss", "compound") else head.head
            if role.dep_ in ("nsubj", "nsubjpass") and role.head.i == previous.root.i and \
                    mention.label in allowed:
                return mention.name
        return None

    def _openers(self) -> list[Mention]:
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
                self._opener_list.append(Mention(token.i, token.i + 1, token.text, "ORG"))
        return self._opener_list

    def _in_relative_clause(self, mention: Mention) -> bool:
        head = self.doc[mention.start:mention.end].root
        return any(t.dep_ == "relcl" for t in head.ancestors)

    def _same_sentence(self, a: Mention, b: Mention) -> bool:
        try:
            return self.doc[a.start].sent.start == self.doc[b.start].sent.start
        except ValueError:  # no sentence boundaries
            return True

    def booked_to(self, name: str | None) -> str | None:
        """The entity a payment naming ``name`` as a party is booked to (``acts_for``)."""
        return self.acts_for.get(name, name) if name else None


def _back_from(mentions: Sequence[Mention], before: int, first: int) -> Iterator[Mention]:
    """The ``mentions`` (sorted by start) starting in ``[first, before)``, last first: found by
    bisection, not by a walk back from the document's last mention (an article of thousands
    of mentions made every pronoun a walk over all of them)."""
    k = bisect.bisect_left(mentions, before, key=lambda m: m.start)
    while k > 0:
        k -= 1
        if mentions[k].start < first:
            return
        yield mentions[k]


_WORD_RUN = re.compile(r"\w+")
_WORDISH = re.compile(r"[\w-]")


# Up to this many distinct first words of names, each word's starts are found with
# ``str.find`` (a scan of the text per word, in C); more, and one index of every word of the
# text is built instead (linear in the text, whatever the number of names).
FEW_WORDS = 32
_WORD_CHAR = re.compile(r"\w")


def _word_starts(text: str, names: Iterable[str]) -> dict[str, list[int]]:
    """Where each first word of ``names`` starts in ``text`` as a whole word (a run of
    ``\\w`` characters that is the word, neither preceded nor followed by one), in order:
    the part of the index ``{run: starts for every run of \\w+ in text}`` that
    :func:`_occurrences` reads for these names."""
    words = {first.group() for name in names if (first := _WORD_RUN.match(name))}
    runs: dict[str, list[int]] = {}
    if len(words) > FEW_WORDS:
        for run in _WORD_RUN.finditer(text):
            runs.setdefault(run.group(), []).append(run.start())
        return runs
    boundary = _WORD_CHAR.match
    for word in words:
        starts = runs[word] = []
        at = text.find(word)
        while at >= 0:
            if (at == 0 or not boundary(text, at - 1)) and not boundary(text, at + len(word)):
                starts.append(at)
            at = text.find(word, at + 1)
    return runs


def _occurrences(text: str, written: str, runs: dict[str, list[int]]
                 ) -> list[tuple[int, int]]:
    r"""Where ``written`` occurs in ``text`` as whole words, left to right, not overlapping: as
    ``re.finditer(r"(?<![\w-])" + re.escape(written) + r"(?![\w-])", text)``, but only at the
    starts of its first word (``runs``: each word of the text and where it starts), not by a
    scan of the whole text per name (an article naming thousands made that quadratic)."""
    first = _WORD_RUN.match(written)
    if first is None:
        return []
    found: list[tuple[int, int]] = []
    end = 0
    for start in runs.get(first.group(), ()):
        if start < end or (start and text[start - 1] == "-") or \
                not text.startswith(written, start) or \
                _WORDISH.match(text, start + len(written)):
            continue
        end = start + len(written)
        found.append((start, end))
    return found


def _index_tails(key: str, label: str, tails: dict[tuple[str, str], list[str]]) -> None:
    """File ``key`` under what a shorter key related to it would be (see
    :func:`pipeline.extract.names.related`): its initials and its trailing words."""
    if len(key) < 3:
        return
    acronym = initials(key)
    if acronym:
        tails.setdefault((label, "i " + acronym), []).append(key)
    words = key.split()
    for j in range(1, len(words)):
        if not tail_after_link(words, j):  # "india" does not end "election commission of india"
            tails.setdefault((label, "t " + " ".join(words[-j:])), []).append(key)


def _longer_related(key: str, label: str, tails: dict[tuple[str, str], list[str]]
                    ) -> list[str]:
    """The keys filed in ``tails`` (none shorter than ``key``, none equal) that
    ``related(key, other)`` accepts: those ``key`` spells out or ends."""
    if len(key) < 3:
        return []
    found = list(tails.get((label, "i " + key), ())) if " " not in key else []
    if len(key) >= 4:
        found.extend(tails.get((label, "t " + key), ()))
    return found


def _not_names(rules: Rules) -> set[str]:
    """Words that are never a name, whatever the NER says: the rules' ``not_entities`` and
    the words of measures and periods ("EPS", "GAAP", "Q3" tagged ORG)."""
    keys = rules.metrics.keys
    return {w.lower() for w in (*rules.entities.not_entities, *keys.synonyms,
                                *(p for ps in keys.synonyms.values() for p in ps),
                                *(p for ps in keys.qualifier_synonyms.values() for p in ps),
                                *rules.cues.period_words)}


IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def unit_word(registry: pint.UnitRegistry, text: str) -> bool:
    """Whether a single word names a unit of the run's registry ("GPU", "GB").

    Only plain identifiers are looked up: pint evaluates anything else as an expression
    ("Disney+" trips an assertion inside its parser).
    """
    if not IDENTIFIER.fullmatch(text) or not unit_name_known(registry, text):
        return False
    try:
        registry.Unit(text)
    except (pint.errors.PintError, AttributeError, ValueError, TypeError, KeyError,
            AssertionError):
        return False
    return True


# --- subject ---------------------------------------------------------------------------------

# Verbs of reporting: their subject reports a figure of the clause they govern.
SAYING_VERBS = frozenset("say says said report reports reported announce announces announced "
                         "tell tells told state states stated disclose discloses disclosed "
                         "confirm confirms confirmed add adds added note notes noted show "
                         "shows showed estimate estimates estimated".split())


# Clauses a figure's clause may sit beside, each with its own subject ("X won 37 seats,
# while Y won 29"), or a participle's ("X won 37 seats, followed by Y with 15").
_OWN_CLAUSES = frozenset({"advcl", "conj", "ccomp", "parataxis", "relcl", "acl"})


def _clauses_beside(chain: list[Token], root: Token, figure: set[int]) -> set[int]:
    """The tokens of clauses hanging from the figure's clause chain that hold a figure of
    their own and not this one ("X boosted the bloc with 37 seats, while Y won 29", "X led
    with 37 seats, followed by Y with 15": Y's is the 15)."""
    beside: set[int] = set()
    for holder in (root, *chain):
        for clause in holder.children:
            if clause.dep_ not in _OWN_CLAUSES or clause.pos_ not in ("VERB", "AUX"):
                continue
            tokens = {t.i for t in clause.subtree}
            if not tokens & figure and any(t.like_num for t in clause.subtree):
                beside |= tokens
    return beside


def subject_candidates(sent: SpacySpan, figure: set[int], root: Token, count: bool,
                       entities: Entities, sources: set[int] | None = None, *,
                       physical: bool = False) -> list[tuple[Token, str, int]]:
    """Entities and resolved anaphors of the sentence, with a penalty for mere modifiers.

    ``sources`` are tokens that name who estimates or reports a figure, not whose it is
    ("Refinitiv's forecast", "analysts polled by Bloomberg"): never candidates.
    ``physical``: the figure is a physical measure (a temperature, a length; not a count or
    an amount of money), which no organisation has: a name after a preposition of place is
    a site whatever the NER calls it.
    """
    sources = sources or set()
    chain = governing_chain(root)
    governing = figure | {t.i for t in chain}
    # the chain's subjects and objects: "the xAI supercomputer runs on 150 megawatts"
    arguments = governing | {c.i for t in chain for c in t.children
                             if c.dep_ in ("nsubj", "nsubjpass", "dobj")}
    # the nominal subjects of the figure's own clause, and the sayers of a saying whose
    # complement is that clause when it has a subject of its own
    clause_subjects = {c.i for t in chain for c in t.children
                       if c.dep_ in ("nsubj", "nsubjpass") and c.pos_ != "PRON"}
    sayers: set[int] = set()
    top = chain[-1] if chain else root
    if clause_subjects and top.dep_ in ("ccomp", "parataxis") and \
            top.head.lower_ in SAYING_VERBS:
        sayers = {c.i for c in top.head.children if c.dep_ == "nsubj"}
    else:
        sayers = _reporting_sayers(root)
    beside = _clauses_beside(chain, root, figure)
    # "announced a EUR 4.3 billion fine against Halcon": whom the figure is against owns it;
    # the subjects of its clause only announce or impose it
    targets = {g.i for t in (root, *chain) for c in t.children
               if c.dep_ == "prep" and c.lower_ in entities.target_prepositions
               for g in c.children if g.dep_ == "pobj" and g.i in entities.by_token}
    if targets:
        sayers |= {c.i for t in chain for c in t.children
                   if c.dep_ == "nsubj" and c.i not in targets}
    found: list[tuple[Token, str, int]] = []
    seen: set[tuple[int, int]] = set()
    for token in entities.arguments(sent.start, sent.end):  # the others add nothing here
        if token.i in figure or token.i in sources:
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
            if _owns_other_figure(head, figure, governing):
                continue  # "the BJP winning 240 seats and the Congress 99": the 99's
            seen.add(key)
            if head.i in beside:
                continue  # "..., while the Blues won 29 seats": a name of a clause beside the
                # figure's with a figure of its own, not this one's
            place = mention.label in PLACE_LABELS  # "Meta's new Louisiana data center"
            if place and not count and head.dep_ == "pobj" and \
                    head.head.head.pos_ in ("VERB", "AUX"):
                continue  # "closed at $471.16 in New York": where, not whose
            if (place or mention.label in SITE_LABELS) and head.dep_ == "pobj" and \
                    head.head.lower_ in entities.place_prepositions and \
                    head.head.head.i not in figure:
                continue  # "crashed at Muan Airport carrying 181 people": where, not whose
            if count and head.dep_ == "pobj" and \
                    head.head.lower_ in entities.counterparty_prepositions and \
                    head.head.head.i in governing:
                continue  # "took 36 seats from the Greens": who lost them, not whose
            if mention.label in ("NORP", *PLACE_LABELS) and head.dep_ in ("attr", "acomp") \
                    and head.head.lemma_.lower() == "be":
                continue  # "173 were Korean": which of them, not whose
            if place and any(c.dep_ == "appos" and c.i in entities.by_token
                             and entities.by_token[c.i].label not in PLACE_LABELS
                             for t in entities.doc[mention.start:mention.end]
                             for c in t.children):
                continue  # "SANTA CLARA, Calif. -- NVIDIA today reported": a dateline
            # a place naming the clause's own subject is its owner ("The U.S. economy added
            # 517,000 jobs", "Turkey's death toll"); elsewhere it only says where
            owner_of_subject = head.head.i in clause_subjects and head.dep_ in (
                "compound", "poss", "nmod") and not any(
                c.i != head.i and c.i in entities.by_token and
                entities.by_token[c.i].label not in PLACE_LABELS
                for c in head.head.children)  # "Meta's new Louisiana data center": Meta's
            if place and modifier and not owner_of_subject and head.head.i not in governing:
                continue  # "fell from a Sydney clifftop": where, not whose
            penalty = 2 if modifier and (place or head.head.i not in arguments) \
                and not owner_of_subject else 0
            penalty += 1 if head.dep_ == "pobj" and head.i not in targets else 0  # "in Miami"
            if head.i in sayers:
                if mention.name not in (entities.focal, entities.focal_org) and \
                        mention.label in _SAYER_LABELS:
                    continue  # "..., Niroula said": who reports, not whose
                penalty += 2  # "..., the Labor Department said": who reports, not whose
            elif modifier and head.head.i in sayers:
                if mention.name not in (entities.focal, entities.focal_org) and \
                        mention.label in _SAYER_KIND_LABELS:
                    continue  # "..., South African authorities said": whose officials
                    # report, not whose figure it is
                penalty += 2
            name = mention.name
            if (mention.label in SITE_LABELS or physical and mention.label == "ORG") and \
                    head.dep_ == "pobj" and \
                    head.head.lower_ in entities.place_prepositions:
                name = _site_place(head, mention, entities) or name  # "reached 51 degrees
                # at Medina's Grand Mosque": measured at a site of the place, the place's
            if head.dep_ == "poss" and "ORG" in entities.anaphora.get(head.head.lower_, ()):
                name = entities.booked_to(name) or name  # "Sam Altman's company" -> OpenAI
            found.append((head, name, penalty))
        elif entities.is_anaphor(token):
            antecedent = entities.resolve(token, _adjuncts(sources, entities.doc))
            if antecedent and token.i in sayers:
                if antecedent not in (entities.focal, entities.focal_org) and (
                        token.tag_ == "PRP"
                        or entities.labels.get(antecedent) in _SAYER_LABELS):
                    continue  # "They said 61 people were treated": who reports (a personal
                    # pronoun of another than the article's subject), as when named
                found.append((token, antecedent, 2))  # "the company said revenue rose 5%"
            elif antecedent:
                found.append((token, antecedent, 0))
    # names the NER missed, behind the tagged ones
    for token in entities.capitalised(sent.start, sent.end):
        if token.i in figure or token.i in entities.by_token or token.i in sources or \
                token.i in entities.nobody:
            continue
        missed = entities.proper_name(token)
        if missed and token.dep_ != "compound":
            found.append((token, missed, 0 if token.dep_ in ("nsubj", "nsubjpass") else 1))
    found.extend(_antecedents(chain, figure, sources, entities))
    return found


def _site_place(head: Token, mention: Mention, entities: Entities) -> str | None:
    """The place a site's name opens with as a possessive ("Medina's Grand Mosque"), when the
    article names that place on its own elsewhere (a place label): a figure measured at the
    site (after a preposition of place) is the place's, as the same measure reported for the
    place. The site's own measures ("the Grand Mosque's capacity", the site as subject) are
    not after a preposition of place and stay the site's."""
    for child in head.children:
        if child.dep_ != "poss" or not mention.start <= child.i < mention.end:
            continue
        words = [t for t in child.subtree if t.dep_ != "case"]
        text = head.doc[words[0].i:words[-1].i + 1].text if words else ""
        if entities.labels.get(text) in PLACE_LABELS:
            return text
    return None


def _antecedents(chain: list[Token], figure: set[int], sources: set[int],
                 entities: Entities) -> list[tuple[Token, str, int]]:
    """The name a relative clause of the figure hangs on, when a relative pronoun is the
    clause's subject ("its predecessor, Selene-2, which had a budget of $96 million"): the
    pronoun is that name, the owner of the clause's figure (the noun itself, or a name in
    apposition to it, tagged or not)."""
    verb = chain[-1] if chain else None
    if verb is None or verb.dep_ != "relcl" or not any(
            c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WDT", "WP")
            for c in verb.children):
        return []
    head = verb.head
    found: list[tuple[Token, str, int]] = []
    for token in (head, *(c for c in head.children if c.dep_ == "appos")):
        if token.i in figure or token.i in sources:
            continue
        mention = entities.by_token.get(token.i)
        name = mention.name if mention is not None else entities.proper_name(token,
                                                                              apposed=True)
        if name:
            found.append((token, name, 0))
    return found


def _adjuncts(sources: set[int], doc: Doc) -> frozenset[int]:
    """The ``sources`` tokens inside a prepositional phrase ("According to analysts surveyed
    by Halcon", "analysts at Halcon"): an adjunct naming who estimates, never an anaphor's
    antecedent; a possessive ("Halcon's projected cash burn ... it") may still be one."""
    return frozenset(i for i in sources
                     if any(a.dep_ in ("prep", "agent") for a in doc[i].ancestors))


def _owns_other_figure(head: Token, figure: set[int], governing: set[int]) -> bool:
    """Whether a name owns another figure of its sentence in a clause of its own: the
    number of a gapped clause it starts ("... and the Congress 99"), or the object of a verb
    it is the subject of, off the figure's governing words ("by winning 240 of the seats
    while the Congress bagged 99 seats")."""
    if head.dep_ == "conj" and any(c.dep_ == "nummod" and c.i not in figure
                                   for c in head.children):
        return True
    verb = head.head
    if head.dep_ not in ("nsubj", "nsubjpass") or verb.i in governing or \
            verb.pos_ not in ("VERB", "AUX"):
        return False
    return any(t.like_num and t.i not in figure
               for c in verb.children if c.dep_ in ("dobj", "attr")
               for t in c.subtree)


# A dateline: a line's opening place (a few capitalised words), then the outlet in parentheses
# and a dash.
DATELINE_REACH = 120
_DATELINE = re.compile(r"\s*(?:[A-Z][\w.'’-]*[,\s]+){1,6}\(\s*")
_DATELINE_END = re.compile(r"\s*\)\s*[-\u2013\u2014]")


def _credit_line(words: Sequence[str]) -> re.Pattern[str]:
    """What stands before a name credited for a picture: "Photo: ", "Image credit: "."""
    spelled = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) or "(?!)"
    return re.compile(rf"(?i)(?:^|\W)(?:{spelled})\s*:\s*")


def _outlet(text: str, start: int, end: int, credits: re.Pattern[str]) -> bool:
    """Whether the name at ``text[start:end]`` is an outlet: a dateline's ("WASHINGTON
    (Wire) -", "Morva, Eastland (Wire) –") or a credit line's ("Photo: Wire"), or the credit
    line's words themselves ("Photo Credit:"); who reports, never whose a figure is."""
    if text[end:end + 2].lstrip().startswith(":") and credits.fullmatch(text[start:end] + ":"):
        return True  # "Photo Credit: ..." tagged as a name itself
    # a dateline's place is a few words: look back that far only (a name repeated along one
    # long line is checked in constant time each)
    reach = max(0, start - DATELINE_REACH)
    line_start = text.rfind("\n", reach, start) + 1 or reach
    if (line_start > reach or reach == 0) and _DATELINE.fullmatch(text, line_start, start):
        return bool(_DATELINE_END.match(text, end))
    before = text[max(line_start, start - 24):start]
    match = credits.search(before)
    return match is not None and match.end() == len(before)


def _headline_words(doc: Doc, text: str) -> tuple[int, str] | None:
    """The token after a title-case title line and the article's text after it, lowered;
    ``None`` when the title is not title case (most of its words capitalised)."""
    end = title_end(doc, text)
    words = [t for t in doc[:end] if t.is_alpha and len(t) > 3]
    if end >= len(doc) or len(words) < 3 or \
            sum(t.text[:1].isupper() for t in words) < 0.8 * len(words):
        return None
    return end, text[doc[end].idx:].lower()


# Labels of a sayer that is never the owner of the figures it reports (a company saying its
# own figures may own them).
_SAYER_LABELS = ("PERSON",)
# Labels of a name that only says whose the sayers are ("South African authorities said",
# "Kenyan police said"): a people or a place, not an owner of what they report.
_SAYER_KIND_LABELS = ("PERSON", "NORP", "GPE", "LOC")


def _reporting_sayers(root: Token) -> set[int]:
    """The subjects of a saying verb whose reported clause holds the figure, when that
    clause has a noun subject of its own: "The ferry was carrying 40 passengers, including
    12 foreigners, Tom Hartman said" (the parse may hang the clause from "said" or "said"
    from the clause)."""
    clause: Token | None = None
    saying: Token | None = None
    for token in root.ancestors:
        if token.dep_ in ("ccomp", "parataxis") and token.head.lower_ in SAYING_VERBS:
            clause, saying = token, token.head
            break
        if token.dep_ == "ROOT":
            clause = token
            saying = next((c for c in token.children if c.dep_ in ("ccomp", "parataxis")
                           and c.lower_ in SAYING_VERBS and c.i > root.i), None)
            break
    if clause is None or saying is None or not any(
            c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in ("NOUN", "PROPN")
            for c in clause.children):
        return set()
    return {c.i for c in saying.children if c.dep_ == "nsubj"}


def nearest_subject(root: Token, candidates: list[tuple[Token, str, int]],
             exclude: set[str], prefer: set[str], entities: Entities
             ) -> tuple[str, Token] | tuple[None, None]:
    """The candidate nearest the figure in the tree (then in the text), and its token."""
    # a name the NER missed counts as an organisation, as in anaphora resolution
    preferred = [c for c in candidates if entities.labels.get(c[1], "ORG") in prefer]
    best: tuple[int, float, str, int] | None = None
    up = ancestry(root)
    for token, name, penalty in preferred or candidates:
        if name in exclude:
            continue
        linear = root.i - token.i if token.i < root.i else 1.5 * (token.i - root.i)
        key = (tree_distance(root, token, up) + penalty, linear, name, token.i)
        if best is None or key < best:
            best = key
    return (best[2], root.doc[best[3]]) if best else (None, None)


def joint_subject(token: Token | None) -> str | None:
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



# Relative pronouns: the subject of a relative clause is the noun the clause hangs from.
_RELATIVE = frozenset({"which", "who", "that", "whom"})
# Steps from a coordinated figure up to its verb ("won 16 and 12 seats": 16 -> seats -> won).
_VERB_REACH = 4


def respective_owner(figure: set[int], sent: SpacySpan, entities: Entities
                     ) -> tuple[str, Token] | None:
    """The owner a sentence with "respectively" gives a figure: the k-th of coordinated
    figures ("won 14 and 9 seats, respectively") belongs to the k-th of the coordinated
    subjects of their verb ("The Greens and the Liberals"; through a relative pronoun, the
    nouns the clause hangs from). ``None`` when the words do not pair them one to one."""
    doc = sent.doc
    number = next((doc[i] for i in sorted(figure) if doc[i].like_num), None)
    if number is None or not any(t.lower_ == "respectively" for t in sent):
        return None
    first = number
    while first.dep_ == "conj" and first.head.i != first.i:
        first = first.head
    items = sorted((first, *first.conjuncts), key=lambda t: t.i)
    if len(items) < 2:
        return None
    k = next((n for n, t in enumerate(items) if t.i in figure), None)
    verb = first.head
    for _ in range(_VERB_REACH):
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    if k is None or verb.pos_ not in ("VERB", "AUX"):
        return None
    owner = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if owner is not None and owner.lower_ in _RELATIVE and verb.dep_ == "relcl":
        owner = verb.head
    if owner is None:
        return None
    # the named ones ("Naidu's TDP and Kumar's JD(U), which won 16 and 12 seats ...,
    # respectively, and other alliance partners": the partners are no pair of a figure)
    owners = [(name, t) for t in sorted((owner, *owner.conjuncts), key=lambda t: t.i)
              if (name := _written_name(t, entities))]
    return owners[k] if len(owners) == len(items) else None


def _written_name(token: Token, entities: Entities) -> str | None:
    """The name a token is part of: its entity mention, else a proper noun with the
    proper nouns compounded to it ("Telugu Desam Party"), else what it refers to."""
    mention = entities.by_token.get(token.i)
    if mention is not None:
        return mention.name
    if token.pos_ == "PROPN":
        words, stack = [token], [token]
        while stack:
            for c in stack.pop().lefts:
                if c.dep_ == "compound" and c.pos_ == "PROPN":
                    words.append(c)
                    stack.append(c)
        return " ".join(t.text for t in sorted(words, key=lambda t: t.i))
    return entities.name_at(token)
