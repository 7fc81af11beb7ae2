"""Metric keys of claim frames: the noun phrase a figure measures, found on the dependency
tree and normalized (issue 17; the tables are ``keys`` in ``rules/metrics.yaml``).

The measured phrase is the noun the figure is the object, attribute or complement of:

- a noun the figure hangs from by a preposition: "revenue of $13.5 billion", "a fee of
  €103m" (through "per": "earnings per share of $6.86"); or a modifier: "$13.5 billion
  revenue";
- the figure's own "in" phrase: "$2 billion in funding", "$13.5 billion in revenue";
- the subject of the verb the figure completes: "revenue rose to $13.5 billion", "EPS was
  $2.70", "revenue stood at ...";
- the counted noun of a count: "17.7 million valid claims";
- for a change ("rose 9%", "up 101%", "a 22% increase", "an increase of 88%"): the metric that
  changed, and the figure is a *change* of it; the earlier level of a change ("up from $656
  million") is its *base*.

Nouns that hold no measure ("a total of", "the number of") pass to their "of" phrase;
estimates ("expectations of $11.2 billion") mark the figure as one and pass on. The phrase is
then normalized: names, period words and neutral words dropped, words singular, the longest
tail listed in the synonym table gives the key, the words before it are qualifiers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from pipeline.extract.cues import Cues
from pipeline.extract.tree import governing_chain, measured_of, span_distance, subjects_of
from pipeline.extract.words import SCALE_NOUNS
from pipeline.rules import Rules

_NOUNS = ("NOUN", "PROPN")
_COPULAS = frozenset({
    "be", "is", "are", "was", "were", "been", "being", "stand", "stands", "stood", "reach",
    "reached", "reaches", "total", "totaled", "totalled", "totals", "hit", "hits", "come",
    "came", "comes", "amount", "amounted", "amounts", "top", "topped", "tops", "exceed",
    "exceeded", "exceeds", "near", "neared", "remain", "remained", "remains", "end", "ended",
    "finish", "finished", "settle", "settled", "land", "landed", "clock", "clocked", "become",
    "became", "represent", "represented", "represents", "equal", "equaled", "equals",
})
_BASE_PREPOSITIONS = frozenset({"from"})
_MINUS = frozenset("-\u2212\u2013")  # hyphen-minus, minus sign, en dash
_DEPENDENT_PREPOSITIONS = frozenset({"of", "at", "around", "near", "about", "over", "for",
                                     "between", "to", "by", "with", "under", "above",
                                     "below"})
_SPACES = re.compile(r"\s*-\s*|\s+")
# Edges between a figure and a basis word ("on a GAAP basis") that still qualify it.
BASIS_DISTANCE = 3
# Tokens between a figure and a known metric phrase that may name its measure when the
# parse gives none.
KNOWN_DISTANCE = 6
# The key of a move its sentence gives of the named subject itself, no measure named ("the
# Nasdaq Composite jumped 12.2%", "the Dow closed up 2,963 points, or 7.9%"): the subject's
# level changed (the unit keeps a percentage move apart from one in points).
MOVE_KEY = "level change"
PART = "part"  # the qualifier of a part of a whole written beside it ("Out of the 275, 88")


@dataclass(frozen=True)
class KeyTables:
    """The ``keys`` tables of ``rules/metrics.yaml`` as look-ups."""

    synonyms: dict[str, str]
    qualifiers: dict[str, str]
    spellings: dict[str, str]  # qualifier spellings as written (for text search)
    spellings_of_keys: dict[str, str]  # synonym phrases as written -> canonical key
    canonical: frozenset[str]
    basis: frozenset[str]
    neutral: frozenset[str]
    empty: frozenset[str]
    estimate: frozenset[str]
    estimate_verbs: frozenset[str]
    estimate_words: frozenset[str]
    estimate_marks: frozenset[str]  # "(est.)" after a figure
    annualized: frozenset[str]  # "annualized run rate": a rate scaled to a year
    revision: frozenset[str]  # "reduced to": an amount after a revision
    earlier: frozenset[str]  # "a previous fine": an earlier thing's measure
    additions: frozenset[str]  # "an additional cost": an amount added to an unstated one
    close_words: frozenset[str]  # "closed up 3%": a market level's move at the close
    difference: frozenset[str]
    segments: frozenset[str]
    verb_measures: frozenset[str]
    classes: dict[str, str]
    figure_words: frozenset[str]
    scope_markers: frozenset[str]
    scope_words: frozenset[str]
    sum_words: frozenset[str]
    rate_words: frozenset[str]
    span_units: frozenset[str]
    intraday: tuple[str, ...]
    up: frozenset[str]
    down: frozenset[str]
    # verbs that name a change of their object only with "by" ("raised rates by 0.5
    # points"; "raised $6 billion" is money raised, "raised rates to 1.75%" the level)
    by_up: frozenset[str]
    by_down: frozenset[str]
    generic: frozenset[str]
    levels: frozenset[str]
    people: frozenset[str]
    statistics: frozenset[str]
    filing: frozenset[str]
    plural: frozenset[str]
    periods: frozenset[str]
    running: frozenset[str]
    states: dict[str, str]  # a word of a part of a count of people -> the part's name
    life_verbs: frozenset[str]  # "claimed the lives of 28 miners", "lost their lives"
    life_nouns: frozenset[str]  # "lives", "life"
    particle_verbs: frozenset[str]  # "made up 40%": their "up" is no change
    sizes: dict[str, str]  # a physical dimension -> the key of a thing's size in it
    size_words: dict[str, str]  # "long", "deep" -> "length", "depth"
    size_dimensions: dict[str, str]  # "length", "age" -> the dimension of their figures
    identified_sizes: frozenset[str]  # sizes compared only of an identified thing ("age")
    compass: frozenset[str]  # "north": "380 km north of Athens" is a distance from Athens
    state_keys: dict[str, frozenset[str]]  # the part's name -> keys that already are it
    area_prepositions: frozenset[str]  # "in Wales": where a figure holds
    area_nouns: frozenset[str]  # "in the Asia-Pacific region", "in seats where ..."
    demand_words: frozenset[str]  # "sought", "suing for": an amount asked for
    increments: frozenset[str]  # "326 more": a difference from an unstated level
    counterparty: frozenset[str]  # "took 36 seats from the Greens": a transfer
    exceeding: frozenset[str]  # "surpassing 400 seats": a lower bound
    neutral_passives: frozenset[str]  # "were reported": counted, not done to
    money_verbs: dict[str, str]  # "priced at" -> "price", "joined for" -> "fee"

    @classmethod
    def build(cls, rules: Rules) -> KeyTables:
        keys = rules.metrics.keys
        synonyms: dict[str, str] = {}
        for canonical, phrases in keys.synonyms.items():
            for phrase in (canonical, *phrases):
                synonyms.setdefault(_spaced(phrase), canonical)
        qualifiers: dict[str, str] = {}
        spellings: dict[str, str] = {}
        for canonical, phrases in keys.qualifier_synonyms.items():
            for phrase in (canonical, *phrases):
                qualifiers.setdefault(_spaced(phrase), canonical)
                spellings.setdefault(phrase.lower(), canonical)
        lowered = lambda words: frozenset(_spaced(w) for w in words)  # noqa: E731
        return cls(
            synonyms=synonyms, qualifiers=qualifiers, spellings=spellings,
            spellings_of_keys={p.lower(): c for c, ps in keys.synonyms.items()
                               for p in (c, *ps)},
            canonical=frozenset(keys.synonyms),
            basis=lowered(keys.basis_qualifiers),
            neutral=lowered(keys.neutral_words), empty=lowered(keys.empty_heads),
            estimate=lowered(keys.estimate_heads),
            estimate_verbs=lowered(keys.estimate_verbs),
            estimate_words=lowered(keys.estimate_words),
            estimate_marks=frozenset(w.lower().rstrip(".") for w in keys.estimate_marks),
            annualized=lowered(keys.annualized_words),
            revision=lowered(keys.revision_verbs),
            earlier=lowered(keys.earlier_words),
            additions=lowered(keys.addition_words),
            close_words=lowered(keys.close_words),
            difference=lowered(keys.difference_words),
            segments=lowered(keys.segment_words),
            classes={name: name for name, rule in rules.metrics.metrics.items()
                     if rule.key == "class"},
            figure_words=lowered(keys.figure_qualifiers),
            scope_markers=lowered(keys.scope_markers),
            scope_words=lowered(keys.scope_words),
            sum_words=lowered(keys.sum_words),
            rate_words=lowered(keys.rate_words),
            span_units=lowered(keys.span_units),
            intraday=tuple(w.lower() for w in keys.intraday),
            verb_measures=frozenset(
                cue.lower() for rule in rules.metrics.metrics.values() for cue in rule.cues
                if " " not in cue and cue.lower() not in keys.synonyms
                and not any(cue.lower() in ps for ps in keys.synonyms.values())
                and not any(cue.lower() in ws for ws in keys.change_words.values())),
            up=lowered(keys.change_words.get("up", ())),
            down=lowered(keys.change_words.get("down", ())),
            by_up=lowered(keys.by_change_words.get("up", ())),
            by_down=lowered(keys.by_change_words.get("down", ())),
            generic=lowered(keys.generic_counts), levels=lowered(keys.level_counts),
            people=lowered(keys.people_nouns), statistics=lowered(keys.statistic_words),
            filing=lowered(keys.filing_verbs),
            plural=lowered(keys.plural_words),
            periods=lowered(rules.cues.period_words), running=lowered(keys.running),
            states={_spaced(w): name for name, state in keys.count_states.items()
                    for w in (name, *state.words)},
            state_keys={name: lowered(state.keys) for name, state in keys.count_states.items()},
            life_verbs=lowered(keys.life_verbs), life_nouns=lowered(keys.life_nouns),
            particle_verbs=lowered(rules.cues.particle_verbs),
            sizes={k.lower(): v.lower() for k, v in keys.sizes.items()},
            size_words={_spaced(w): name for name, size in keys.size_words.items()
                        for w in size.words},
            size_dimensions={name: size.dimension for name, size in keys.size_words.items()},
            identified_sizes=frozenset(name for name, size in keys.size_words.items()
                                       if size.identified),
            compass=lowered(keys.compass_words),
            area_prepositions=lowered(keys.area_prepositions),
            area_nouns=lowered(keys.area_nouns),
            demand_words=lowered(keys.demand_words),
            increments=lowered(keys.increment_words),
            counterparty=lowered(rules.cues.counterparty_prepositions),
            exceeding=lowered(rules.cues.exceeding_verbs),
            neutral_passives=lowered((*keys.neutral_passives, *keys.filing_verbs)),
            money_verbs={_spaced(w): key for key, words in keys.money_verbs.items()
                         for w in words},
        )

    def change(self, word: str) -> str | None:
        """``"up"`` or ``"down"`` when ``word`` names a change."""
        if word in self.up:
            return "up"
        if word in self.down:
            return "down"
        return None

    def change_by(self, word: str) -> str | None:
        """``"up"`` or ``"down"`` when a figure in ``word``'s "by" phrase is a change: a
        change word, or a verb that sets a level ("raised rates by 0.5%")."""
        found = self.change(word)
        if found is not None:
            return found
        if word in self.by_up:
            return "up"
        return "down" if word in self.by_down else None


def _spaced(text: str) -> str:
    """Lowercase, hyphens and runs of spaces as one space: "non-GAAP" -> "non gaap"."""
    return _SPACES.sub(" ", text.strip().lower())


def singular(word: str, plural: Iterable[str] = ()) -> str:
    """A plain English singular of a lowercase noun ("revenues" -> "revenue")."""
    if word in plural or len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")) or \
            (word.endswith("uses") and len(word) > 5 and
             not word.endswith(("ouses", "auses", "cuses", "fuses"))):
        return word[:-2]  # "bonuses", "surpluses", "viruses" (not "houses", "causes")
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@dataclass(frozen=True)
class MetricFrame:
    """What a figure measures: the key, its qualifiers, and the figure's part in a change."""

    key: str | None
    qualifiers: tuple[str, ...] = ()
    change: bool = False
    direction: str | None = None
    base: bool = False
    estimate: bool = False
    basis: str | None = None


class _Finder:
    """The measured phrase of the figures of one document (see the module docstring)."""

    def __init__(self, tables: KeyTables, skip: set[int], find: Cues,
                 figures: set[int]) -> None:
        self.tables = tables
        self.skip = skip  # tokens of names and dates: never part of a metric
        self.find = find
        self.figures = figures  # tokens of the document's figures
        self.moved = False  # the figure is a move of the named subject itself

    def named_subject(self, verb: Token) -> bool:
        """Whether the subject of ``verb`` is a name (not a date): "the Dow rose 3%"."""
        return any(s.i in self.skip and s.ent_type_ not in ("DATE", "TIME")
                   for s in subjects_of(verb))

    def is_noun(self, token: Token) -> bool:
        if token.pos_:
            return token.pos_ in _NOUNS and not token.like_num
        return token.is_alpha and not token.like_num

    def is_figure_word(self, token: Token, figures: set[int]) -> bool:
        return token.i in figures or token.like_num or token.ent_type_ in (
            "MONEY", "PERCENT", "CARDINAL", "QUANTITY")

    def frame(self, figure: SpacySpan, count: bool, figures: set[int],
              depth: int = 0, *, kind: bool = False,
              amount: bool = False) -> tuple[Token | None, MetricFrame]:
        """The head noun of the measured phrase (``None`` when none) and the frame flags;
        ``kind``: an "of" phrase of a kind on the figure names the measure; ``amount``: the
        figure is an amount of money, whose own "of" phrase is what it measures ("$5
        billion of debt"), found however the parse hangs it."""
        root = figure.root
        inside = set(range(figure.start, figure.end))
        tables = self.tables
        # the figure's own "in" phrase ("$2 billion in funding"), an "of" of a kind ("$100
        # billion of liquidity", not "of its debt") or its counted noun
        # ("17.7 million valid claims") is the measure; the words above it still say
        # whether the figure is an estimate or an earlier level
        own: Token | None = None
        for child in root.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "of") and \
                    child.i not in inside:
                noun = next((g for g in child.children if g.dep_ == "pobj"), None)
                if noun is not None and child.lower_ == "of" and (not kind or count or any(
                        c.dep_ in ("det", "poss") for c in noun.children)):
                    continue  # "$3 billion of its debt": a part of a whole (PART)
                if noun is not None and self.is_noun(noun) and noun.i not in self.skip \
                        and noun.lower_ not in tables.periods and not any(
                            c.ent_type_ == "DATE" for c in noun.children):
                    own = noun  # not "in the 2019 election": a dated event says when
        if own is None and amount:
            noun = measured_of(root)
            if noun is not None and noun.i not in self.skip and noun.i not in inside and \
                    noun.lower_ not in tables.periods and noun.lower_ not in tables.empty:
                own = noun  # "16 billion francs of bonds" (not "$1 billion of the total")
        if own is None and count and self.is_noun(root) and \
                singular(root.lower_) not in tables.generic and \
                root.lower_ not in tables.generic:
            own = root
        change: str | None = None
        base = estimate = False
        # a bound written into the figure ("below $25 billion") is its preposition
        prep: str | None = root.lower_ if root.pos_ == "ADP" else None
        before = figure.doc[figure.start - 1] if figure.start > 0 else None
        if prep is None and before is not None and before.lower_ == "to" and \
                before.dep_ == "quantmod" and before.head.i >= figure.start:
            # "growing from $32.2 billion to $40.1 billion", parsed as one amount under
            # "from": the figure after "to" is the level reached, not the earlier one
            prep = "to"

        def done(noun: Token | None) -> tuple[Token | None, MetricFrame]:
            if own is not None and own.i != root.i and \
                    singular(own.lower_) not in tables.levels:
                return own, MetricFrame(None, base=base, estimate=estimate)
            if own is not None:
                # "jumped 1,450 points": a move of the level; "lost 12 seats", "added 13.1
                # million subscribers": a change of the count, never its level
                return own, MetricFrame(None, change=change is not None, direction=change,
                                        base=base, estimate=estimate)
            return noun, MetricFrame(None, change=change is not None, direction=change,
                                     base=base, estimate=estimate)

        def changed_by(word: str) -> None:
            """The figure hangs from a change word by ``prep``: its change, or its base."""
            nonlocal change, base
            direction = tables.change_by(word) if prep == "by" else tables.change(word)
            if direction is None or change is not None or base:
                return
            if prep in _BASE_PREPOSITIONS:
                base = True
            elif prep in (None, "by", "of"):
                change = direction

        token = root
        for _ in range(10):
            head = token.head
            if head.i == token.i:
                break
            head = self.coordinated_owner(token, head)
            word = head.lower_
            if (head.dep_ in ("prep", "agent", "dative") or head.pos_ == "ADP") and not (
                    head.dep_ in ("advmod", "prt") and tables.change(word)):  # "ended up 3%"
                prep = prep or word  # the preposition nearest the figure decides
                token = head
                continue
            if head.i in inside or self.is_figure_word(head, figures):
                token = head  # "$2.48 billion" inside another figure, or a coordinated one
                continue
            direction = tables.change(word)
            if direction is not None and not self.is_noun(head) and \
                    head.pos_ in ("ADV", "ADJ", "ADP", ""):
                changed_by(word)  # "up 101%", "up from $656 million", "higher by 5%"
                measured = next((c for c in head.children if c.dep_ in (
                    "nsubj", "nsubjpass") and self.is_noun(c) and c.i not in self.skip), None)
                if measured is not None:  # "with storage revenue up 54%": its own measure
                    return self.measure(measured, done)
                target = head.head
                if target.i == head.i:
                    return done(None)
                if self.is_figure_word(target, figures) and depth < 2:
                    # "$13.5 billion, up 101%": a change of that figure's measure
                    noun, inner = self.frame(target.doc[target.i:target.i + 1], False,
                                             figures, depth + 1)
                    estimate = estimate or inner.estimate
                    return done(noun)
                token = head
                prep = None
                continue
            verbish = head.pos_ in ("VERB", "AUX") or any(
                c.dep_ in ("nsubj", "nsubjpass", "dobj", "aux") for c in head.children)
            if self.is_noun(head) and head.i not in self.skip and not verbish:
                if word in tables.estimate or singular(word) in tables.estimate:
                    estimate = True
                    token = head
                    prep = None
                    continue
                if word == "share" and head.dep_ == "pobj" and head.head.lower_ == "per" and \
                        head.head.head.i != head.head.i:
                    return done(head.head.head)  # "earnings per share of $6.86"
                if direction is not None:  # "a 22% increase", "an increase of 88%"
                    changed_by(word)
                    return done(self.changed_noun(head))
                if (word in tables.empty or singular(word) in tables.empty) and \
                        not self.modified(head):
                    of = self.of_noun(head)
                    if of is not None:
                        return done(of)
                    token = head
                    prep = None
                    continue
                if word in tables.periods or head.ent_type_ == "DATE":
                    token = head
                    continue
                if prep is None or prep in _DEPENDENT_PREPOSITIONS or prep == "in":
                    while head.dep_ in ("compound", "nmod") and head.head.i != head.i and \
                            self.is_noun(head.head) and head.head.i not in self.skip:
                        head = head.head  # "$3.28 billion share repurchase": the phrase
                    return done(head)
                token = head
                continue
            if verbish or head.dep_ in ("ROOT", "ccomp", "xcomp", "advcl", "relcl", "conj"):
                verb = head
                if token.dep_ in ("npadvmod", "dobj", "advmod", "pobj", "attr", "prep",
                                  "quantmod", "nummod"):
                    changed_by(word)
                    if change is None and prep is None:  # "ended up 2,963 points"
                        turn = next((c.lower_ for c in verb.children if c.dep_ in (
                            "prt", "advmod", "acomp") and c.i < token.i and
                            tables.change(c.lower_) and not (
                                c.dep_ == "prt" and verb.lower_ in tables.particle_verbs)),
                            None)  # (not "made up 40% of revenue": a share)
                        if turn is not None:
                            changed_by(turn)
                obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i != token.i
                            and self.is_noun(c) and c.i not in self.skip
                            and c.i not in inside), None)
                if obj is not None and prep in ("to", "from", "by", "below", "above", "under",
                                                "at", "between"):
                    # "propelled revenue to $6.2 billion", "cut the price by $50"
                    return self.measure(obj, done)
                if obj is not None and change is not None and word not in _COPULAS and \
                        not tables.change(word):
                    return self.measure(obj, done)  # "reported revenue ..., up 101%"
                if word in tables.verb_measures:
                    return done(verb)  # "values Mistral at 2 billion euros": a valuation
                subject = self.subject_noun(verb)
                if subject is not None:
                    moved = tables.change(subject.lower_)
                    if moved is not None and change is None and not base and \
                            subject.head.i == verb.i and subject.dep_ in ("nsubj", "nsubjpass") \
                            and (word in _COPULAS or prep in ("to", "at", "from")
                                 or tables.change(word) is not None) and \
                            self.changed_noun(subject) is not None:
                        # "revenue growth slowed to 1%", "sales growth was 4%": the
                        # figure is the change the subject names, whatever the verb
                        if prep in _BASE_PREPOSITIONS:
                            base = True
                        else:
                            change = moved
                    return self.measure(subject, done)
                if obj is not None and (word in _COPULAS or tables.change(word)):
                    return self.measure(obj, done)
                if change is not None and self.named_subject(verb):
                    self.moved = True  # "the Nasdaq Composite jumped 12.2%": its own move
                if word in _COPULAS or tables.change(word):
                    return done(None)
                return done(verb)
            token = head
        return done(None)

    def coordinated_owner(self, prep: Token, head: Token) -> Token:
        """The noun a figure's "of" phrase belongs to when the parser hung it on the first
        of two coordinated measures: in "earnings of $1.39 per share and revenue of $89
        billion" the second "of" is attached to "share", but the noun written right before
        it, coordinated with that phrase, is what it measures ("revenue")."""
        if prep.dep_ != "prep" or prep.lower_ != "of" or prep.i <= head.i:
            return head
        before = prep.doc[prep.i - 1]
        if before.i == head.i or before.dep_ != "conj" or not self.is_noun(before) or \
                before.i in self.skip or before.i in self.figures:
            return head
        link = before.head
        while link.i != head.i and link.dep_ == "conj" and link.head.i != link.i:
            link = link.head  # "A, B and C of $5": C's chain of conjuncts
        if link.i != head.i and not any(t.i == link.i for t in head.subtree):
            return head
        return before

    def measure(self, noun: Token, done: Callable[[Token | None], tuple[Token | None,
                                                                        MetricFrame]]
                ) -> tuple[Token | None, MetricFrame]:
        """``noun`` as the measure, passing an estimate on to what it estimates."""
        word = noun.lower_
        if self.tables.change(word) and self.tables.change(word) is not None:
            inner = self.changed_noun(noun)  # "reported a rise in EPS of $3.50, up 50%"
            if inner is not None:
                noun = inner
                word = noun.lower_
        if word in self.tables.estimate or singular(word) in self.tables.estimate:
            found, frame = done(self.of_noun(noun))
            return found, MetricFrame(None, change=frame.change, direction=frame.direction,
                                      base=frame.base, estimate=True)
        return done(noun)

    def subject_noun(self, verb: Token) -> Token | None:
        """The noun subject of a verb, when it is a measure (not a name, a pronoun or a
        figure)."""
        for subject in subjects_of(verb):
            if subject.i in self.skip or not self.is_noun(subject) or \
                    subject.i in self.figures:
                continue
            if subject.pos_ == "PRON" or subject.lower_ in self.tables.periods or \
                    subject.lower_ in self.tables.neutral:
                continue  # "the company": who, not what
            word = subject.lower_
            if (word in self.tables.empty or singular(word) in self.tables.empty) and \
                    not self.modified(subject):
                return self.of_noun(subject)
            return subject
        return None

    def modified(self, head: Token) -> bool:
        """Whether a noun has a modifier of its own that names a measure ("unemployment
        rate", "interest rate"): then it is not an empty head."""
        return any(c.dep_ in ("compound", "amod") and c.i not in self.skip and c.is_alpha
                   and c.lower_ not in self.tables.neutral and c.lower_ not in
                   self.tables.periods for c in head.lefts)

    def of_noun(self, head: Token) -> Token | None:
        """The noun of ``head``'s "of" phrase ("the number of valid claims" -> claims)."""
        for child in head.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                noun = next((g for g in child.children if g.dep_ == "pobj"), None)
                if noun is not None and self.is_noun(noun) and noun.i not in self.skip \
                        and noun.i not in self.figures:
                    return noun  # not the figure itself ("delivery of $5bn")
        return None

    def changed_noun(self, change: Token) -> Token | None:
        """What a change noun is a change of: "increase in revenue", "revenue growth", or
        the noun it stands beside ("revenue of $13.5 billion, a 101% increase")."""
        for child in change.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "of"):
                noun = next((g for g in child.children if g.dep_ == "pobj"), None)
                if noun is not None and self.is_noun(noun) and noun.i not in self.skip \
                        and not noun.like_num:
                    return noun
        compounds = [c for c in change.lefts if c.dep_ in ("compound", "nmod")
                     and self.is_noun(c) and c.i not in self.skip]
        if compounds:
            return compounds[-1]
        if change.dep_ == "appos" and self.is_noun(change.head):
            return change.head
        if change.dep_ in ("dobj", "attr"):
            return self.subject_noun(change.head)
        return None

    def phrase(self, head: Token) -> list[str]:
        """The words of the measured phrase: the head's modifiers (recursively), the head,
        and a "per" phrase ("earnings per share")."""
        words: list[Token] = []

        def left(token: Token) -> None:
            for child in token.lefts:
                if child.dep_ in ("compound", "amod", "nmod", "npadvmod", "poss"):
                    left(child)  # "gaming GPU revenue": past the name to "gaming"
                    if child.i not in self.skip or child.lower_ in self.tables.rate_words:
                        words.append(child)  # "daily active users" (NER: a date)

        left(head)
        words.append(head)
        scope: list[Token] = []
        for child in head.rights:
            if child.dep_ != "prep":
                continue
            noun = next((g for g in child.children if g.dep_ == "pobj"), None)
            if noun is None:
                continue
            if child.lower_ == "per":
                words += [child, noun]
            elif child.lower_ in ("from", "in", "at") and self.is_noun(noun) and \
                    noun.i not in self.skip and noun.lower_ not in self.tables.periods and \
                    not (child.lower_ == "from" and noun.lower_ in self.tables.people) and \
                    not any(c.ent_type_ == "DATE" for c in noun.children):
                # (not "seats in the 2019 election": a dated event says when, not what)
                # "revenue from the data center segment": the segment, before the head
                inner: list[Token] = []
                for t in noun.lefts:
                    if t.dep_ in ("compound", "amod") and t.i not in self.skip:
                        inner.append(t)
                scope += [*inner, noun]
        words = [*scope, *words]
        return [t.lower_ for t in words if (t.i not in self.skip or
                                            t.lower_ in self.tables.rate_words)
                and (t.i not in self.figures or head.i in self.figures)
                # ("a 33 per cent premium": the figure's words, unless its own noun is it)
                and t.is_alpha or t.lower_ in ("-", "&")]


def keys_of(words: list[str], tables: KeyTables) -> tuple[str | None, tuple[str, ...]]:
    """Key and qualifiers of a phrase's words (a table row's label: "adjusted net
    income")."""
    return _normalize(words, tables)


def _tails(words: list[str], tables: KeyTables) -> list[str]:
    """The tails of a phrase the synonym table lists ("average hourly earnings")."""
    return [tail for start in range(len(words))
            if (tail := " ".join(words[start:])) in tables.synonyms]


def _normalize(words: list[str], tables: KeyTables) -> tuple[str | None, tuple[str, ...]]:
    """Key and qualifiers of a phrase's words (see the module docstring)."""
    text = " ".join(words).replace(" - ", "-").replace("- ", "-")
    spaced = _spaced(text).split()
    # a rate word makes another measure unless a synonym spells it ("hourly earnings")
    qualifiers: list[str] = [w for w in spaced if w in tables.rate_words and not any(
        w in phrase.split() for phrase in _tails(spaced, tables))]
    words = [w for w in spaced if w not in tables.periods or w in tables.rate_words]
    words = [w for w in words if w not in qualifiers]
    if not words:
        return None, tuple(qualifiers)
    # known qualifier spellings first ("non gaap"), longest first
    joined = " " + " ".join(words) + " "
    for spelling in sorted(tables.qualifiers, key=len, reverse=True):
        needle = " " + spelling + " "
        if needle in joined and spelling not in tables.synonyms:
            qualifiers.append(tables.qualifiers[spelling])
            joined = joined.replace(needle, " ")
    words = [w for w in joined.split() if w not in tables.neutral]
    if not words:
        return None, tuple(sorted(set(qualifiers)))
    plain = [singular(w, tables.plural) for w in words]
    for start in range(len(words)):
        for candidate in (" ".join(words[start:]), " ".join(plain[start:])):
            if candidate in tables.synonyms:
                rest = " ".join(w for w in plain[:start] if not tables.change(w))
                if rest:
                    qualifiers.append(rest)
                return tables.synonyms[candidate], tuple(sorted(set(qualifiers)))
    # a phrase of its own, without words of change ("increasing net debt" is net debt)
    kept = [w for w in plain if not tables.change(w)] or plain
    return " ".join(kept), tuple(sorted(set(qualifiers)))


def basis_of(sent: SpacySpan, root: Token, tables: KeyTables, find: Cues
             ) -> tuple[int, str] | None:
    """The basis of a change as written near it ("from a year ago" -> "year over year"),
    with its distance to the figure in tokens (after the figure counts once, before it
    twice)."""
    found = _basis(sent, root, tables, find, distance=True)
    return found if isinstance(found, tuple) else None


def _basis_label(sent: SpacySpan, root: Token, tables: KeyTables, find: Cues) -> str | None:
    found = _basis(sent, root, tables, find)
    return found if isinstance(found, str) else None


def _basis(sent: SpacySpan, root: Token, tables: KeyTables, find: Cues, *,
           distance: bool = False) -> str | tuple[int, str] | None:
    """The basis of a change as written near it ("from a year ago" -> "year over year")."""
    best: tuple[tuple[int, int], str] | None = None
    for spelling, canonical in tables.spellings.items():
        if canonical not in ("year over year", "quarter over quarter",
                             "month over month"):
            continue
        for tokens in find.spans(sent, spelling):
            after = tokens.start >= root.i
            score = (span_distance(root, tokens) + (0 if after else 2),
                     tokens.start - root.i if after else root.i - tokens.start)
            if best is None or score < best[0]:
                best = (score, canonical)
    if best is None:
        return None
    if distance:
        gap = best[0][1]
        return (gap if gap >= 0 else 2 * -gap), best[1]
    return best[1]


def _basis_words(sent: SpacySpan, root: Token, tables: KeyTables, find: Cues) -> list[str]:
    """Basis qualifiers written near the figure ("on a GAAP basis", "$2.70 non-GAAP")."""
    found = []
    for spelling, canonical in tables.spellings.items():
        if canonical not in tables.basis:
            continue
        for tokens in find.spans(sent, spelling):
            if span_distance(root, tokens) <= BASIS_DISTANCE or \
                    -2 <= tokens.start - root.i <= 2:
                found.append(canonical)
                break
    return found


def _scope_markers(figure: SpacySpan, head: Token | None, tables: KeyTables,
                   finder: _Finder, *, count: bool = False) -> set[str]:
    """What a figure includes or leaves out, as written beside it ("a $69 billion deal,
    including $8 billion of debt" -> "including debt"). A count's part counted on its own
    ("68 passengers, including 10 foreigners") is one of those counted, not a scope."""
    found: set[str] = set()
    holders = [figure.root, *([head] if head is not None else [])]
    if figure.root.head.i != figure.root.i and finder.is_noun(figure.root.head):
        holders.append(figure.root.head)
    for holder in holders:
        for child in holder.children:
            if child.lower_ not in tables.scope_markers:
                continue
            noun = next((g for g in child.children if g.dep_ == "pobj"), None)
            if count and noun is not None and (noun.i in finder.figures or any(
                    c.i in finder.figures for c in noun.children if c.dep_ == "nummod")):
                continue
            if noun is not None and finder.is_figure_word(noun, finder.figures):
                noun = finder.of_noun(noun) or noun
            if noun is not None and noun.is_alpha and not noun.like_num:
                found.add(f"{child.lower_} {singular(noun.lower_, tables.plural)}")
    return found


_SPAN_PREPS = frozenset({"over", "in", "during", "within", "for", "across"})
_NUMBER_WORDS = {w: str(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


def _stretch(root: Token, tables: KeyTables) -> set[str]:
    """The stretch of time a figure is measured over, as "over 3 session" ("fell 12% in four
    trading days", "lost 4,500 points over the previous three sessions"); "over the past
    week" is "over 1 week"."""
    found: set[str] = set()
    holders = [root, *governing_chain(root)[:3]]
    for holder in holders:
        for prep in holder.children:
            if prep.dep_ != "prep" or prep.lower_ not in _SPAN_PREPS:
                continue
            for noun in prep.children:
                if noun.dep_ != "pobj":
                    continue
                unit = singular(noun.lower_, tables.plural)
                if unit not in tables.span_units:
                    continue
                number = next((c for c in noun.children if c.dep_ == "nummod"), None)
                if number is None and not any(c.lower_ in ("past", "previous", "last", "next",
                                                           "first", "coming")
                                              for c in noun.children):
                    continue  # "in the year": a period, not a stretch
                count = number.lower_ if number is not None else "1"
                found.add(f"over {_NUMBER_WORDS.get(count, count)} {unit}")
        if holder.pos_ in ("VERB", "AUX"):
            break
    return found


def _complement(verb: Token, figure: SpacySpan, noun: str, tables: KeyTables) -> list[str]:
    """What a copula says of the people a figure counts, as the words of their key: an
    adjective ("were dead"), a place or state ("were on board", "were without power", "were
    aboard the Velora" when the synonyms know "people aboard"); the copula itself when it
    says nothing more ("there were 115 people"), or the part of a count of people words
    further on name (:func:`count_state`)."""
    for child in verb.children:
        if child.i in range(figure.start, figure.end) or child.i == figure.root.head.i:
            continue
        if child.dep_ in ("acomp", "advmod") and child.is_alpha and child.pos_ in (
                "ADJ", "ADV") and not child.is_stop and not child.lower_.endswith("ly"):
            return [child.lower_]
        if child.dep_ == "prep" and child.i > figure.end:
            obj = next((g for g in child.children if g.dep_ == "pobj"), None)
            if obj is not None and obj.is_alpha and obj.ent_type_ == "":
                return [child.lower_, obj.lower_]
            if f"{noun} {child.lower_}" in tables.synonyms:  # (the object is a name)
                return [child.lower_]
    # a part the words further on name ("are yet to be identified", "are still trapped"),
    # as the bare number's key names it ("19 are yet to be identified": people identified)
    state = count_state(figure, tables)
    return [state] if state is not None else [verb.lower_]


ANNUALIZED = "annualized"  # the qualifier of a rate a period's figures are scaled to
REVISED = "revised"  # the qualifier of an amount after a revision of it
EARLIER = "earlier"  # the qualifier of a measure of an earlier thing ("a previous fine")
CONVERTED = "converted"  # the qualifier of an article's own conversion of an amount
TOTAL = "total"  # the qualifier of the whole a part was counted from ("out of 412 seats")
ADDED = "added"  # the qualifier of an amount added to one it does not give ("an extra $500")


def _earlier(figure: SpacySpan, head: Token | None, tables: KeyTables) -> bool:
    """The measured noun (or a count's own noun) is an earlier one ("a previous fine of
    €500 million", "the original offer of $40 a share", "its former record of 9.58
    seconds"): an ``earlier_words`` adjective before it. Another thing than the current one
    the story is about, never compared with it."""
    if not tables.earlier:
        return False
    nouns = [t for t in (head, figure.root) if t is not None and t.pos_ in ("NOUN", "PROPN")]
    return any(c.dep_ == "amod" and c.lower_ in tables.earlier and c.i < noun.i
               for noun in nouns for c in noun.children)


def _added(figure: SpacySpan, head: Token | None, tables: KeyTables) -> bool:
    """The figure is an amount added to another it does not give ("at an additional cost of
    $6,500", "an extra $2 billion", "a further 40 jobs"): an ``addition_words`` adjective on
    the measured noun or on the figure. Not the whole, never compared with it."""
    if not tables.additions:
        return False
    nouns = [t for t in (head, figure.root) if t is not None]
    return any(c.dep_ in ("amod", "advmod", "quantmod") and c.lower_ in tables.additions
               and c.i < noun.i for noun in nouns for c in noun.children) or \
        any(t.lower_ in tables.additions for t in figure)


def _revised(figure: SpacySpan, tables: KeyTables) -> bool:
    """A figure an amount was revised to ("the fine was later reduced to 372m euros on
    appeal", "a court slashed that penalty to $90 million"): the object of "to" on a
    ``revision_verbs`` verb. Two reports of one thing, one before and one after a revision,
    are not in dispute (a divergence at most, see the policy)."""
    root = figure.root
    prep = root.head
    if root.dep_ != "pobj" or prep.i == root.i or prep.lower_ != "to":
        return False
    verb = prep.head
    return verb.i != prep.i and verb.lower_ in tables.revision


def _annualized(figure: SpacySpan, tables: KeyTables) -> bool:
    """A figure that is a rate scaled to a year from a shorter stretch ("an annualized run
    rate of 2 million vehicles", "at an annual pace of $40 billion"): an ``annualized_words``
    phrase on the figure's own words or the nouns governing it, up to its verb. Never the
    actual figure of a year (nor of the quarter it was read from)."""
    if not tables.annualized:
        return False
    words: list[Token] = [*figure, *figure.root.children]
    for holder in governing_chain(figure.root)[:4]:
        if holder.pos_ in ("VERB", "AUX"):
            break
        words += [holder, *(c for c in holder.children if c.i < holder.i)]
    seen = " ".join(t.lower_ for t in sorted(set(words), key=lambda t: t.i))
    seen = f" {_spaced(seen)} "
    return any(f" {phrase} " in seen for phrase in tables.annualized)


def _degenerate(key: str, tables: KeyTables) -> bool:
    """A key that names no measure: one word that only qualifies ("net", "adjusted"), a
    period or a neutral word."""
    return " " not in key and (key in tables.basis or key in tables.neutral or
                               key in tables.periods or key in tables.qualifiers)


def _known_phrase(sent: SpacySpan, root: Token, tables: KeyTables, find: Cues
                  ) -> str | None:
    """The canonical key of the synonym-table phrase nearest the figure in its sentence
    (within ``KNOWN_DISTANCE`` tokens), for a figure whose own phrase the parse did not
    give ("earnings per share" in "Net of this item, earnings per share were $6.86"). A
    word of the table used as a verb names no measure ("will pay each driver $500" is no
    pay)."""
    best: tuple[int, int, str] | None = None
    spellings = find.memo.table(f"key spellings {id(tables)}", tuple,
                                lambda: tuple(tables.spellings_of_keys))
    # the spellings whose words the sentence holds (once per sentence), in table order
    for spelling in find.present(sent, spellings):
        canonical = tables.spellings_of_keys[spelling]
        for tokens in find.spans(sent, spelling):
            gap = root.i - tokens.end  # before the figure: what it is the value of
            if gap < 0 or gap > KNOWN_DISTANCE or (
                    len(tokens) == 1 and tokens[0].pos_ in ("VERB", "AUX")):
                continue
            score = (gap, -len(spelling), canonical)
            if best is None or score < best:
                best = score
    return best[2] if best else None


def _segment(sent: SpacySpan, tables: KeyTables, skip: set[int]) -> str | None:
    """A part of a whole the sentence is about: "this segment", "the division" ("segment"),
    or a named one ("the gaming business" -> "gaming")."""
    for token in sent:
        if token.lower_ not in tables.segments:
            continue
        named = [c for c in token.lefts if c.dep_ in ("compound", "amod") and c.i not in skip
                 and c.is_alpha and c.lower_ not in tables.neutral]
        if named:
            return " ".join(singular(c.lower_, tables.plural) for c in named)
        if any(c.dep_ == "det" and c.lower_ in ("this", "that", "these", "those", "the")
               for c in token.children):
            return "segment"
    return None


# Dependencies of a verb's words that complete what it says of its subject ("were pulled out
# alive", "remain unaccounted for", "were confirmed dead").
_COMPLETIONS = frozenset({"acomp", "oprd", "xcomp", "attr", "advmod", "prt"})
# Prepositions whose object is the whole a bare number is a part of ("of the 175
# passengers, 82 were men", "among the dead, 40 were children").
_PARTITIVE = frozenset({"of", "among", "amongst"})


def _verb_state(verb: Token, tables: KeyTables, *, completions: bool) -> str | None:
    """The part of a count a verb says its people are in ("were killed", "survived",
    "passed away", with ``completions``: "were pulled out alive", "remain unaccounted")."""
    states = tables.states
    for word in (verb.lower_, verb.lemma_.lower()):
        if word in states:
            return states[word]
    for child in verb.children:
        if child.dep_ == "prt" and f"{verb.lower_} {child.lower_}" in states:
            return states[f"{verb.lower_} {child.lower_}"]
        if completions and child.dep_ in _COMPLETIONS and child.lower_ in states:
            return states[child.lower_]
    return None


def count_state(figure: SpacySpan, tables: KeyTables, depth: int = 0) -> str | None:
    """Which part of a count of people a figure is, by ``count_states`` (see
    ``rules/metrics.yaml``): a word of the figure ("three missing"), an adjective or a
    subjectless relative clause of its noun ("passengers who died", "people killed in the
    crash"), or the verb its noun (or the first noun it is coordinated with: "175 passengers
    and four of the six crew were killed") is the subject or object of; else the state of the
    whole it is counted in (:func:`_whole_state`: "26 foreigners among the dead"). The whole
    of a partitive ("the six crew" of "four of the six crew") is no part."""
    states = tables.states
    for token in figure:
        if token.lower_ in states:
            return states[token.lower_]
    token = figure.root
    while token.dep_ in ("nummod", "compound", "quantmod") and token.head.i != token.i and \
            token.head.i >= figure.start:
        token = token.head  # "Two crew" of "Two crew members"
    if token.dep_ in ("compound", "nummod") and token.head.i != token.i:
        token = token.head
    while token.dep_ == "conj" and token.head.i != token.i and \
            token.head.pos_ in ("NOUN", "PROPN", "NUM"):
        token = token.head
    for child in token.children:
        if child.dep_ in ("amod", "acomp") and child.lower_ in states:
            return states[child.lower_]
        if child.dep_ in ("relcl", "acl") and not any(
                g.dep_ in ("nsubj", "nsubjpass") and g.pos_ != "PRON" for g in child.children):
            found = _verb_state(child, tables, completions=True)
            if found is not None:
                return found
    lives = _lives_lost(token, tables)
    if lives is not None:
        return lives
    found = None
    if token.dep_ in ("nsubj", "nsubjpass") and token.head.i != token.i:
        found = _verb_state(token.head, tables, completions=True)
    elif token.dep_ == "dobj":
        found = _verb_state(token.head, tables, completions=False)
    return found or _whole_state(token, tables, depth)


def _lives_lost(token: Token, tables: KeyTables) -> str | None:
    """The dead, counted as the lives a verb of `life_verbs` takes ("claimed the lives of 28
    miners", "took the lives of 12") or as the people who lost their lives ("41 people lost
    their lives"): the part of ``count_states`` whose words include "killed"."""
    dead = tables.states.get("killed")
    if dead is None or not tables.life_verbs:
        return None
    head = token.head
    lives = tables.life_nouns
    if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in lives \
            and head.head.dep_ in ("dobj", "nsubjpass") \
            and head.head.head.lower_ in tables.life_verbs:
        return dead
    if token.dep_ == "nsubj" and head.lower_ in tables.life_verbs and any(
            c.dep_ == "dobj" and c.lower_ in lives for c in head.children):
        return dead
    return None


# Words that make the noun after them a part of the count before them ("the toll rose to
# 154, including 26 foreigners").
_INCLUDING = frozenset({"including", "include", "includes", "included"})


def _whole_state(token: Token, tables: KeyTables, depth: int) -> str | None:
    """The part of a count of people a count inside a whole is in: the whole's (a part of
    the dead is dead). The whole is the object of a partitive after the counted noun, or
    after the copula it is the subject of ("19 foreigners among the dead", "35 women were
    among the victims who drowned"), or the count an including phrase hangs from ("the toll
    rose to 154, including 26 foreigners", "killing 154 people, including 26 foreigners"):
    a state word, a noun whose relative clause says the state, or a phrase the synonym
    table keys to a state's key ("toll": the death toll)."""
    if depth > 1:
        return None
    holders = [token]
    if (token.dep_ in ("nsubj", "nsubjpass") and token.head.lemma_.lower() == "be") or \
            token.dep_ == "dobj":
        holders.append(token.head)  # "26 foreigners were among the dead", "counted ..."
    for holder in holders:
        for prep in holder.children:
            if prep.dep_ != "prep" or prep.lower_ not in ("among", "amongst"):
                continue
            # (its object, or the word the parser hung from it otherwise: "among
            # deceased" of a headline may come out as an adjective of the preposition)
            wholes = [c for c in prep.children if c.dep_ == "pobj"] or [
                c for c in prep.children if c.pos_ in ("NOUN", "ADJ", "PROPN")]
            for whole in wholes[:1]:
                found = _noun_state(whole, tables, depth)
                if found is not None:
                    return found
    including = token.head
    if token.dep_ != "pobj" or including.lower_ not in _INCLUDING or \
            including.head.i == including.i:
        return None
    whole = including.head
    if whole.pos_ in ("VERB", "AUX"):
        found = _verb_state(whole, tables, completions=True)
        if found is not None:
            return found  # "154 people were killed, including 26 foreigners"
        for subject in whole.children:
            if subject.dep_ in ("nsubj", "nsubjpass"):
                found = _noun_state(subject, tables, depth)
                if found is not None:
                    return found  # "the toll has risen to 154, including ..."
        return None
    return _noun_state(whole, tables, depth)


def _noun_state(noun: Token, tables: KeyTables, depth: int) -> str | None:
    """The part of a count of people a noun of a whole names: a state word ("the dead",
    "the injured"), a phrase keyed to a state's key ("the death toll", "the toll"), or the
    count's own state ("154 people killed", "the victims who drowned")."""
    word = noun.lower_
    if word in tables.states:
        return tables.states[word]
    words = [c.lower_ for c in noun.lefts if c.dep_ in ("compound", "amod") and c.is_alpha]
    for phrase in (" ".join([*words, word]), singular(word, tables.plural), word):
        key = tables.synonyms.get(phrase)
        for state, keys in tables.state_keys.items():
            if key is not None and key in keys:
                return state
    return count_state(noun.doc[noun.i:noun.i + 1], tables, depth + 1)


def _after_partitive_opening(figure: SpacySpan) -> bool:
    """Whether the figure's sentence opens with a partitive of a number before it ("Out of
    the 275, 88 ...", "Of 212, 150 ..."): the figure is a part of that number."""
    sent = figure.sent
    words = [t for t in sent[:8] if not t.is_punct][:5]  # the opening words only
    lowered = [t.lower_ for t in words]
    start = 2 if lowered[:2] == ["out", "of"] else 1 if lowered[:1] == ["of"] else 0
    if not start:
        return False
    rest = words[start:]
    if rest and rest[0].dep_ == "det":
        rest = rest[1:]
    return bool(rest) and rest[0].like_num and rest[0].i < figure.start


_WHOLE_DETERMINERS = frozenset({"the", "their", "its", "his", "her", "our", "all"})


def whole_after_part(figure: SpacySpan) -> bool:
    """The figure is the whole a number before it was counted from ("won 187 out of 412
    seats", "checked 318 of the 350 bridges", "14 of their 22 matches"): a total, not a
    second figure of what the part measures."""
    doc = figure.doc
    k = next((t.i for t in figure if t.like_num), figure.start) - 1
    if k >= 0 and doc[k].lower_ in _WHOLE_DETERMINERS:
        k -= 1
    if k < 1 or doc[k].lower_ != "of":
        return False
    k -= 1
    if doc[k].lower_ == "out":
        k -= 1
    return k >= 0 and doc[k].like_num and not doc[k].is_punct


# Words after "of" that stand for a whole already said ("$2 billion of it", "of which").
_WHOLE_PRONOUNS = frozenset({"it", "which", "them", "those", "these", "that", "this"})
_PERCENT_WORDS = frozenset({"percent", "cent", "pct", "percentage", "points"})


def _percentage(figure: SpacySpan) -> bool:
    return any(t.text == "%" or t.lower_ in _PERCENT_WORDS for t in figure)


def _part_of_a_whole(figure: SpacySpan) -> bool:
    """An amount said to be part of a whole the text names with a determiner ("pay $1 billion
    of the total in cash", "$3 billion of its debt", "$2 billion of which"); "$1 billion of
    debt" (of a kind, no determiner) is what the amount is, not a part; a percentage of
    something is a share of it, not a part of another figure."""
    if _percentage(figure):
        return False
    for token in figure:
        for prep in token.children:
            if prep.dep_ != "prep" or prep.lower_ not in _PARTITIVE or prep.i < figure.end:
                continue
            for whole in prep.children:
                if whole.dep_ == "pobj" and (whole.lower_ in _WHOLE_PRONOUNS or any(
                        c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an")
                        for c in whole.children)):
                    return True
    return False


def _count_parts(figure: SpacySpan, key: str, counted: str | None, tables: KeyTables
                 ) -> set[str]:
    """Qualifiers that make a count of people one part of a count (issue 17): the state of
    :func:`count_state` unless the key already is that part ("death toll"); for a bare
    number whose counted noun is written elsewhere ("of the 175 passengers, 82 were men"),
    the complement of its copula ("men", "Korean"), else "part" when the noun is the object
    of a partitive preposition; and a counted noun coordinated with another that has no
    figure of its own ("242 passengers and crew"): "and crew"."""
    found: set[str] = set()
    words = set(key.split())
    state = count_state(figure, tables)
    if state is not None and state not in words and key not in tables.state_keys.get(
            state, frozenset()) and not words & {w for w, s in tables.states.items()
                                                 if s == state}:
        found.add(state)
    if all(t.like_num or not t.is_alpha for t in figure):  # a bare number
        root = figure.root
        verb = root.head
        if root.dep_ == "nsubj" and verb.i != root.i and verb.lemma_.lower() == "be":
            found |= {singular(c.lower_, tables.plural) for c in verb.children
                      if c.dep_ in ("attr", "acomp") and c.is_alpha}
        if not found and counted:
            noun = singular(counted.lower().replace("_", " "), tables.plural)
            if any(singular(t.lower_, tables.plural) == noun and t.dep_ == "pobj" and
                   t.head.lower_ in _PARTITIVE for t in figure.sent if t.i not in
                   range(figure.start, figure.end)):
                found.add(PART)
    if not found and _after_partitive_opening(figure):
        found.add(PART)  # "Out of the 275, 88 bodies have been identified"
    root = figure.root
    if not found and state is None and root.dep_ == "nsubjpass" and \
            root.head.pos_ == "VERB" and root.head.lower_ not in tables.neutral_passives:
        # "78 bodies have been handed over": what was done to them says which part
        verb = root.head
        found.add(" ".join([verb.lower_, *(c.lower_ for c in verb.children
                                           if c.dep_ == "prt")]))
    noun_token = next((t for t in figure if counted and singular(t.lower_, tables.plural)
                       == singular(counted.lower().replace("_", " "), tables.plural)), None)
    if noun_token is not None:
        for conj in noun_token.children:
            if conj.dep_ != "conj" or conj.pos_ not in ("NOUN", "PROPN") or any(
                    c.like_num or c.dep_ == "nummod" for c in conj.children):
                continue
            inner = [c.lower_ for c in conj.lefts if c.dep_ == "compound" and c.is_alpha]
            found.add(" ".join(["and", *inner, singular(conj.lower_, tables.plural)]))
    return found


def _own_state_key(key: str, parts: set[str], tables: KeyTables) -> str:
    """The key of a count in a part of a count of people whose own words name that part
    when its key is another part's: "2,053 people were dead, 9,240 injured" hands the first
    count's key (the death toll) to the second, whose own state (injured) names its key."""
    mine = [s for s in parts if tables.state_keys.get(s)]
    if len(mine) != 1 or not any(key in keys for state, keys in tables.state_keys.items()
                                 if state != mine[0]):
        return key
    parts.discard(mine[0])
    return min(tables.state_keys[mine[0]])


# Determiners of a noun that identify no one ("a 3-year-old boy").
INDEFINITE = frozenset({"a", "an", "another", "one", "some", "any"})
# Tokens after a physical measure that may name which size it is ("984 feet in length",
# "1,000-foot-long").
SIZE_REACH = 3


def remaining_frame(figure: SpacySpan, dimension: str, tables: KeyTables
                    ) -> MetricFrame | None:
    """A stretch of time a word of what is left describes ("with 3 seconds remaining in
    overtime", "two minutes left"; `figure_qualifiers`): the time left, with the span of
    play or work it is left of ("in overtime") as qualifier, whatever the clause is about."""
    if dimension != "time":
        return None
    root = figure.root
    word = next((c for c in root.children if c.dep_ in ("acl", "amod", "advmod")
                 and c.lower_ in tables.figure_words and c.i >= figure.end), None)
    if word is None and root.dep_ == "nsubj" and root.head.lower_ in tables.figure_words \
            and root.head.i >= figure.end:
        word = root.head  # "with 13 seconds remaining": the seconds are what remains
    if word is None:
        return None
    key = tables.synonyms.get(f"time {word.lower_}", f"time {word.lower_}")
    within = [f"in {g.lower_}" for c in word.children if c.dep_ == "prep" and c.lower_ == "in"
              for g in c.children if g.dep_ == "pobj" and g.is_alpha]
    return MetricFrame(key=key, qualifiers=tuple(within[:1]))


def size_frame(figure: SpacySpan, dimension: str, tables: KeyTables) -> MetricFrame | None:
    """A thing's size (see ``sizes`` in ``rules/metrics.yaml``): the measure named by a word
    just after the figure ("984 feet in length", "50 feet deep", "a 300-metre-long
    vessel"), or the dimension's size for a hyphenated modifier ("the 948-foot cargo
    ship"); the thing (the noun modified, or the noun the figure stands in apposition to or
    describes with "measuring") is a qualifier. ``None`` for other figures, and when the
    words do not say whose size it is (a name's size is :func:`named_size`)."""
    sized = _sized(figure, dimension, tables)
    if sized is None:
        return None
    named, thing = sized
    if thing.ent_type_:
        if named in tables.identified_sizes and _indefinite(thing):
            return MetricFrame(key=None)  # "a 10-year-old Corolla": one of many
        return None
    if named in tables.identified_sizes and not any(
            c.dep_ == "poss" or (c.dep_ == "det" and c.lower_ not in INDEFINITE)
            for c in thing.children) and thing.pos_ != "PROPN":
        return MetricFrame(key=None)  # "a 3-year-old boy": anyone's age
    key = named or tables.sizes[dimension]
    qualifiers = [singular(thing.lower_, tables.plural)]
    if _one_of_its_kind(thing):
        qualifiers.append(INSTANCE)  # "kicked a 27-yard field goal": one of several?
    return MetricFrame(key=key, qualifiers=tuple(qualifiers))


def named_size(figure: SpacySpan, dimension: str, tables: KeyTables
               ) -> tuple[MetricFrame, Token] | None:
    """The size of a thing a name identifies ("6-year-old Ana Ruiz", "the 950-foot
    freighter Marlow"): the measure, with no qualifier, and the
    token of the name, which owns it (the claim's subject); ``None`` when the thing is no
    name, or a name with an indefinite article ("a 10-year-old Corolla": one of many)."""
    sized = _sized(figure, dimension, tables)
    if sized is None:
        return None
    named, thing = sized
    if not _a_name(thing):
        return None
    if _indefinite(thing):
        return None
    key = named or tables.sizes[dimension]
    return MetricFrame(key=key), thing


def _a_name(token: Token) -> bool:
    """A name a size may be of: a tagged name, or a proper noun the NER missed or took for a
    place (a vessel or a craft: "the 22-foot Zephyr" is tagged a place as often as not)."""
    if token.ent_type_:
        return token.ent_type_ in NAME_LABELS or token.ent_type_ in _CRAFT_LABELS
    return token.pos_ == "PROPN"


def standing_size(key: str | None, dimension: str, tables: KeyTables) -> bool:
    """Whether a figure of ``key`` in ``dimension`` is a thing's physical size (its length,
    height, depth, width, area, weight or volume: ``sizes`` and ``size_words``), which the
    day of its clause's event does not date. Not an age (a size in time)."""
    if key is None or dimension == "time":
        return False
    return tables.size_dimensions.get(key, "time") != "time" or any(
        size == key and dim != "time" for dim, size in tables.sizes.items())


DISTANCE = "distance"  # the key of a length from a place in a compass direction
# Labels of a place a distance is measured from.
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


def distance_frame(figure: SpacySpan, dimension: str, tables: KeyTables
                   ) -> tuple[MetricFrame, Token] | None:
    """A length from a named place in a compass direction (``compass_words``: "the valley,
    about 380 km north of Larvik", "18 kilometers (11 miles) south of Brennholm City"): the
    distance, qualified by the direction, and the token of the place, which is what the
    reports of one story share (the thing located is written as a town, a valley, "the
    crash site" or not at all). ``None`` for other figures ("270,000 miles from Earth": a
    craft's distance at one moment, not a place's)."""
    if dimension != "length":
        return None
    token = figure.root
    while token.dep_ in ("appos", "conj") and token.head.i != token.i and \
            token.head.i < figure.start:
        token = token.head  # "18 kilometers (11 miles) south of": the first figure's
    head = next((t for t in (token.head, *(c for c in token.children if c.dep_ in (
        "appos", "advmod", "npadvmod"))) if t.i != token.i and t.lower_ in tables.compass
        and t.i >= figure.end), None)  # ("18 kilometers (11 miles) south of": beside it)
    if head is None:
        return None
    place = next((g for c in head.children if c.dep_ == "prep" and c.lower_ == "of"
                  for g in c.children if g.dep_ == "pobj"), None)
    if place is None or not (place.ent_type_ in _PLACE_LABELS or (
            not place.ent_type_ and place.pos_ == "PROPN")):
        return None
    return MetricFrame(key=DISTANCE, qualifiers=(f"{head.lower_} of",)), place


def _indefinite(thing: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in INDEFINITE for c in thing.children)


# Entity labels of things a size may be of: a person, a ship or a building, a product.
NAME_LABELS = frozenset({"PERSON", "FAC", "PRODUCT", "ORG", "WORK_OF_ART"})
# Labels the NER gives names of vessels and craft as often as a name's own ("the 22-foot
# Zephyr" as a place): a size modifying one is the name's.
_CRAFT_LABELS = frozenset({"GPE", "LOC"})


def _sized(figure: SpacySpan, dimension: str, tables: KeyTables
           ) -> tuple[str | None, Token] | None:
    """The measure a size figure names (``None``: the dimension's default size) and the
    thing it is the size of, when the words say both."""
    default = tables.sizes.get(dimension)
    if default is None and dimension not in tables.size_dimensions.values():
        return None
    doc = figure.doc
    named = next((tables.size_words[t.lower_] for t in (
        *doc[figure.end:min(len(doc), figure.end + SIZE_REACH)], *figure)
        if t.lower_ in tables.size_words and
        tables.size_dimensions[tables.size_words[t.lower_]] == dimension), None)
    if named is None and default is None:
        return None
    root = figure.root
    head = root.head
    if head.lower_ in tables.size_words and head.dep_ in ("amod", "compound", "nmod") and \
            head.i >= figure.end:
        root, head = head, head.head  # "the 180-foot-tall tower": "tall" modifies the tower
    modifier = "-" in figure.text and root.dep_ in ("compound", "nmod", "amod") and \
        head.i >= figure.end and head.pos_ in ("NOUN", "PROPN")
    thing: Token | None = None
    if modifier:
        thing = head
        while thing.dep_ in ("compound", "nmod") and thing.head.i > thing.i and \
                thing.head.pos_ in ("NOUN", "PROPN"):
            thing = thing.head
    elif root.dep_ == "appos" and head.pos_ in ("NOUN", "PROPN"):
        thing = head  # "The giant ship, 984 feet in length,"
    elif root.dep_ == "dobj" and head.dep_ == "acl" and head.head.pos_ in ("NOUN", "PROPN"):
        thing = head.head  # "the vessel, measuring 985 feet in length"
    if (named is None and not modifier) or thing is None:
        return None  # whose size it is is not in the words: a length of anything
    return named, thing


INSTANCE = "one of its kind"  # the qualifier of a size of an indefinite thing


def _one_of_its_kind(thing: Token) -> bool:
    """A thing written with an indefinite article that no name identifies ("kicked a 27-yard
    field goal", "after a 40-minute delay"): one of its kind, which another report's figure
    may be of another one. Not a name's description ("The Dali, a 948-foot cargo ship", "the
    Dali is a 948-foot ship")."""
    if not any(c.dep_ == "det" and c.lower_ in INDEFINITE for c in thing.children):
        return False
    return thing.dep_ not in ("appos", "attr") and thing.pos_ != "PROPN"


def price_frame(figure: SpacySpan, tables: KeyTables, skip: set[int]) -> MetricFrame | None:
    """A money figure that a verb of exchange governs, alone or with the preposition the
    figure hangs from (`money_verbs`: "priced at $449", "sells the Zephyr for $1,299",
    "joined Tarvo for 25 million euros"): the key the table names (a price, a fee) whatever
    the sentence calls it; a price is qualified by the thing sold when a common noun or an
    untagged product name says it."""
    token = figure.root
    prep: str | None = None
    for _ in range(4):
        head = token.head
        if head.i == token.i:
            return None
        if head.pos_ == "ADP" or head.dep_ in ("prep", "agent"):
            prep = prep or head.lower_
            token = head
            continue
        if head.pos_ not in ("VERB", "AUX"):
            return None
        word = head.lower_
        named = tables.money_verbs.get(word) or (
            tables.money_verbs.get(f"{word} {prep}") if prep else None)
        if named is None:
            return None
        key = tables.synonyms.get(named, named)
        if key != tables.synonyms.get("price", "price"):
            return MetricFrame(key=key)
        thing = _priced_thing(head, skip)
        part, qualifiers = _normalize(thing, tables) if thing else (None, ())
        return MetricFrame(key=key, qualifiers=tuple(sorted({*qualifiers, part}))
                           if part and part != key else ())
    return None


def _priced_thing(verb: Token, skip: set[int]) -> list[str]:
    """The words of what a verb of pricing gives the price of, as a qualifier: a common
    noun ("the headset priced at", "sold its stake for"), or the words of a product's name
    the NER left untagged beside its maker's ("Apple iPhone 15 starts at $799, while the
    iPhone 15 Plus starts at $899"); a tagged name is the subject instead."""
    while verb.dep_ in ("xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX") and \
            not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        verb = verb.head  # "priced starting at": the pricing verb's
    candidates = [c for c in verb.children if c.dep_ in ("dobj", "nsubj", "nsubjpass")]
    if verb.dep_ == "acl":
        candidates.append(verb.head)
    for noun in candidates:
        if noun.i in skip:
            continue
        if noun.pos_ == "NOUN" and noun.is_alpha:
            return [noun.lower_]
        if noun.pos_ == "PROPN":
            return [t.lower_ for t in sorted([noun, *(c for c in noun.children if c.dep_ in (
                "compound", "nummod", "amod", "cc"))], key=lambda t: t.i) if t.i not in skip]
    return []


def _described(figure: SpacySpan, finder: _Finder) -> str | None:
    """The noun a figure written as a hyphenated modifier describes ("an 11-truck convoy",
    "a 5.5-magnitude aftershock"): the figure is that thing's, one of its kind."""
    thing = _described_thing(figure, finder)
    return None if thing is None else singular(thing.lower_, finder.tables.plural)


def _described_thing(figure: SpacySpan, finder: _Finder) -> Token | None:
    """The token of :func:`_described`'s noun. A point of a scale is written as a modifier
    with or without a hyphen ("a 6.3 magnitude quake", "a magnitude 6.4 quake", as "a
    6.3-magnitude quake"), and the parser often hangs the article and the scale's noun
    elsewhere: its thing is the noun right after it."""
    root = figure.root
    head = root.head
    if any(t.lower_ in SCALE_NOUNS for t in figure):
        doc = figure.doc
        head = doc[figure.end] if figure.end < len(doc) else root
    elif root.dep_ not in ("nmod", "compound", "amod") or "-" not in figure.text:
        return None
    if head.i < figure.end or not finder.is_noun(head) or head.i in finder.skip or \
            head.i in finder.figures or finder.tables.change(head.lower_):
        return None  # "a 1,857-point gain" is the figure's change, not a thing it belongs to
    return head


def _event(figure: SpacySpan, finder: _Finder) -> str | None:
    """What happened "N years ago": the noun just before the time ("the death 35 years
    ago"), else the verb the time modifies ("was founded 20 years ago")."""
    doc = figure.doc
    before = doc[figure.start - 1] if figure.start > 0 else None
    if before is not None and finder.is_noun(before) and before.i not in finder.skip and \
            before.lower_ not in finder.tables.periods:
        return singular(before.lower_, finder.tables.plural)
    ago = doc[figure.end]
    if ago.head.pos_ == "VERB" and ago.head.i != ago.i:
        return ago.head.lower_
    return None


def filed_object(figure: SpacySpan, tables: KeyTables) -> Token | None:
    """What a count of people files, submits or casts ("12 million users filed valid
    claims": the claims), which the figure then counts; ``None`` when it counts the people."""
    root = figure.root
    verb = root.head
    if root.dep_ != "nsubj" or verb.i == root.i or verb.lower_ not in tables.filing or \
            root.lower_ not in tables.people:
        return None
    return next((c for c in verb.children if c.dep_ == "dobj" and c.tag_ == "NNS"), None)


def _sum_of_events(figure: SpacySpan, head: Token | None, tables: KeyTables) -> bool:
    """The figure is a sum of several events: its noun, or the subject or object of its verb,
    is a plural with a sum word ("total penalties ... above $2 billion", "the combined fines
    came to $4 billion")."""
    if not tables.sum_words:
        return False
    nouns: list[Token] = []
    if head is not None and head.pos_ in ("NOUN", "PROPN"):
        nouns.append(head)
    verb = None
    for t in figure.root.ancestors:  # up to the verb, unless a noun owns the figure first
        if t.pos_ in ("VERB", "AUX"):
            verb = t
        if t.pos_ in ("VERB", "AUX", "NOUN", "PROPN"):
            break
    if verb is not None:
        nouns += [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")
                  and not figure.start <= c.i < figure.end]
    return any(n.tag_ in ("NNS", "NNPS") and any(c.lower_ in tables.sum_words
                                               for c in n.children) for n in nouns)


def metric_frame(figure: SpacySpan, sent: SpacySpan, *, count: bool, closed: str,
                 per_share: bool, figures: set[int], skip: set[int], tables: KeyTables,
                 find: Cues, counted: str | None = None,
                 by_unit: bool = False, decided: bool = True,
                 amount: bool = False) -> MetricFrame:
    """The metric key of a figure, its qualifiers and its part in a change.

    ``closed`` is the figure's metric class (``unknown`` when none): the key when the tree
    gives no phrase. ``per_share``: the figure is an amount per share ("$2.48 per share" of
    net income is earnings per share). ``figures`` are the tokens of every figure of the
    document, ``skip`` the tokens of names and dates. ``counted`` is a count's counted noun
    (its unit): unless it says nothing alone ("people"), it is the measure, with its
    modifiers as qualifiers ("17.7 million valid claims"); ``by_unit``: the metric class was
    decided by that unit ("555,000 GPUs" is a GPU count), and is the key. ``decided``: a
    unit, a strong cue or a named target decided the class; a class read only from a weak cue
    ("pay", "deal") keys a figure only when its own words name no measure ("would pay a $1.5
    billion breakup fee" is a breakup fee, not a lease payment). ``amount``: the figure is
    an amount of money no unit, cue or target decided the class of, whose own "of" phrase
    says what it measures ("16 billion francs of bonds"; "burn through $115 billion of cash"
    stays the cash burn its verb says).
    """
    finder = _Finder(tables, skip, find, figures)
    root = figure.root
    if figure.end < len(figure.doc) and figure.doc[figure.end].lower_ == "ago":
        event = _event(figure, finder)  # "the death 35 years ago": how long ago it was
        return MetricFrame(key=f"time since {event}" if event else None)
    if any(c.dep_ in ("prep", "advmod") and c.lower_ in tables.difference
           and any(g.dep_ == "pobj" for g in c.children) for c in root.children) or \
            (root.head.lower_ in tables.difference and root.head.i != root.i):
        return MetricFrame(key=None)  # "$1 billion below its peak", "$1 billion shy of"
    if _increment_after(figure, tables):  # more or fewer than what?
        return MetricFrame(key=None)
    # "$100 billion of liquidity": the kind, unless a unit or a strong cue decided the class
    # ("burn through $115 billion of cash" is a cash burn)
    # ("97% of votes" is a share of them, not votes)
    head, flags = finder.frame(figure, count, figures, kind=(
        not decided or closed == "unknown") and not _percentage(figure), amount=amount)
    sign = figure.text[:1]
    if not flags.change and not flags.base and (sign == "+" or (count and sign in _MINUS)):
        # "+210 seats", "a net change of -60": a written sign makes a change (a count is
        # never below zero; a minus of an amount may be a loss or a cost)
        flags = replace(flags, change=True, direction="up" if sign == "+" else "down")
    if count and not flags.change and not flags.base:
        moved = _transferred(root, tables)
        if moved is not None:  # "took 36 seats from the Greens": a change of both counts
            flags = replace(flags, change=True, direction=moved)
    key: str | None = None
    qualifiers: tuple[str, ...] = ()
    noun = counted.lower().replace("_", " ") if counted else None
    if noun and (singular(noun, tables.plural) in tables.generic or noun in tables.generic):
        noun = None  # "people", "units": the verb says what (below)
    if noun is not None and by_unit:
        key = closed.replace("_", " ")
    elif noun is not None:
        token = next((t for t in figure if singular(t.lower_, tables.plural) ==
                      singular(noun, tables.plural)), None) or filed_object(figure, tables)
        words = finder.phrase(token) if token is not None else [noun]
        key, qualifiers = _normalize(words, tables)
    elif head is not None:
        if head.pos_ in ("VERB", "AUX"):
            key = None  # a verb names no measure: the closed class below
        else:
            key, qualifiers = _normalize(finder.phrase(head), tables)
    if key is not None and _degenerate(key, tables):
        key, qualifiers = None, ()  # "Net of this item, EPS were $6.86": a misread phrase
    if key is None and not (count and noun is not None):
        known = _known_phrase(sent, figure.root, tables, find)
        if known is not None:  # "Net of this item, earnings per share were $6.86"
            key, qualifiers = known, ()
    rule = tables.classes.get(closed)
    if rule is not None and key is not None and tables.statistics & {
            w for phrase in (key, *qualifiers) for w in phrase.split()}:
        rule = None  # "maximum payouts reach $38.36": each one's, not the event's amount
    if rule is not None and (decided or key is None):
        # one amount per event, whatever the article calls it, but for which part of it
        # ("including debt", "the equity value of the deal", "the net settlement amount")
        named = {w for phrase in (key or "", *qualifiers) for w in phrase.split()}
        key, qualifiers = closed.replace("_", " "), tuple(sorted(
            {q for q in qualifiers if q.split()[0] in tables.scope_markers} |
            (named & tables.scope_words) |
            ({"total"} if _sum_of_events(figure, head, tables) else set())))
    if key is None and closed != "unknown":
        key = closed.replace("_", " ")
    if key is not None and per_share and "share" not in key.split():
        key = tables.synonyms.get(f"{key} per share", f"{key} per share")
    root = figure.root
    if count and (root.lower_ in tables.generic or singular(root.lower_) in tables.generic):
        # "12,391 people had died", "3.5 million units sold": the noun with its verb
        verb = head if head is not None and head.pos_ in ("VERB", "AUX") else next(
            (t for t in root.ancestors if t.pos_ in ("VERB", "AUX")), None)
        # a verb of a part of a count of people in any form ("killing 77 people", "77 people
        # were killed", "wounded") is that part's name (``count_states``)
        words = [singular(root.lower_, tables.plural)] + (
            _complement(verb, figure, singular(root.lower_, tables.plural), tables)
            if verb is not None and verb.lower_ in _COPULAS
            else [_lives_lost(root, tables) or tables.states.get(verb.lower_, verb.lower_)]
            if verb else [])  # ("41 people lost their lives": killed)
        phrase = " ".join(words)
        key = tables.synonyms.get(phrase) or tables.synonyms.get(words[-1]) or (
            closed.replace("_", " ") if closed != "unknown" else phrase)
    extra = (set(qualifiers) | set(_basis_words(sent, figure.root, tables, find))) - {key}
    extra |= {t.lower_ for t in (*figure, *figure.root.children)
              if t.lower_ in tables.figure_words}  # "$3.95 billion remaining"
    extra |= _scope_markers(figure, head, tables, finder, count=count)  # "including debt"
    extra |= _stretch(figure.root, tables)  # "lost 4,500 points over the previous three sessions"
    if _annualized(figure, tables):
        extra.add(ANNUALIZED)  # "an annualized run rate of 2 million vehicles"
    if _revised(figure, tables):
        extra.add(REVISED)  # "the fine was later reduced to 372m euros on appeal"
    if key is not None and not tables.earlier & set(key.split()) and \
            _earlier(figure, head, tables):
        extra.add(EARLIER)  # "a previous fine of €500 million", "the original offer"
    if key is not None and _added(figure, head, tables):
        extra.add(ADDED)  # "at an additional cost of $6,500": on top of what?
    if count and key is not None and (counted or figure.root.like_num):
        extra |= _count_parts(figure, key, counted, tables)  # "two crew members were rescued"
        key = _own_state_key(key, extra, tables)  # "2,053 were dead, 9,240 injured"
    if key is not None and whole_after_part(figure):
        extra.add(TOTAL)  # "won 187 out of 412 seats": all the seats, not the ones won
    if not count and PART not in extra and _part_of_a_whole(figure):
        extra.add(PART)  # "$1 billion of the total in cash", "$2 billion of it"
    described = _described(figure, finder)
    if described and described != key:
        extra.add(described)  # "an 11-truck convoy": the convoy's trucks, not all trucks
        thing = _described_thing(figure, finder)
        if thing is not None and (_one_of_its_kind(thing) or thing.dep_ not in (
                "appos", "attr") and figure.start > 0
                and figure.doc[figure.start - 1].lower_ in INDEFINITE):
            extra.add(INSTANCE)  # "a 6.3-magnitude quake struck": which one of them?
    if tables.intraday and any(find.present(sent, tables.intraday)):
        extra.add("intraday")  # "was up 2,100 points in afternoon trading"
    if not qualifiers and key is not None:
        part = find.of_sentence("segment", sent, lambda: _segment(sent, tables, skip))
        if part:
            extra.add(part)  # "this segment soared 22%", "Nvidia's gaming business ..."
    basis = _basis_label(sent, figure.root, tables, find) if flags.change or flags.base \
        else None
    if key == "growth" and head is None and not flags.change:
        key = None  # "closed up 2,963 points, or 7.9%": a move of what, the class does not say
    if flags.change:
        # a change of an unnamed measure, or of the coarse class "growth", says nothing
        coarse = head is None and key is not None and tables.change(key.split()[-1]) or \
            key in (None, "growth")
        key = None if coarse else f"{key} change"
        if key is None and finder.moved:
            key = MOVE_KEY  # a named thing's own move: an index's, a share's day
        if basis and key:
            extra.add(basis)
        level = key == MOVE_KEY or (counted is not None and singular(
            counted.lower().replace("_", " ").split()[0]) in tables.levels)
        if key and level and _reading(figure, sent, tables):
            extra.add("intraday")  # "the Dow was up 2,100 points": a reading, not the close
    estimate = flags.estimate or any(
        t.lower_ in tables.estimate_words for t in (*figure, *figure.root.children)) or \
        _estimated_measure(head, tables) or _estimate_mark(figure, tables, find.text)
    return MetricFrame(key=key, qualifiers=tuple(sorted(extra)) if key else (),
                       change=flags.change, direction=flags.direction, base=flags.base,
                       estimate=estimate, basis=basis)


def _reading(figure: SpacySpan, sent: SpacySpan, tables: KeyTables) -> bool:
    """A level's move stated as where it stands ("the Dow was up 2,500 points", "the index
    is down 3%"): a reading at some moment of the session, unless the sentence says it is
    the close (``close_words``: "closed up", "ended the day up")."""
    verb = next((t for t in figure.root.ancestors if t.pos_ in ("VERB", "AUX")), None)
    if verb is None or verb.lemma_ != "be" or not any(
            c.dep_ in ("advmod", "acomp", "prt", "prep") and tables.change(c.lower_)
            and c.lower_ in ("up", "down", "higher", "lower") for c in verb.children):
        return False
    return not any(t.lower_ in tables.close_words for t in sent)


def _estimated_measure(head: Token | None, tables: KeyTables) -> bool:
    """The measured noun itself is an estimate's ("the expected revenue was $25.9 billion",
    "estimated sales of $3 billion"): an estimate word modifies it, on its own (not the end
    of "better-than-expected", which judges the figure against an estimate)."""
    if head is None or head.pos_ not in ("NOUN", "PROPN"):
        return False
    return any(c.dep_ in ("amod", "compound") and c.lower_ in tables.estimate_words and
               c.i < head.i and not (c.i > 0 and c.doc[c.i - 1].text in ("-", "than"))
               for c in head.children)


_MARK = re.compile(r"\s*\(\s*([A-Za-z][A-Za-z. ]{0,15}?)\.?\s*\)")


def _estimate_mark(figure: SpacySpan, tables: KeyTables, text: str) -> bool:
    """A mark in parentheses right after the figure that says it is an estimate ("$25.9
    billion (est.)", "$3.10 (consensus)"): ``estimate_marks``. ``text``: the doc's text
    (``Cues.text``; ``doc.text`` walks every token of the document, per figure)."""
    if not tables.estimate_marks:
        return False
    match = _MARK.match(text, figure.end_char)
    return match is not None and match.group(1).strip().lower() in tables.estimate_marks


# spaCy's NER labels of places (not world knowledge): a figure "in" one holds there.
_AREA_LABELS = ("GPE", "LOC")


def entity_at(token: Token) -> SpacySpan | None:
    """The entity of ``doc.ents`` holding ``token``, ``None`` when none, read from the
    IOB tags around it (``doc.ents`` walks the whole document each time it is read)."""
    if token.ent_iob_ not in ("B", "I"):
        return None  # outside ("O") or untagged: doc.ents ends an entity at such a token
    doc = token.doc
    start = token.i
    while doc[start].ent_iob_ == "I" and start > 0:
        start -= 1
    if doc[start].ent_iob_ != "B" or not doc[start].ent_type_:  # tags out of order
        # (doc.ents raises on them) or an entity without a label: as doc.ents reads them
        return next((e for e in doc.ents if e.start <= token.i < e.end), None)
    end = start + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end] if token.i < end else None


def area_of(figure: SpacySpan, chain: Sequence[Token], owner: Token | None,
            owner_name: str | None, key: str, tables: KeyTables) -> str | None:
    """The area a figure is said to hold in, as a qualifier ("in wales", "in asia-pacific
    region"): a place or an area noun (``area_nouns``) after an area preposition on the
    figure's own words or the words governing it up to its verb ("lost 12 seats in Wales",
    "2.9 million subscribers in the Asia-Pacific region"). ``owner``: the token of the
    figure's subject, which is no area of itself ("In Turkey, the toll rose to 44,000"
    is Turkey's own toll)."""
    if not tables.area_prepositions:
        return None
    inside = range(figure.start, figure.end)
    owned: set[int] = set()
    if owner is not None:
        owned = {owner.i}
        if owner.ent_iob_ != "O":  # every token of the owner's name
            owned |= {t.i for t in entity_at(owner) or ()}
    governing = [figure.root, *chain]
    verb = next((t for t in chain if t.pos_ in ("VERB", "AUX")), None)
    if verb is not None:  # "Revenue in China fell 5%": the measured subject's own area
        # (not "The Colossus site in Memphis houses 555,000 GPUs": where the owner is)
        measured = set(key.split())
        governing += [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")
                      and c.pos_ == "NOUN" and c.ent_type_ == "" and
                      singular(c.lower_, tables.plural) in measured]
    for token in governing:
        for prep in token.children:
            if prep.dep_ != "prep" or prep.lower_ not in tables.area_prepositions or \
                    prep.i in inside:
                continue
            place = next((c for c in prep.children if c.dep_ == "pobj"), None)
            if place is None or place.i in owned or place.i in inside:
                continue
            if place.ent_type_ in _AREA_LABELS:
                ent = entity_at(place)
                words = [t.lower_ for t in (ent or [place]) if t.dep_ != "det"]
                if owner_name is not None and _spaced(" ".join(words)) == _spaced(owner_name):
                    continue  # "In Turkey, the toll rose": Turkey's own
            elif singular(place.lower_) in tables.area_nouns or \
                    place.lower_ in tables.area_nouns:
                words = [t.lower_ for t in place.lefts if t.dep_ in (
                    "compound", "amod", "nmod") or t.ent_type_ in _AREA_LABELS]
                if not words and not any(c.dep_ in ("relcl", "acl") for c in place.children):
                    continue  # "the region" says no which: the whole the article is about
                words.append(singular(place.lower_, tables.plural))
            else:
                continue
            return _spaced(" ".join([prep.lower_, *words]))
    return None


DEMANDED = "sought"  # the qualifier of an amount asked for


def demanded(figure: SpacySpan, chain: Sequence[Token], tables: KeyTables) -> bool:
    """Whether a figure is an amount asked for (``demand_words``): a demand verb among its
    governing words ("sought $1.6 billion", "asked for $2 million") or heading a clause of
    the figure's own ("the $1.6 billion sought by ...", "the $1.6bn that it was suing
    for")."""
    if not tables.demand_words:
        return False
    root = figure.root
    words = [*(c for c in root.children if c.dep_ in ("acl", "relcl")), *chain]
    for token in words:
        word = token.lower_
        if word in tables.demand_words:
            return True
        if f"{word} for" in tables.demand_words and any(
                c.lower_ == "for" for c in token.children):
            return True
        if token.pos_ in ("VERB", "AUX") and token.dep_ not in ("xcomp", "aux", "auxpass",
                                                               "acl", "relcl"):
            break  # the figure's own verb decides, not one it completes
    return False


# spaCy's NER labels of who can give or take a count (not world knowledge).
_PARTY_LABELS = ("ORG", "NORP", "PERSON")


def _increment_after(figure: SpacySpan, tables: KeyTables) -> bool:
    """A difference from a level the words do not give: an increment word the figure governs
    after it ("need 326 more for a majority"), or one right after the figure's number, inside
    the figure ("26 more seats") or just past it ("80 fewer than polls predicted", where the
    parser may hang the figure from "fewer")."""
    if any(c.i >= figure.end and c.lower_ in tables.increments and c.dep_ in (
            "amod", "advmod", "acomp") for c in figure.root.children):
        return True
    first = next((t.i for t in figure if t.like_num), None)
    if first is None or any(t.lower_ in ("%", "percent", "cent") for t in figure):
        return False  # "20 per cent more productive": a relative change, keyed as one
    doc = figure.doc
    return any(doc[k].lower_ in tables.increments
               for k in range(first + 1, min(figure.end + 1, len(doc))))


def _transferred(root: Token, tables: KeyTables) -> str | None:
    """``"up"`` or ``"down"`` when a count passes between two parties: a counterparty
    preposition with a named object on the counted noun or its verb ("took 36 seats from the
    Greens": up for the taker; "handed 3 seats to the Reds": down)."""
    holders = [root] + ([root.head] if root.head.pos_ in ("VERB", "AUX") else [])
    for holder in holders:
        for prep in holder.children:
            if prep.dep_ == "prep" and prep.lower_ in tables.counterparty and any(
                    c.dep_ == "pobj" and c.ent_type_ in _PARTY_LABELS for c in prep.children):
                return "up" if prep.lower_ == "from" else "down"
    return None
