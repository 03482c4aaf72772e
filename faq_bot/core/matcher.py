"""Fuzzy matching of a question against the curated entries (rapidfuzz).

Each phrasing (canonical question and alternates) is reduced to its content terms: normalised,
stop words dropped, synonyms and simple word endings folded, typos corrected against the FAQ's
own vocabulary. An entry's score blends how closely the best phrasing reads like the question
with how much of the question's weight (rare words weigh more) the entry's vocabulary covers,
so a question that shares one common word ("sleep") with the FAQ scores low.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from faq_bot.core.faq.model import Entry
from faq_bot.core.normalize import KRATOM_SPELLINGS, normalise

STOPWORDS = frozenset(
    """
    a an the and or but if so of to in on at by for from with about as into than then there
    is are was were be been being am do does did doing have has had having can could would
    should will shall may might must i me my mine myself we our you your yours he him his she
    her it its they them their this that these those what which who whom whose when where why
    how any some all each every both either neither no not only just really very quite much
    many more most less such same other own also too again ever even still yet please tell
    explain know someone somebody anyone anything something thing things stuff kind sort like
    get got let say says said go going gonna want wanna need anybody hey hi hello thanks okay
    ok actually basically exactly literally probably maybe lol lmao haha um uh hmm bro dude
    yo omg imo imho srsly sorta bruh
    man guys yeah yes yep nah idk tbh btw fr ngl rn question questions wondering wonder curious
    lately recently nowadays these days today currently done happening going
    le la les el los las un une una uno de del du des sur selon segun según il elle es est
    son sont que qué quel quelle quels comment como cómo cuál cual más mas plus
    o os a as um uma das der die das den dem und ist sind wie was welche welcher laut nach
    articulo artículo artigo artikel article l d higher lower bigger smaller larger per
    deal final author authors reader readers writer supposed mild mildly current
    another other one ones than describe describes described feel feels feeling friend
    according accord mention mentions mentioned mentioning sent send handed read reads reading
    shared showed forwarded passage piece page post blog paper text rather besides
    sister brother husband wife partner boyfriend girlfriend mum mom dad mother father son
    daughter teacher nurse patient patients client clients lesson class students student
    preparing prepare keeps heard hear told asked sorry obvious silly dumb stupid basic quick
    simple next kindly examples example name names named call calls called role roles play plays
    dice dicen diz dit sagt zegt kata dice sobre sur über darüber over tentang sul sulla sui
    sugli segundo según selon laut volgens menurut cosa quoi wat apa qué ce ci ini itu dari
    los las del al os ao aos nos na no da do dos das di della dello dei degli il lo gli
    het een en voor zijn wordt worden moet er nog welke welcher nennt bei kenapa mengapa
    dianggap bagus untuk yang dan ou oder ook anche también também ficou tão quer dizer
    mentionnés mentionne mentionné dans entre lien quels quelles sont est es ist
    """.split()
)

# Multi-word phrases folded to one term before tokenising; then single-word synonyms.
PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:{p})\b"), r)
    for p, r in (
        (r"7 ?(?:hydroxy ?mitragynine|hydroxy|hydroxymitragynin\w*|oh|h mg|hmg)", "7oh"),
        (r"seven ?(?:hydroxy ?mitragynine|hydroxy|oh)", "7oh"),
        (r"mu ?opioid|mu ?receptors?|μ ?opioid", "muopioid"),
        (r"side ?effects?|adverse effects?|bad effects?|negative effects?|downsides?", "sideeffect"),
        (r"red ?vein ?strains?|red ?veins?|red strains?|red kratom", "redvein"),
        # "which kratom is best for sleep?", "what kind of kratom": a strain asked for.
        (r"which (?:kind of |type of |sort of )?kratom|what (?:kind|type|sort) of kratom|"
         r"what kratom(?= (?:\w+ ){0,3}(?:best|better|most|strongest|recommended|ideal|top)\b)",
         "strain"),
        (r"red bali", "redbali"),
        (r"red borneo", "redborneo"),
        (r"health ?care professionals?|doctors?|physicians?|clinicians?|pharmacists?|gps?|medical professionals?|healthcare providers?", "doctor"),
        (r"long ?term|in the long run|years later|lasting", "longterm"),
        (r"prolonged|extended periods?|extended use|for (?:months|years)|chronic use|over time", "prolonged"),
        (r"fall(?:ing)? asleep|get(?:ting)? to sleep|drift off|doze off|nod off|knock(?:s|ed)? (?:you |me )?out", "fallasleep"),
        (r"south ?east asia\w*|southeast asia\w*", "southeastasia"),
        (r"neuro ?transmitters?", "neurotransmitter"),
        (r"sleep[- ]wake cycle|circadian rhythm|body clock", "sleepwake"),
        (r"(?:feel(?:ing)? )?sick to (?:my|your) stomach|upset stomach|feel(?:ing)? sick|throw(?:ing)? up|puk\w*|barf\w*", "nausea"),
        (r"wakes? (?:you |me )?up|keeps? (?:you |me )?(?:up|awake)|alert|energi[sz]\w*|wired", "stimulating"),
        (r"in the end|final (?:take|view|verdict|word|thoughts?)|comes? down to|boils? down to", "conclusion"),
        (r"perk(?:s|ed|ing)? (?:you |me |u |people )?up", "stimulating"),
        (r"in a nutshell|sum(?:s|med|ming)? (?:it |things |everything )?up|wrap(?:s|ped)? (?:it |things )?up|at the end|the ending|how does (?:it|the article) end|tl ?dr|long story short|overall", "conclusion"),
        (r"(?:in )?(?:its |the )?(?:opening|beginning|intro|introduction|first paragraph|start of the article)", "introduction"),
        (r"(?:besides|apart from|aside from|other than|in addition to|as well as) (?:the |its |their )?(?:opioid receptors?|mu opioid receptors?|receptors?|alkaloids?|mitragynine|dopamine|serotonin|melatonin)", " "),
        (r"efectos secundarios|efeitos colaterais|effets secondaires|effets indésirables|nebenwirkungen|effetti collaterali|bijwerkingen|efek samping", "sideeffect"),
        (r"(?:cepas?|variedades?|souches?|sorten?|ceppi|variet[aà]|soorten?|jenis) (?:de kratom |di kratom |kratom )?(?:rojas?|vermelhas?|rouges?|rote[nr]?|rosse|rode|merah)|kratom (?:rojo|vermelho|rouge|rot|rosso|rood|merah)", "redvein"),
        (r"(?:what|which) (?:part|parts|region|regions|area|areas|country|countries) of the world|where in the world", "origin"),
        (r"single(?:s|d)? out|point(?:s|ed)? out|highlight\w*|call(?:s|ed)? out", " "),
        (r"sleep ?(?:inducing|promoting)|induc\w* sleep|promot\w* sleep", "sedative"),
        (r"(?:kinds?|types?|sorts?|variet(?:y|ies)) of (?:kratom|it)", "strain"),
        # What is in it asks what it contains ("what's actually in the leaves?"): without the
        # "in", a stop word, it would read as "what is kratom".
        (r"what (?:is|s|are) (?:actually |really |exactly )?in(?:side)? (?:the |a |this |that |kratom )?(?:kratom|leaf|leaves|plant|plants|powder|it|stuff|tea)", "kratom contain"),
        (r"when it comes to|as for|regarding|with regard to|in terms of|eli5|explain like i am (?:five|5)|like i am (?:five|5)|in simple terms|in plain english", " "),
        (r"turn(?:s|ed|ing)? to|tak(?:e|es|ing) up|tr(?:y|ies|ying) out|get(?:ting)? into", "use"),
        (r"(?:the )?science (?:behind|of)|how (?:it|kratom) works", "work"),
        (r"figur(?:e|es|ed|ing) out|find out|still learning|(?:do|does|did) (?:we |you |they |scientists |researchers |people )?(?:still )?not know|don t know|open questions?|gaps?|not (?:yet |fully |well )?(?:known|understood)|unclear|unanswered", "unknown"),
        (r"keeps? (?:\w+ ){0,2}(?:up|awake)|wakes? (?:\w+ ){0,2}up|gives? (?:\w+ ){0,2}energy", "stimulating"),
        (r"feel(?:s|ing)? (?:good|great|happy|happier|better about)", "mood"),
        (r"settled|early days|conclusive|definitive|all figured out", "unknown"),
    )
)
SYNONYMS = {
    # too short to be stemmed, but the colours' plurals ("are reds better than greens?")
    "reds": "red",
    # its other spellings (the typo corrector keeps the first letter: "cratom" needs this)
    **dict.fromkeys(KRATOM_SPELLINGS, "kratom"), "kratoms": "kratom", "kratum's": "kratom",
    "mitragyna": "kratom", "speciosa": "kratom",
    "sleepy": "sleep", "sleeping": "sleep", "slept": "sleep", "asleep": "sleep", "drowsy": "sleep",
    "insomnia": "sleep", "rest": "sleep", "sleepless": "sleep",
    "sedating": "sedative", "calmer": "sedative", "calmest": "sedative",
    "popularity": "popular", "trending": "popular", "hype": "popular", "sedation": "sedative", "sedate": "sedative", "calming": "sedative",
    "relaxing": "relax", "relaxation": "relax", "relaxed": "relax", "chill": "relax",
    "calm": "relax",
    "addictive": "addiction", "addicting": "addiction", "addict": "addiction", "hooked": "addiction",
    "abuse": "addiction", "misuse": "addiction", "dependence": "addiction",
    "dependency": "addiction", "dependent": "addiction", "habit": "addiction",
    "opiate": "opioid", "opiates": "opioid", "opioids": "opioid", "narcotic": "opioid",
    "stimulant": "stimulating", "stimulation": "stimulating", "energizing": "stimulating",
    "energy": "stimulating", "energetic": "stimulating", "wired": "stimulating",
    "stimulate": "stimulating", "upper": "stimulating", "stimulated": "stimulating",
    "stimulates": "stimulating",
    "strains": "strain", "varieties": "strain", "variety": "strain", "veins": "vein",
    "types": "strain", "type": "strain", "kinds": "strain",
    "risky": "risk", "risks": "risk", "warn": "risk", "warns": "risk", "warning": "risk",
    "warnings": "risk", "caution": "risk", "cautious": "risk", "careful": "risk", "dangerous": "risk", "danger": "risk", "dangers": "risk",
    "harmful": "risk", "unsafe": "risk", "safe": "safety", "safety": "safety",
    "studies": "research", "study": "research", "science": "research", "scientific": "research",
    "evidence": "research", "researchers": "research", "scientists": "research",
    "trials": "research", "proof": "research", "proven": "research",
    "neurotransmitters": "neurotransmitter",
    "serotonine": "serotonin", "serotonina": "serotonin", "relajante": "relax",
    "relaxante": "relax", "relaxant": "relax", "entspannend": "relax", "sueno": "sleep",
    "sueño": "sleep", "sommeil": "sleep", "sono": "sleep", "schlaf": "sleep", "dormir": "sleep",
    "riesgos": "risk", "risques": "risk", "riscos": "risk", "risiken": "risk",
    "efectos": "effect", "effets": "effect", "efeitos": "effect", "wirkung": "effect",
    "investigacion": "research", "recherche": "research", "pesquisa": "research",
    "forschung": "research", "alcaloides": "alkaloid", "alcaloïdes": "alkaloid",
    "alkaloide": "alkaloid", "cepas": "strain", "cepa": "strain", "tipo": "strain", "tipos": "strain", "variedades": "strain", "souches": "strain",
    "sorten": "strain", "melatonina": "melatonin", "mélatonine": "melatonin", "seratonin": "serotonin", "dopamin": "dopamine",
    "melatonine": "melatonin", "melatonen": "melatonin",
    "receptor": "receptor", "receptors": "receptor",
    "alkaloid": "alkaloid", "alkaloids": "alkaloid", "compounds": "alkaloid",
    "molecules": "alkaloid", "molecule": "alkaloid",
    "compound": "alkaloid", "chemicals": "alkaloid", "chemical": "alkaloid",
    "ingredients": "alkaloid", "ingredient": "alkaloid", "constituents": "alkaloid",
    "nauseous": "nausea", "nauseated": "nausea", "queasy": "nausea", "vomiting": "nausea",
    "dizzy": "dizziness", "lightheaded": "dizziness", "constipated": "constipation",
    "conclude": "conclusion", "conclusions": "conclusion", "summary": "conclusion",
    "summarize": "conclusion", "summarise": "conclusion", "verdict": "conclusion",
    "bottom": "conclusion", "takeaway": "conclusion",
    "originate": "origin", "origins": "origin", "native": "origin", "comes": "origin",
    "come": "origin", "grows": "grow", "grown": "grow", "tree": "plant", "leaf": "plant",
    "leaves": "plant", "herb": "plant", "botanical": "plant",
    "works": "work", "working": "work", "mechanism": "work", "mechanisms": "work",
    "affect": "effect", "affects": "effect", "effects": "effect", "impact": "effect",
    "improve": "better", "improves": "better", "improved": "better", "improvement": "better",
    "enhance": "better", "helps": "help", "helpful": "help", "aid": "help",
    "quality": "quality", "duration": "longer", "longer": "longer",
    "mood": "mood", "happy": "mood", "happiness": "mood", "euphoria": "mood",
    "dose": "dose", "doses": "dose", "dosage": "dose", "dosing": "dose", "amount": "dose",
    "amounts": "dose", "quantity": "dose",
    "painkiller": "pain", "painrelief": "pain",
    "interactions": "interaction", "interact": "interaction", "interacts": "interaction",
    # Other languages: the article's topics in the words of the widget's other visitors.
    "mitraginina": "mitragynine", "mitragynin": "mitragynine", "dopamina": "dopamine",
    "neurotransmisores": "neurotransmitter", "neurotransmissores": "neurotransmitter",
    "neurotransmetteurs": "neurotransmitter", "neurotrasmettitori": "neurotransmitter",
    "neurotransmittern": "neurotransmitter",
    "opioides": "opioid", "opioidi": "opioid", "opioïdes": "opioid", "opioiden": "opioid",
    "opioidrezeptoren": "receptor", "opioïdreceptoren": "receptor", "receptores": "receptor",
    "récepteurs": "receptor", "recettori": "receptor", "rezeptoren": "receptor",
    "receptoren": "receptor", "reseptor": "receptor",
    "popular": "popular", "populaire": "popular", "popolare": "popular", "populer": "popular",
    "beliebt": "popular", "origen": "origin", "origem": "origin", "origine": "origin",
    "herkunft": "origin", "oorsprong": "origin", "asal": "origin", "alcaloidi": "alkaloid",
    "alkaloïden": "alkaloid", "rischi": "risk", "risico": "risk",
    "risiko": "risk", "risikonya": "risk", "ricerca": "research", "onderzoek": "research",
    "onderzocht": "research", "penelitian": "research", "riset": "research",
    "futura": "future", "futuro": "future", "futur": "future", "zukunft": "future",
    "toekomst": "future", "conclusión": "conclusion", "conclusao": "conclusion",
    "conclusão": "conclusion", "fazit": "conclusion", "conclusione": "conclusion",
    "conclusie": "conclusion", "kesimpulan": "conclusion", "tidur": "sleep", "sonno": "sleep",
    "slaap": "sleep", "schlafen": "sleep", "dormire": "sleep", "slapen": "sleep",
    "efek": "effect", "effetti": "effect", "effecten": "effect", "wirkungen": "effect",
    "ceppi": "strain", "soorten": "strain", "jenis": "strain", "variétés": "strain",
    "variété": "strain", "variedad": "strain", "variedade": "strain",
    "varietà": "strain", "variëteiten": "strain",
    "alternatives": "alternative",
}

_WORD_END = re.compile(r"(?<=\w{3})(?:ies|es|s|ing|ed|ly)$")


def _stem(word: str) -> str:
    if len(word) <= 4 or word.endswith("ss") or word[-1].isdigit():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("es") and not word[:-2].endswith(("s", "x", "z", "ch", "sh")):
        # "whites", "doses", "sedatives": the plural of a word ending in e, which keeps it
        # ("whit" would not meet "white"); "boxes", "watches" lose the whole "es".
        return word[:-1]
    return _WORD_END.sub("", word)


# A synonym's target is a term already: never stemmed. A set, not `SYNONYMS.values()`, which
# is searched word by word.
_CANONICAL = frozenset(SYNONYMS.values())


def terms(text: str) -> list[str]:
    """The content terms of `text`, before typo correction."""
    return _content_terms(normalise(text))


def _content_terms(norm: str) -> list[str]:
    for pattern, repl in PHRASES:
        norm = pattern.sub(repl, norm)
    out = []
    for word in norm.split():
        if word in STOPWORDS:
            continue
        word = SYNONYMS.get(word, word)
        out.append(word if word in _CANONICAL else _stem(word))
    return out



# What the index keeps of a phrasing: its content terms and its normalised text.
Analysis = tuple[tuple[str, ...], str]


def analyse(phrasing: str) -> Analysis:
    """A phrasing's content terms and normalised text, as the index holds them."""
    # The uncached normalise: an FAQ's phrasings are each seen once here and would only push
    # the questions out of its memo.
    norm = normalise.__wrapped__(phrasing)
    return tuple(_content_terms(norm)), norm


# Analyses made by the FAQ loader (fresh or from its cache) for the Matcher built next; keyed
# by the phrasing's text, of which they are a pure function, so a stale one is never wrong.
_remembered: dict[str, Analysis] = {}


def remember(analyses: dict[str, Analysis]) -> None:
    """Hand the next Matcher the analyses of its phrasings, replacing any earlier ones."""
    global _remembered
    _remembered = analyses


# How a phrasing's score is made: shared rare words (F1 of IDF-weighted terms), then fuzzy
# similarity of the content terms and of the whole normalised text (typos, word order).
F1_WEIGHT, FUZZY_WEIGHT, WHOLE_WEIGHT = 0.85, 0.10, 0.05
# A word the FAQ never uses weighs this share of the rarest word's weight (tuned with eval).
UNKNOWN_WEIGHT = 0.8
# The most the fuzzy parts can add, on the F1 scale: a phrasing whose F1 is further than this
# below the best one's never gets them (the exhaustive scoring's rule, kept exactly).
_LIFT = FUZZY_WEIGHT + WHOLE_WEIGHT
# Margin for float rounding in the pruning bounds: pruning only skips what is provably below.
_EPS = 1e-9


@dataclass(frozen=True, slots=True)
class Candidate:
    """An entry and how well it matched, from 0 to 1."""

    entry: Entry
    score: float


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where the scores divide answers, clarifications and fallbacks (tuned with
    `faq-bot eval` on tests/eval/*.yaml)."""

    answer: float = 0.46
    clarify: float = 0.38
    suggest: float = 0.38


class Matcher:
    """Ranks the entries of one FAQ against a question. Built once per loaded FAQ.

    Scoring is that of the exhaustive ranking (`rank(question, limit=None)`); the default
    ranking finds the same best entries, with the same scores, from an inverted index whose
    postings are ordered by phrasing weight, so most phrasings are never looked at.
    """

    def __init__(self, entries: tuple[Entry, ...], thresholds: Thresholds | None = None) -> None:
        self.entries = entries
        self.thresholds = thresholds or Thresholds()
        t = self.thresholds
        # A phrasing whose F1 part, even with the most the fuzzy parts add, stays under the
        # lines the engine looks at never gets them: they could not change a reply, and on a
        # big FAQ a question sharing one common word would compare against thousands.
        self._fuzzy_floor = min(t.clarify, t.suggest) - FUZZY_WEIGHT - WHOLE_WEIGHT
        self._phrasings: list[str] = []  # content terms, joined
        self._fulltext: list[str] = []  # normalised text with its stop words
        self._terms: list[frozenset[str]] = []
        self._owner: list[int] = []
        global _remembered
        known, _remembered = _remembered, {}  # taken once: no FAQ's analyses outlive its load
        vocab: list[set[str]] = []
        for index, entry in enumerate(entries):
            words: set[str] = set()
            for phrasing in entry.phrasings:
                found, norm = known.get(phrasing) or analyse(phrasing)
                words.update(found)
                self._phrasings.append(" ".join(found))
                self._fulltext.append(norm)
                self._terms.append(frozenset(found))
                self._owner.append(index)
            vocab.append(words)
        self._vocab = vocab
        # Each phrasing's normalised text to its entry (the first entry holding it).
        self._exact: dict[str, int] = {}
        for norm, owner in zip(self._fulltext, self._owner, strict=True):
            self._exact.setdefault(norm, owner)
        self._all_vocab = sorted(set().union(*vocab)) if vocab else []
        n = len(entries)
        df: dict[str, int] = dict.fromkeys(self._all_vocab, 0)
        for words in vocab:
            for w in words:
                df[w] += 1
        self._idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
        # A word the FAQ never uses weighs nearly as much as its rarest word: it is likely what
        # the question is about, and the FAQ does not cover it.
        self._unknown_idf = UNKNOWN_WEIGHT * math.log((n + 1) / 0.5)
        self._phrasing_weight = [sum(self._idf[w] for w in t) or 1.0 for t in self._terms]
        postings: dict[str, list[int]] = {}
        for i, phrasing_terms in enumerate(self._terms):
            for word in phrasing_terms:
                postings.setdefault(word, []).append(i)
        # Each posting list lightest phrasing first: a phrasing's F1 is bounded by a function of
        # its weight, so the phrasings worth scoring for a term form one stretch of its list.
        weight = self._phrasing_weight
        self._postings: dict[str, list[int]] = {}
        self._posting_weights: dict[str, list[float]] = {}
        for word, ids in postings.items():
            ids.sort(key=weight.__getitem__)  # stable: equal weights stay in phrasing order
            self._postings[word] = ids
            self._posting_weights[word] = [weight[i] for i in ids]
        self._by_initial: dict[str, list[str]] = {}
        for word in self._all_vocab:
            self._by_initial.setdefault(word[0], []).append(word)

    def _correct(self, word: str) -> str:
        if word in self._idf or len(word) < 6 or not word.isalpha():
            return word
        # Typos rarely change the first letter; requiring it keeps "best" from becoming "test".
        limit = 1 if len(word) <= 6 else 2
        choices = self._by_initial.get(word[0], [])
        hit = process.extractOne(word, choices, scorer=DamerauLevenshtein.distance,
                                 score_cutoff=limit)
        return hit[0] if hit else word

    def knows(self, word: str) -> bool:
        """True when `word` is one of the FAQ's own terms (after synonyms and stemming)."""
        found = terms(word)
        return bool(found) and all(t in self._idf for t in found)

    def phrasing_entry(self, question: str) -> Entry | None:
        """The entry with a phrasing that is `question` itself, once normalised, or None."""
        index = self._exact.get(normalise(question))
        return None if index is None else self.entries[index]

    def query_terms(self, question: str) -> list[str]:
        """The question's content terms, with typos corrected against the FAQ's vocabulary."""
        return list(dict.fromkeys(self._correct(w) for w in terms(question)))

    def rank(self, question: str, limit: int | None = 3, floor: float | None = None,
             alone: float | None = None) -> list[Candidate]:
        """The best entries for `question`, best first: the top one, then, unless it scores at
        least `alone` (default: the answer line), up to `limit` - 1 more scoring at least
        `floor` (default: the lower of the clarify and suggest lines). That is all the engine
        looks at; `limit=None` scores and returns every entry."""
        words = self.query_terms(question)
        if not words or not self.entries:
            return []
        if limit is None:
            return self._rank_all(question, words)
        t = self.thresholds
        floor = min(t.clarify, t.suggest) if floor is None else floor
        return self._rank_top(question, words, max(1, limit), floor,
                              t.answer if alone is None else alone)

    def _rank_all(self, question: str, words: list[str]) -> list[Candidate]:
        # The exhaustive ranking: every phrasing that shares a term is scored. The reference the
        # indexed ranking must agree with (tests/test_scale.py compares them).
        weight = {w: self._idf.get(w, self._unknown_idf) for w in words}
        total = sum(weight.values())
        # Only phrasings that share a term can reach the clarify line (the fuzzy parts alone
        # add at most FUZZY_WEIGHT + WHOLE_WEIGHT), so only they are scored.
        shared: dict[int, float] = {}
        for word in words:
            for i in self._postings.get(word, ()):
                shared[i] = shared.get(i, 0.0) + weight[word]
        f1: dict[int, float] = {}
        for i, common in shared.items():
            recall = common / total
            precision = common / self._phrasing_weight[i]
            f1[i] = 2 * recall * precision / (recall + precision)
        if not f1:
            return [Candidate(entry, 0.0) for entry in self.entries]
        # The fuzzy parts can lift a phrasing by at most FUZZY_WEIGHT + WHOLE_WEIGHT: only the
        # phrasings that could then still reach the best one are worth the string comparisons.
        reach = max(F1_WEIGHT * max(f1.values()) - FUZZY_WEIGHT - WHOLE_WEIGHT,
                    self._fuzzy_floor)
        query, full = " ".join(words), normalise(question)
        best = [0.0] * len(self.entries)
        for i, value in f1.items():
            score = F1_WEIGHT * value
            if score >= reach:
                score += (FUZZY_WEIGHT * fuzz.token_sort_ratio(query, self._phrasings[i])
                          + WHOLE_WEIGHT * fuzz.token_sort_ratio(full, self._fulltext[i])) / 100
            owner = self._owner[i]
            if score > best[owner]:
                best[owner] = score
        # The weights add up to one; rounding can leave a perfect match a hair above it.
        ranked = [Candidate(entry, min(1.0, best[i])) for i, entry in enumerate(self.entries)]
        ranked.sort(key=lambda c: c.score, reverse=True)
        return ranked

    def _f1_near_best(self, words: list[str], weight: dict[str, float], total: float,
                      floor_f1: float, alone: float) -> dict[int, float]:
        """F1 of every phrasing within _LIFT of the best F1 or at least `floor_f1` (and maybe
        some more): the only ones that can be among the best entries."""
        known = sorted((w for w in words if w in self._postings), key=weight.__getitem__,
                       reverse=True)
        # A phrasing first met in the list of known[j] holds no rarer query term (or was proven
        # too weak there), so what it shares weighs at most suffix[j], and at most its own
        # weight W: its F1 = 2 * shared / (total + W) <= 2 * min(W, suffix[j]) / (total + W).
        suffix = [0.0] * (len(known) + 1)
        for j in range(len(known) - 1, -1, -1):
            suffix[j] = suffix[j + 1] + weight[known[j]]
        f1: dict[int, float] = {}
        best = 0.0
        cut = -1.0  # nothing is ruled out before the first phrasing is scored
        terms_of, phrasing_weight = self._terms, self._phrasing_weight
        for j, word in enumerate(known):
            most = suffix[j]
            ids, weights = self._postings[word], self._posting_weights[word]
            start = 0
            if cut > 0:
                # Lighter phrasings: 2W / (total + W) < cut.
                start = bisect_left(weights, cut * total / (2 - cut) * (1 - _EPS))
            for k in range(start, len(ids)):
                w_i = weights[k]
                # Heavier phrasings: past `most`, the bound falls as W grows.
                if cut > 0 and w_i > most and 2 * most / (total + w_i) < cut:
                    break
                i = ids[k]
                if i in f1:
                    continue
                ts = terms_of[i]
                common = 0.0
                for w in words:  # in question order, as the exhaustive sum adds them
                    if w in ts:
                        common += weight[w]
                recall = common / total
                precision = common / phrasing_weight[i]
                value = 2 * recall * precision / (recall + precision)
                f1[i] = value
                if value > best:
                    best = value
                    # Once the best entry will score `alone` or more, no other is listed.
                    cut = self._cut(best, floor_f1 if F1_WEIGHT * best < alone else math.inf)
        return f1

    def _cut(self, best: float, floor_f1: float) -> float:
        """The F1 under which a phrasing cannot matter, once one has F1 `best`: it gets no
        fuzzy part (under reach or the fuzzy floor), so it cannot beat or tie the best one, nor
        reach `floor_f1` (the listing floor on the F1 scale)."""
        fuzzy_from = self._fuzzy_floor / F1_WEIGHT
        if best < fuzzy_from:
            return min(best, floor_f1) - _EPS
        return min(max(best - _LIFT / F1_WEIGHT, fuzzy_from), floor_f1) - _EPS

    def _rank_top(self, question: str, words: list[str], limit: int, floor: float,
                  alone: float) -> list[Candidate]:
        weight = {w: self._idf.get(w, self._unknown_idf) for w in words}
        total = sum(weight.values())
        f1 = self._f1_near_best(words, weight, total, floor / F1_WEIGHT, alone)
        if not f1:
            return [Candidate(entry, 0.0)
                    for entry in self.entries[:limit if floor <= 0 else 1]]
        reach = max(F1_WEIGHT * max(f1.values()) - FUZZY_WEIGHT - WHOLE_WEIGHT,
                    self._fuzzy_floor)
        query, full = " ".join(words), normalise(question)
        best: dict[int, float] = {}
        top = 0.0  # the best entry's score so far
        kth = -1.0  # a lower bound of the limit-th best entry's score, once there are that many
        floor_cap = min(1.0, floor)
        for n, i in enumerate(sorted(f1, key=f1.__getitem__, reverse=True)):
            score = F1_WEIGHT * f1[i]
            within = score >= reach
            # Scores can only fall from here (F1 falls, and past `reach` no fuzzy part is added):
            # stop when this one could neither enter the best `limit` nor be the best while
            # under the floor or once the best stands alone. Scores are capped at 1.0 below, so
            # the comparisons are too.
            most = score + _LIFT if within else score
            top_cap = min(1.0, top)
            if most < min(1.0, kth) or (most < top_cap and (most < floor_cap or top_cap >= alone)):
                break
            if within:
                score += (FUZZY_WEIGHT * fuzz.token_sort_ratio(query, self._phrasings[i])
                          + WHOLE_WEIGHT * fuzz.token_sort_ratio(full, self._fulltext[i])) / 100
            owner = self._owner[i]
            if score > best.get(owner, 0.0):
                best[owner] = score
                top = max(top, score)
            if n % 32 == 31 and len(best) >= limit:
                kth = sorted(best.values(), reverse=True)[limit - 1]
        # Best first; equal scores in FAQ order, as the exhaustive ranking's stable sort leaves them.
        ranked = sorted(((min(1.0, s), i) for i, s in best.items()),
                        key=lambda pair: (-pair[0], pair[1]))
        out = [Candidate(self.entries[i], s) for s, i in ranked[:limit]]
        if out[0].score >= alone:
            return out[:1]
        out = out[:1] + [c for c in out[1:] if c.score >= floor]
        if len(out) < limit and floor <= 0:
            # Entries that share no term score 0 and follow, in FAQ order.
            out += [Candidate(entry, 0.0) for i, entry in enumerate(self.entries)
                    if i not in best][:limit - len(out)]
        return out
