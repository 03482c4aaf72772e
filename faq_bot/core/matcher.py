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
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from faq_bot.core.faq.model import Entry
from faq_bot.core.normalize import normalise

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
        (r"when it comes to|as for|regarding|with regard to|in terms of|eli5|explain like i am (?:five|5)|like i am (?:five|5)|in simple terms|in plain english", " "),
        (r"turn(?:s|ed|ing)? to|tak(?:e|es|ing) up|tr(?:y|ies|ying) out|get(?:ting)? into", "use"),
        (r"(?:the )?science (?:behind|of)|how (?:it|kratom) works", "work"),
        (r"figure out|find out|still learning|(?:do|does|did) (?:we |you |they |scientists |researchers |people )?not know|don t know|open questions?|gaps?|not (?:yet )?(?:known|understood)", "unknown"),
        (r"keeps? (?:\w+ ){0,2}(?:up|awake)|wakes? (?:\w+ ){0,2}up|gives? (?:\w+ ){0,2}energy", "stimulating"),
        (r"feel(?:s|ing)? (?:good|great|happy|happier|better about)", "mood"),
        (r"settled|early days|conclusive|definitive|all figured out", "unknown"),
    )
)
SYNONYMS = {
    "kratum": "kratom", "kratoms": "kratom", "ketum": "kratom", "kratum's": "kratom",
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
    "ceppi": "strain", "soorten": "strain", "jenis": "strain",
    "alternatives": "alternative",
}

_WORD_END = re.compile(r"(?<=\w{3})(?:ies|es|s|ing|ed|ly)$")


def _stem(word: str) -> str:
    if len(word) <= 4 or word.endswith("ss") or word[-1].isdigit():
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    return _WORD_END.sub("", word)


def terms(text: str) -> list[str]:
    """The content terms of `text`, before typo correction."""
    norm = normalise(text)
    for pattern, repl in PHRASES:
        norm = pattern.sub(repl, norm)
    out = []
    for word in norm.split():
        if word in STOPWORDS:
            continue
        word = SYNONYMS.get(word, word)
        out.append(_stem(word) if word not in SYNONYMS.values() else word)
    return out


# How a phrasing's score is made: shared rare words (F1 of IDF-weighted terms), then fuzzy
# similarity of the content terms and of the whole normalised text (typos, word order).
F1_WEIGHT, FUZZY_WEIGHT, WHOLE_WEIGHT = 0.85, 0.10, 0.05
# A word the FAQ never uses weighs this share of the rarest word's weight (tuned with eval).
UNKNOWN_WEIGHT = 0.8


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
    """Ranks the entries of one FAQ against a question. Built once per loaded FAQ."""

    def __init__(self, entries: tuple[Entry, ...], thresholds: Thresholds | None = None) -> None:
        self.entries = entries
        self.thresholds = thresholds or Thresholds()
        self._phrasings: list[str] = []  # content terms, joined
        self._fulltext: list[str] = []  # normalised text with its stop words
        self._terms: list[frozenset[str]] = []
        self._owner: list[int] = []
        vocab: list[set[str]] = []
        for index, entry in enumerate(entries):
            words: set[str] = set()
            for phrasing in entry.phrasings:
                found = terms(phrasing)
                words.update(found)
                self._phrasings.append(" ".join(found))
                self._fulltext.append(normalise(phrasing))
                self._terms.append(frozenset(found))
                self._owner.append(index)
            vocab.append(words)
        self._vocab = vocab
        self._all_vocab = sorted(set().union(*vocab)) if vocab else []
        n = len(entries)
        df = {w: sum(w in v for v in vocab) for w in self._all_vocab}
        self._idf = {w: math.log((n + 1) / (c + 0.5)) for w, c in df.items()}
        # A word the FAQ never uses weighs nearly as much as its rarest word: it is likely what
        # the question is about, and the FAQ does not cover it.
        self._unknown_idf = UNKNOWN_WEIGHT * math.log((n + 1) / 0.5)
        self._phrasing_weight = [sum(self._idf[w] for w in t) or 1.0 for t in self._terms]
        self._postings: dict[str, list[int]] = {}
        for i, phrasing_terms in enumerate(self._terms):
            for word in phrasing_terms:
                self._postings.setdefault(word, []).append(i)
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

    def query_terms(self, question: str) -> list[str]:
        """The question's content terms, with typos corrected against the FAQ's vocabulary."""
        return list(dict.fromkeys(self._correct(w) for w in terms(question)))

    def rank(self, question: str) -> list[Candidate]:
        """Every entry scored against `question`, best first."""
        words = self.query_terms(question)
        if not words or not self.entries:
            return []
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
        reach = F1_WEIGHT * max(f1.values()) - FUZZY_WEIGHT - WHOLE_WEIGHT
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
