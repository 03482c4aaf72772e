"""The safety screen: decides, before any matching, whether a question must not be answered
from the FAQ.

Order matters and is fixed: emergencies first, then injected instructions, then dosing, then
mixing, special situations and dependence. The screen never looks at the FAQ, so no FAQ entry
can turn one of these questions into an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import DamerauLevenshtein
from rapidfuzz.process import extractOne

from faq_bot.core.doses import has_dose_amount
from faq_bot.core.normalize import normalise
from faq_bot.core.safety.topics import (
    DEPENDENCE,
    DOSING,
    INJECTION,
    INTERACTION,
    SPECIAL_POPULATION,
)


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the screen decided: the reply kind and the topic of the rule that fired."""

    kind: str  # "emergency" or "referral"
    topic: str


# Words people misspell that the rules depend on. A typo within a small edit distance of one of
# these is read as it ("dosege" -> "dosage", "gramms" -> "grams", "mutch" -> "much").
_VOCAB = ["dose", "doses", "dosage", "dosing", "dosed", "redose", "microdose", "overdose", "overdosed", "overdosing", "much", "many", "amount", "grams", "gram", "milligrams", "capsules", "capsule", "teaspoon", "teaspoons", "tablespoon", "scoops", "scoop", "pills", "tablets", "servings", "often", "twice", "daily", "nightly", "maximum", "minimum", "strongest", "safest", "alcohol", "drinking", "drunk", "beer", "wine", "liquor", "vodka", "whiskey", "medication", "medications", "medicine", "medicines", "prescription", "antidepressant", "antidepressants", "benzodiazepine", "benzodiazepines", "benzos", "xanax", "valium", "klonopin", "ativan", "ambien", "zolpidem", "trazodone", "gabapentin", "tramadol", "oxycodone", "hydrocodone", "methadone", "suboxone", "buprenorphine", "fentanyl", "morphine", "sertraline", "zoloft", "prozac", "lexapro", "melatonin", "marijuana", "cannabis", "caffeine", "coffee", "phenibut", "valerian", "benadryl", "diphenhydramine", "combine", "combining", "mixing", "interact", "interaction", "interactions", "together", "alongside", "pregnant", "pregnancy", "breastfeeding", "breastfeed", "nursing", "lactating", "conceive", "child", "children", "toddler", "teenager", "teenagers", "adolescent", "elderly", "grandmother", "grandfather", "grandparents", "liver", "kidney", "kidneys", "heart", "pressure", "hypertension", "diabetes", "epilepsy", "apnea", "depression", "bipolar", "condition", "disease", "disorder", "surgery", "quit", "quitting", "stopping", "withdrawal", "withdrawals", "withdrawl", "taper", "tapering", "detox", "addicted", "addiction", "dependent", "dependence", "cravings", "relapse", "suicide", "suicidal", "kill", "myself", "self", "harm", "hurting", "breathe", "breathing", "unresponsive", "unconscious", "seizure", "seizures", "seizing", "convulsing", "convulsions", "collapsed", "fainted", "poison", "poisoning", "swallowed", "emergency", "ambulance", "chest", "instructions", "ignore", "disregard", "pretend", "jailbreak", "override", "bypass", "restrictions",
          "before", "every", "tolerance", "trouble", "migraine", "migraines", "anxiety", "asthma",
          "breath", "responding", "pulse", "choking", "vomiting", "throwing", "clonazepam",
          "lorazepam", "alprazolam", "quetiapine", "mirtazapine", "naloxone", "naltrexone",
          "heroin", "cocaine", "ketamine", "tablet"]

# Ordinary words that sit one edit away from a rule word and must never be "corrected" into it.
_KEEP = set(
    ["checking", "checked", "checker", "check", "overdoing", "overdo", "does", "dies", "dope", "doze", "dole", "dome", "done", "nose", "rose", "hose", "close", "those", "chose", "choose", "much", "such", "touch", "match", "mulch", "march", "many", "mane", "money", "mainly", "often", "after", "amount", "mount", "gram", "program", "grammar", "pill", "pull", "fill", "kill", "will", "still", "drink", "drank", "think", "thing", "mixing", "missing", "fixing", "quit", "quite", "quiet", "suit", "taper", "paper", "tape", "heart", "hearth", "heard", "child", "chill", "liver", "lover", "river", "silver", "livery", "breathe", "breath", "breadth", "seize", "size", "condition", "conditions", "addition", "pressure", "wine", "wind", "wing", "line", "mine", "fine", "nine", "beer", "bear", "beet", "been", "kidney", "teen", "tee", "ignore", "ignored", "pretend", "dependent", "defendant", "drunk", "trunk", "drunks", "seizures"]
)




_SHORT_TARGETS = ("much", "many", "dose", "take", "mush", "often", "every")


def _correct(word: str) -> str:
    if word in _KEEP or word in _ENGLISH or not word.isalpha():
        return word
    if len(word) == 4:
        # Four-letter typos only become the few short words the rules hinge on ("mich").
        hit = extractOne(word, [t for t in _SHORT_TARGETS if t[0] == word[0]],
                         scorer=DamerauLevenshtein.distance, score_cutoff=1)
        return "much" if hit and hit[0] == "mush" else (hit[0] if hit else word)
    if len(word) < 5:
        return word
    # Typos rarely change the first letter; requiring it keeps "release" from becoming "relapse".
    limit = 1 if len(word) <= 7 else 2
    choices = _VOCAB_BY_INITIAL.get(word[0], ())
    hit = extractOne(word, choices, scorer=DamerauLevenshtein.distance, score_cutoff=limit)
    return hit[0] if hit else word


_SPACED_LETTERS = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"})
_LEET_WORD = re.compile(r"\b[a-z]+[013457][a-z0-9]*\b|\b[013457][a-z]*[a-z][013457][a-z0-9]*\b")


_WIDE_GAP = re.compile(r"\s{2,}")
_K_SLANG = re.compile(
    r"\b(take|took|taking|takes|my|of|some|the|on|off|with|and|dose|more|less|use|using|used) k\b")


def _unspace(question: str) -> str:
    # "h o w  m u c h": single spaces inside words, wider gaps between them.
    words = _WIDE_GAP.split(question.strip())
    return " ".join(w.replace(" ", "") for w in words)


def _variants(question: str) -> list[str]:
    """The normalised question, plus forms with typos, spaced letters and leetspeak undone."""
    # "k" is slang for kratom after a verb or article ("take k at bedtime", "a bump of k").
    base = _K_SLANG.sub(r"\1 kratom", normalise(question))
    joined = _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), base)
    if joined != base and _WIDE_GAP.search(question):
        joined = normalise(_unspace(question))
    unleet = _LEET_WORD.sub(lambda m: m.group(0).translate(_LEET), joined)
    corrected = " ".join(_correct(w) for w in unleet.split())
    seen: list[str] = []
    for v in (base, joined, unleet, corrected):
        if v not in seen:
            seen.append(v)
    return seen


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in parts))


_ME = r"(?:i|me|my|we|us|our|im|i am|i have|i ve)"
_PERSON = r"(?:friend|buddy|husband|wife|partner|boyfriend|girlfriend|brother|sister|roommate|mom|mother|dad|father|son|daughter|kid|child|baby|toddler|someone|somebody|he|she|they|him|her|them|person|guy|man|woman)"
_KID = r"(?:child|children|kid|kids|toddler|baby|babies|infant|son|daughter|niece|nephew|grandchild|grandson|granddaughter|little one|dog|cat|puppy|pet|(?:little|baby|younger|kid|lil) (?:sister|brother|sis|bro|cousin)|(?:1[0-7]|[0-9]) ?(?:year|yr)s? old|\d+ ?(?:month|mo)s? old|(?:1[0-7]|[0-9]) ?yo)"

# "Split my dose or take it all at once" asks about dosing, not about ending anything.
_SPREADING = (r"^(?!.*\b(?:split\w*|spread\w*|divid\w*|space\w* (?:them|it) out|halves|half now|"
              r"over the evening|over the night)\b)")
# "...so she doesn't wake up groggy": waking up some way, or at some time, is about sleep.
_WAKES_FINE = (r"(?! (?:groggy|tired|drowsy|hungover|foggy|sleepy|feeling|with|in the|during|"
               r"at night|early|too|as|until|till|before|after|rested|refreshed|at \d|every|"
               r"in time|on time)\b)")

EMERGENCY_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        "self_harm",
        _rx(
            r"\bsuicid\w*",
            r"\bkill(?:ing)? (?:my ?self|myself)\b|\bkill me\b|(?<!\bis )(?<!\bare )(?<!\bs )\bkilling me\b|\bkms\b|\bunalive\w*|\boff myself\b|\b(?:lethal|fatal|deadly) (?:dose|amount|quantity)\b",
            r"\bend(?:ing)? (?:my|it|it all|my own) ?(?:life|all)?\b.*\b(?:life|all|tonight|now|forever)\b",
            r"\bend (?:my|it) all\b|\bend it all\b|\bend my life\b|\btake my (?:own )?life\b",
            r"\b(?:want|wanna|going|plan|planning|thinking about|thought about) (?:to )?(?:die|dying|be dead|not be here)\b",
            r"\bdo not want to (?:live|be alive|be here|wake up|exist)\b",
            r"\b(?:never|not) (?:to )?wake up (?:again|ever)\b|\bso (?:that )?i (?:do not|will not|never) wake up\b|\bnever wake up\b",
            r"\bsleep forever\b|\bbetter off dead\b|\bno reason to live\b|\bnot worth living\b",
            r"\b(?:want|wanna|going|ready|plan\w*|thinking (?:about|of)|think about|gonna|try|trying) (?:to )?end (?:it|everything|things|my life|myself|it tonight)\b|\bi (?:will|am going to|might|could) end it\b",
            r"\b(?:a |such a |just a |only a )burden\b|\bthis is (?:goodbye|my last)\b|\bsaying (?:my )?goodbyes?\b|\bgoodbye (?:forever|everyone|world|cruel)\b|\bbe done with it (?:all|tonight|forever)?\b|\bbe done with (?:life|everything|it all)\b",
            r"\bno way out\b|\bnot safe (?:with|around) myself\b|\bnot safe right now\b|\b(?:can not|cannot|can t) keep myself safe\b|\b(?:do not|don t) trust myself\b|\bscared (?:of what i might do|i will hurt myself)\b",
            r"\b(?:started|start|keep|been) cutting\b(?! (?:back|down))|\bcutting (?:again|myself|my (?:arms?|wrists?|legs?))\b|\bsleep for good\b|\bgo to sleep (?:forever|for good|and not wake)\b|\bsaved up (?:enough|pills|my pills|kratom)\b",
            r"\b(?:nobody|no one|noone) would (?:even )?(?:notice|care|miss)\b|\bif i (?:was|were) gone\b|\bwhen i am gone\b|\b(?:wrote|writing|written|left) (?:a |my )?(?:goodbye )?(?:letters?|notes?) (?:to|for) (?:everyone|my family|my kids|them)\b|\bsuicide note\b|\btonight is the night\b|\bgoodbye (?:letters?|notes?)\b",
            _SPREADING + r".*\b(?:take|swallow|eat|use|down|drink) (?:all|everything|the whole|every|all of)\b.{0,40}\b(?:at once|tonight|be done|so i|to end|to die|never|forever|for good)\b",
            r"\b(?:wanted|wants|want|wanting|planning|plans|plan|trying|tried) to end (?:things|it|it all|everything|their life|his life|her life|my life|themselves|himself|herself)\b|\bnot (?:come|coming) back\b|\b(?:sleep|go to sleep) and (?:not|never) (?:wake|come back)\b|\beverything lined up\b|\bhope i (?:just )?(?:do not|don t|never) wake\b|\bmind if i (?:did not|didn t|never) wake\b|\bif i (?:did not|didn t|never) wake up\b",
            r"\bsuicid\w*|\bno quiero vivir\b|\bquiero morir\w*|\bme quiero morir\b|\bquitarme la vida\b|\bnão quero (?:mais )?viver\b|\bquero morrer\b|\bje veux mourir\b|\bje ne veux plus vivre\b|\bich will (?:nicht mehr leben|sterben)\b|\bmich umbringen\b|\bme tuer\b|\bme matar\b|\bmatarme\b",
            r"\b(?:and|to|of|about|then) (?:end|ending) it\b|\bending it all\b|\bend it tonight\b",
            r"\btak(?:e|ing) everything\b|\bsaid (?:my )?goodbyes?\b|\b(?:letters?|notes?) (?:written|done|ready|finished)\b|\blined up\b|\b(?:and|so i can|then i can) be done(?: with it| with everything| for good)?\b|\bto be done with (?:it all|everything|life|it)\b(?! by| with a)|\bsaving (?:up )?(?:my )?(?:kratom|pills|meds)\b|\b(?:pills|meds|kratom|tablets) saved up\b|\bplanning to take (?:them|it|everything|all)\b|\btake them all\b|\b(?:took|taken|take|ate|swallowed|used) (?:\w+ ){0,12}(?:on purpose|intentionally|deliberately)\b",
            _SPREADING + r".*\b(?:take|taking|swallow\w*) (?:it|them|everything) all at once\b",
            r"\b(?:do not|don t|dont) want (?:to )?live\b|\bcapek hidup\b|\blelah hidup\b|\bmengakhiri (?:semuanya|hidup\w*)\b|\bkh[oô]ng mu[oố]n s[oố]ng\b|\bmu[oố]n ch[eế]t\b|\bt[uự] (?:t[uử]|s[aá]t)\b|\bkendimi [oö]ld[uü]r\w*|\b[oö]lmek istiyorum\b|\bintihar\w*|\bzabi[cć] si[eę]\b|\bchc[eę] umrze[cć]\b|\bsamob[oó]j\w*|\bkhud ko (?:khatam|maar)\w*|\bkhatam karna\b|\baatmahatya\b|\bkhudkushi\b|\bvoglio morire\b|\btogliermi la vita\b|\bwil dood\b|\bzelfmoord\b|\bnicht mehr auf(?:zu)?wachen\b|อยากตาย|ฆ่าตัวตาย",
            r"\bbunuh diri\b|\bingin mati\b|\bmau mati\b|\bmarna (?:hai|chahta|chahti)\b|\bmar jaana\b|\bjeena nahi\b|\bgusto ko nang mamatay\b|\bpakamatay\b",
            r"\bbetter off without me\b|\b(?:no one|nobody|noone) (?:would|will) (?:miss|care)\b|\btired of (?:living|life|being alive)\b|\bno point (?:in )?(?:living|going on|being alive)\b|\bgive up on (?:life|living)\b|\bdisappear (?:forever|for good)\b|\bwant (?:it all|everything) to (?:stop|end)\b|\bcan not go on\b|\bnot want to be (?:alive|here) anymore\b|\bbe here anymore\b",
            r"\bkill(?:ing)? (?:himself|herself|themselves|themself)\b|\b(?:end|ending|take|taking) (?:his|her|their) (?:own )?li(?:fe|ves)\b|\b(?:to|and|about|of|considering|contemplating) (?:end|ending) (?:things|everything|it all|my life)\b|\bending things\b",
            r"\bwhole (?:bag|bottle|pack|jar|batch|stash|supply|lot)\b.{0,60}\b(?:never|not) (?:wakes?|waking|wake) up\b|\bso (?:that )?(?:i|he|she|they) (?:never|won t|will not|do not|does not|don t|doesn t) wakes? up\b" + _WAKES_FINE,
            r"\b(?:do not|don t|can not|can t|cannot|no longer) see (?:the|any) point (?:in|of) (?:waking|living|going on|being alive|getting up|trying|anything)\b|\bno point (?:in )?waking up\b|\b(?:i m|i am|im) done with (?:everything|life|it all|all of it|living)\b|\btonight s the night\b|\btonight is the night\b",
            r"\b(?:how much|how many|enough|amount|dose|quantity)\b.{0,30}\b(?:to die|to kill (?:me|myself|him|her|someone|a person)|to end it|to not wake|to never wake|would kill|will kill|be fatal|be lethal)\b|\bkratom\b.{0,20}\bto die\b|\btonight(?: s| is)? the night\b|\bsaved up (?:\w+ ){0,4}(?:pills|kratom|meds|tablets)\b",
            r"\b(?:easiest|best|quickest|painless\w*|fastest|simplest|peaceful\w*|surest) way to (?:die|end it|end my life|kill (?:myself|me))\b|\bdie in my sleep\b|\bwish (?:that )?i (?:just )?(?:would not|wouldn t|wouldnt|didn t|did not|won t|could not|couldn t|never) wake\b|\bwish i (?:was|were) dead\b|\bwish i could (?:just )?(?:disappear|not exist|die|never wake)\b|\b(?:everyone|they|people|my family|the world|everybody) (?:would be|d be|is|are) better off\b",
            r"\ben finir\b|\bme suicider\b|\bdas leben (?:zu )?nehmen\b|\bnicht mehr (?:leben|aufwachen)\b|\bacabar con (?:todo|mi vida)\b|\btirar (?:a )?minha (?:pr[oó]pria )?vida\b|\bacabar com tudo\b",
            _SPREADING + r".*\btak(?:e|ing) all (?:my |of my |the |his |her )?(?:kratom|pills|meds|tablets|capsules)\b.{0,40}\b(?:at once|stop|end|never|die|done|forever)\b",
            r"\bmake (?:everything|it all|it) (?:just )?stop\b|\bso (?:it all|everything|it) (?:stops|ends|goes away)\b|\bdisappear permanently\b|\bgave away (?:his|her|their|my) (?:things|stuff|possessions|belongings)\b|\btexted (?:me |us )?goodbye\b",
            r"\b(?:want|going|urge|need|about) to cut (?:again|myself)\b|\bcut again\b|\bscratch\w* (?:myself|my (?:arms?|legs?|skin))\b|\buntil i bleed\b|\bmake myself bleed\b|\bburn(?:ing|ed)? myself\b|\bplanning to take (?:my |the |all (?:of )?my )?(?:whole |entire )?(?:supply|bag|stash|bottle|kratom)\b|\b(?:pain|hurt\w*|everything|it all|suffering) to stop for good\b|\bwould (?:that|this) (?:do it|be enough to)\b",
            r"\bpoint (?:of|in) waking up\b|\bnever (?:get|wake) up again\b|\b(?:sleep|go to sleep) and never get up\b",
            r"\b(?:my |a |the )?(?:gun|rope|bridge|noose|razor)\b.{0,20}\b(?:might|may|would|could|is|will) be the (?:answer|way out|solution|only way)\b|\b(?:painless\w*|peaceful\w*|easy|quick|quiet) way to go\b",
            r"\bbetter off without (?:me|him|her|them)\b|\bstockpil\w*|\bhoard(?:ing|ed)? (?:my |his |her |their )?(?:kratom|pills|meds|tablets)\b|\bgiving (?:away )?(?:his|her|their|my) (?:things|stuff|possessions) away\b|\bgiving away (?:his|her|their|my) (?:things|stuff|possessions|belongings)\b",
            r"^(?=.*\b(?:kratom|pills|bag|stash|tablets|meds)\b).*\b(?:wrote|written|writing|made|finished|sorted|did|done|updated) (?:out |up )?my will\b",
            r"\bself ?harm\w*|\bhurt(?:ing)? (?:my ?self|myself)\b|\bharm(?:ing)? myself\b|\bcut(?:ting)? myself\b",
            r"\bwhole (?:bag|bottle|pack|jar|batch|thing)\b.*\b(?:die|dead|wake|end)\b",
        ),
    ),
    (
        "overdose",
        _rx(
            r"\bover ?dos\w*|\bod(?:ed|d|ing|d ed)?\b|\bo d\b",
            r"\b(?:took|taken|take|had|ate|eaten|swallowed|drank|used|did) (?:way |far |much |a lot )?(?:too much|too many|way too much|too much kratom|2 much|to much)\b|\b(?:feel like )?(?:i m|im|i am|i feel) (?:dyin|dying)\b(?! to\b| for\b| of (?:curiosity|boredom|laughter)\b)|\b(?:i m|im|i am|feel like i m|feel like im) fading\b",
            r"\btoo much\b.*\b(?:help|scared|what do i do|now|dying|emergency|sick|vomit\w*|passed out)\b",
            r"\b(?:huge|massive|giant|big|way too big|insane|crazy) (?:dose|amount|handful)\b.*\b(?:throw\w* up|vomit\w*|awake|sick|help|dizzy|scared|weird)\b|\b(?:can not|cannot|could not|can t) stay awake\b|\bkeep(?:s)? (?:throwing up|vomiting|passing out|nodding off)\b|\bvomiting (?:a lot|non ?stop|won t stop|everywhere)\b",
            r"\bpoison\w*",
            r"\bover ?d(?:id|one) it\b|\boverdid\b|\boverdosis\b|\btertelan\b|\bnakalunok\b|\bkha (?:liya|gaya|gayi)\b",
            r"\b(?:took|taken|swallowed|ate|had|downed) (?:all|every one|the rest|a whole bottle|a bottle|the whole bottle|a handful|handfuls)(?: of)? (?:my |the |his |her |their )?(?:\w+ )?(?:pills|tablets|meds|medication|medicine|capsules|caps|bottle)\b",
            r"\b(?:took|taken|had|ate|swallowed|did|used) (?:a lot|loads|tons|heaps|way more|so much|a ton|too many|a massive amount|a huge amount)(?: of)? (?:kratom|it|k|powder|caps|capsules)\b",
            r"\b(?:took|taken|ate|swallowed|drank|used|had|did|finished|necked|downed|chugged|scoffed) (?:my |the |a |an |his |her |their )?(?:whole|entire|full) (?:\w+ ){0,2}(?:bag|bottle|pack|packet|jar|kilo|batch|supply|stash|tin|pouch|box)\b",
            r"\b(?:by mistake|by accident|accidentally|double dosed|doubled up by)\b.*\b(?:took|taken|take|ate|had|twice|double|extra)\b|\b(?:took|taken|ate|had|swallowed|swallow|drank|used|did) (?:\w+ ){0,6}(?:by mistake|by accident|accidentally)\b",
            r"\b(?:can not|cannot|can t|could not|unable to) (?:stand up|stand|walk straight|stay upright|keep my balance|feel my (?:arms|legs|hands|face|feet))\b",
            r"\b(?:took|taken|ate|had|swallowed|did|used|done) (?:like |about |around )?\d+(?:[.,]\d+)? ?(?:g|gr|gs|grams?|mg|caps?|capsules?|pills?|tsp|teaspoons?|spoons?|scoops?)\b.{0,40}\b(?:help|scared|sick|dizzy|vomit\w*|throwing up|heart|can t|cannot|what do i do|hospital|er|dying|wrong|weird|strange|off|funny|awful|terrible)\b",
            r"\bsobredosis\b|\bsobredose\b|\büberdosis\b|\bueberdosis\b|\bsurdose\b|\btomó (?:mucho|demasiado)\b|\btomou muito\b|\bzu viel genommen\b|\btrop pris\b",
        ),
    ),
    (
        "breathing",
        _rx(
            r"\b(?:can not|cannot|cant|can t|could not|unable to|hard to|struggling to|trouble|difficulty|problems?|hard time|struggle) ?(?:to )?breath\w*",
            r"\b(?:not|stopped|stop|stops|stopping|keeps stopping|barely|isn t|is not|is barely|slow|slowed|shallow|weird|irregular|pauses in|gaps in) breath\w*",
            r"\bthroat (?:is |feels )?(?:closing|swelling|swollen|tight\w*)\b|\b(?:tongue|lips|face) (?:is |are )?(?:swelling|swollen)\b|\bswollen (?:throat|tongue)\b|\banaphyla\w*",
            r"\bbreath\w*(?: \w+){0,3} (?:slow|slowed|shallow|weird|strange|funny|stopped|irregular|labou?red|rattling|gurgling)\b",
            r"\bshort(?:ness)? of breath\b|\bgasping\b|\bchoking\b|\bsuffocat\w*|\b(?:can not|cannot|could not|unable to|hard to|struggling to) (?:catch|get) (?:my|his|her|their|a) breath\b|\bout of breath\b|\b(?:can not|cannot|could not) get (?:enough )?air\b|\bstruggling for (?:air|breath)\b|\bgasping for air\b",
            r"\b(?:lips|face|skin|fingers?|fingertips|nails) (?:are |is |turning |turned |went |look |looks |going |getting |gone |have gone |look kind of )?(?:blue|purple|grey|gray|bluish)\b|\bturning blue\b|\bblue lips\b|\bgoing blue\b",
            r"\bbreath\w* (?:like |only |about |around )?(?:\d+|one|two|three|four|five|six) times? (?:a|per) minute\b|\btimes a minute\b",
            r"\bn[aã]o (?:est[aá] |ta |tá )?respirando\b|\bno (?:est[aá] )?respirando\b|\bsem respirar\b|\bdificuldade (?:para|de|pra) respirar\b|\bdificultad (?:para|al) respirar\b|\bn[aã]o consig\w* respirar\b|\bno puedo respirar\b|\bkann (?:nicht|kaum) atmen\b|\batmet (?:kaum|schwer|komisch)\b|\bdu mal [aà] respirer\b|\bn arrive pas [aà] respirer\b",
            r"\bwheez\w*|\bthroat (?:feels |is )?(?:like it (?:is |s )?)?(?:closing|closing up|swelling|tight\w*)\b",
            r"\bblue (?:around|round|on|in|at) (?:the |her |his |my |their )?(?:lips|mouth|face|fingertips)\b|\b(?:\d+|one|two|three|four|five|six|seven|eight|nine) breaths? (?:a|per|every|each) minute\b|\bbreathing (?:rate )?(?:has |is )?(?:dropped|slowed|gone down|getting slower|very slow)\b|\bresp(?:iratory)? rate\b",
            r"\brespira\w* (?:muito |bem |super )?(?:devagar|lento|lentamente|fraco|mal)\b|\bnon respira\b|\bademt (?:niet|nauwelijks)\b|\bnie oddycha\b|\bnefes alam\w*|\bkh[oô]ng th[oở]\b|ไม่หายใจ|หายใจไม่ออก",
            r"\bno respira\b|\bnão respira\b|\bnao respira\b|\bne respire (?:plus|pas)\b|\batmet nicht\b|\bkeine luft\b|\bno puede respirar\b|\bnão consegue respirar\b",
        ),
    ),
    (
        "unresponsive",
        _rx(
            r"\b(?:floppy|limp|lethargic|listless)\b|\b(?:struggling|hard|trying|fighting) to stay awake\b|\bbarely (?:responding|responsive|conscious|awake|moving)\b|\b(?:no|can not find|cannot find|can t find|could not find|weak|faint) (?:a )?(?:his |her |their )?pulse\b|\bsaans nahi\b|\btidak bernapas\b|\bsesak napas\b|\bhindi makahinga\b|\bbehosh\b|\bpingsan\b",
            r"\bpupils? (?:are |is |look |looks |went )?(?:tiny|small|pinpoint|pinned|like pinpoints)\b|\bgurgl\w*|\bturning grey\b|\bcold and clammy\b",
            r"\bunresponsive\b|\bunconscious\b|\bnot responding\b|\bnot responsive\b|\bwill not respond\b|\bnot moving\b",
            r"\b(?:will not|can not|cannot|could not|can t|won t|not) (?:wake|waking)(?: \w+)? up\b" + _WAKES_FINE,
            r"\b(?:can t|cannot|can not|couldn t|could not) get (?:him|her|them) to (?:respond|wake|answer|open)\w*\b|\bfound (?:him|her|them) (?:on the floor|collapsed|passed out)\b",
            r"\b(?:minimally|hardly|barely) (?:responsive|responding|conscious|breathing)\b|\bfading (?:out|away)\b|\bslipping away\b|\bgone (?:grey|gray|blue|pale|white|floppy)\b|\bne se r[eé]veille (?:plus|pas)\b|\bne r[eé]pond plus\b",
            r"\b(?:won t|will not|doesn t|does not|didn t|did not|can t|cannot|can not) (?:open (?:his|her|their|my) eyes|answer|respond|react)\b|\b(?:can t|cannot|can not|could not|couldn t) keep (?:him|her|them|myself) awake\b|\bslurring\b",
            r"\b(?:is not|isn t|is not even|stopped|not|won t|will not|can t) (?:answering|responding|reacting)\b|\b(?:no|not getting any|can not get a|can t get a|cannot get a) (?:answer|response|reaction) (?:from|out of) (?:him|her|them)\b|\b(?:hit|banged|knocked) (?:his|her|their|my) head\b",
            r"\b(?:can not|cannot|can t|could not|won t|will not|unable to) (?:rouse|wake|get (?:him|her|them) up|get a response)\b|\b(?:hard|difficult|impossible|struggling) to (?:wake|rouse)\b|\bslumped\b|\bnodding out\b|\bsnoring (?:weird|strange|funny|loudly)\b",
            r"\bnon si sveglia\b|\bnon risponde\b|\breageert niet\b|\bwordt niet wakker\b|\bdobudzi\w*|\bnieprzytomn\w*|\buyanm[iı]yor\b|\bbay[iı]ld[iı]\b|\bb[aấ]t t[iỉ]nh\b|หมดสติ|ปลุกไม่ตื่น",
            r"\bno despierta\b|\bnão acorda\b|\bnao acorda\b|\bne (?:se )?réveille pas\b|\bne répond (?:plus|pas)\b|\bwacht nicht (?:auf|mehr auf)\b|\breagiert nicht\b|\binconsciente\b|\bbewusstlos\b|\binconscient\b",
            r"\bgoing in and out\b|\bin and out of (?:it|consciousness)\b|\b(?:can not|cannot|can t) stop (?:vomiting|throwing up|shaking|puking)\b|\b(?:about to|going to|gonna|feel like i am going to|feel like i will|think i will|think i am going to) (?:pass out|faint|collapse|black out|die)\b",
            r"\bpassed out\b|\bpassing out\b|\bfainted\b|\bfainting\b(?! (?:spells?|episodes?|history)\b)|\bcollapsed?\b|\bblacked out\b|\bpinpoint pupils\b",
        ),
    ),
    (
        "seizure",
        _rx(
            r"^(?!.*\b(?:since (?:i|he|she|they) was|since (?:childhood|birth|i was little)|for (?:years|decades)|as a (?:kid|child)|growing up|history|diagnosed|epilep\w*|disorder|prone|in the past|years ago|used to|none in|prior|before)\b).*\b(?:having|had|has|is having|in) (?:a )?(?:seizure|fit|convulsion)s?\b",
            r"\b(?:is |s |started |keeps |been |was )?fitting\b(?! (?:in|into|for|the|a|well|perfectly|right|together)\b)|\bwent (?:stiff|rigid)\b|\bjerk(?:ed|ing|s)? (?:for|all over|uncontrollably|around|and)\b|\btwitching and (?:won t|not|will not|isn t)\b",
            r"\b(?:having|is having|has|had) (?:a )?(?:seizure|fit|convulsion)s? (?:right now|now|at the moment|currently|just now)\b|\b(?:seizing|fitting|convulsing) (?:right )?now\b",
            r"\bschokt\b|\bstuipen\b|\bconvulsion\w*|\bco giật\b|\bnöbet\w*|\bdrgawk\w*",
            r"\b(?:having|had|has|is having|in) (?:a )?(?:seizer|siezure|sezure|seisure|seazure|ceizure)s?\b|\bseizing\b|\bconvuls\w*|\bshaking uncontrollably\b|\beyes? (?:rolled|rolling|roll) back\b|\bjerking\b|\btwitching (?:all over|uncontrollably)\b|\bfoaming at the mouth\b|\bconvulsi\w*|\bkrampfanfall\b|\bkrampft\b",
            r"^(?!.*\b(?:history|prone|disorder|epilep\w*|in the past|years ago|none in|used to have|had seizures|have had)\b).*\bseizures?\b",
        ),
    ),
    (
        "chest_pain",
        _rx(
            r"\bchest (?:\w+ )?(?:pain|pains|hurts?|hurting|tight\w*|pressure|feels?|aches?|aching)\b|\bpain in (?:my|his|her) chest\b|\b(?:tightness|pain|pressure|crushing|squeezing|heaviness) (?:in|on|across) (?:my|his|her|the) chest\b|\bdolor (?:en el|de) pecho\b|\bdor no peito\b|\bdouleur (?:à la|dans la) poitrine\b|\bbrustschmerz\w*",
            r"\bheart (?:is )?(?:going to|gonna|about to|will) (?:stop|explode|burst|give out|beat out)\b",
            r"\b(?:won t|will not|doesn t|does not) stop\b.{0,40}\b(?:faint|dizzy|chest|breath\w*|passing out)\b|\bheart flutter\w*\b.{0,40}\b(?:right now|won t stop|will not stop|faint)\b",
            r"\bpain (?:\w+ ){0,3}(?:left arm|my jaw|his jaw|her jaw|the jaw)\b|\b(?:left arm|jaw) (?:pain|hurts|aching|is aching)\b|\bheart (?:is )?(?:going|beating|pounding|racing) (?:\w+ ){0,2}(?:crazy|mad|wild|nuts|out of control)\b",
            r"\b(?:elephant|weight|something heavy|someone|a brick|a ton of bricks) (?:is |was )?(?:sitting|standing|pressing|lying|on top) on (?:my|his|her|their) chest\b|\bpressure on (?:my|his|her|their) chest\b",
            r"\b(?:left )?arm (?:is |feels |went |going )?(?:numb|tingling|dead)\b|\bchest (?:is |feels )?(?:\w+ )?(?:crushing|heavy|tight\w*)\b|\bclutch\w* (?:at )?(?:his|her|my|their|the) chest\b|\bseene mein dard\b|\bsakit dada\b",
            r"\bheart (?:is )?(?:beating|going|pounding|racing|thumping) (?:\w+ ){0,2}(?:irregular\w*|weird\w*|strange\w*|funny|fast|hard)\b|\bpulse (?:is )?(?:irregular|racing|weak|faint)\b|\bheart (?:is )?(?:skipping|fluttering|jumping)\b",
            r"^(?!.*\b(?:years? ago|months? ago|weeks? ago|in the past|history of|last year|recovered|recovering|survivor|survived|before|used to|after (?:a |my |his |her |the )?heart attack|had (?:a |my )?heart attack|since (?:my|his|her|the) heart attack|post heart attack)\b).*\bheart attack\b|\bheart (?:is )?(?:racing|pounding|stopping|stopped)\b|\bpalpitations\b",
        ),
    ),
    (
        "child_ingestion",
        _rx(
            rf"\b{_KID}\b.{{0,40}}\b(?:swallowed|swallow|swallows|ate|eat|eats|eating|eaten|drank|drunk|got into|gotten into|ingested|took|has taken|chewed|chewing|licked|bit|bitten|sucked on|mouthed|got hold of|opened|found|tasted|had some)\b",
            rf"\b(?:swallowed|ate|eaten|drank|got into|ingested)\b.{{0,20}}\b(?:by )?(?:my |the |our )?{_KID}\b",
            rf"\b{_KID}\b.{{0,60}}\b(?:powder|capsules?|caps|pills|tablets|kratom|it)\b.{{0,20}}\b(?:all )?(?:over|around|on|in|round) (?:his|her|their|its) (?:mouth|face|lips|hands|tongue)\b|\b{_KID}\b.{{0,30}}\b(?:had|has had|got|has got) (?:the |some |my |a |your |his |her )?(?:capsules?|caps|pills|tablets|powder|kratom|gummies)\b",
            rf"\b{_KID}\b.{{0,80}}\b(?:capsules?|caps|pills|powder|kratom|gummies|tablets)\b.{{0,40}}\b(?:missing|gone|spilled|spilt|chewed|open)\b|\b{_KID}\b.{{0,80}}\b(?:spilled|spilt|open|opened) (?:\w+ )?(?:capsules?|caps|pills|powder|bag|jar|bottle|kratom)\b",
            r"\bketelan\b|\bl[oỡ] nu[oố]t\b|\bnu[oố]t (?:ph[aả]i )?vi[eê]n\b",
            r"\b(?:hij[oa]|ni[ñn][oa]|beb[eé]|filh[oa]|crian[çc]a|kind|sohn|tochter|enfant|fils|fille|nene|nena)\b.{0,40}\b(?:se trag[oó]|trag[oó]|se comi[oó]|comi[oó]|engoliu|comeu|verschluckt|gegessen|aval[eé]|mang[eé])\b",
            rf"\b{_KID}\b.{{0,60}}\b(?:put|stuck|got|had) (?:some |a |the )?(?:\w+ ){{0,3}}(?:in|into) (?:his|her|their|its|the) mouth\b",
        ),
    ),
    (
        "urgent",
        _rx(
            r"\b(?:call|calling|need|get|go to|going to|take \w+ to) (?:an? |the )?(?:ambulance|911|er|emergency|hospital|paramedics?)\b",
            r"\bemergency\b|\b(?:i am|he is|she is|they are|i feel like i am|am i) dying\b(?! to\b| for\b| of (?:curiosity|boredom|laughter)\b)|\bvomiting blood\b|\bthrowing up blood\b",
            r"\b(?:yellow|yellowing) (?:skin|eyes)\b|\bjaundice\b",
        ),
    ),
]

INJECTION_RULES = _rx(
    r"\b(?:ignore|disregard|forget|override|bypass|skip|drop|remove|disable|turn off|switch off)\b.{0,40}\b(?:instructions?|rules?|guidelines?|prompts?|polic(?:y|ies)|restrictions?|filters?|safety|guardrails?|programming|constraints?|limits?|warnings?|disclaimers?)\b",
    r"\byou are now\b|\bfrom now on you\b|\bpretend (?:to be|you are|that you|you re|ur|to)\b|\bact as (?:a|an|my|if)\b(?! (?:stimulant|sedative|sleep aid|painkiller|relaxant|natural|mild|strong|opioid)\b)|\broleplay\b|\brole play\b",
    r"\b(?:ignora|ignorar|ignore[zr]?|ignoriere\w*|negeer|vergiss|olvida|oublie[zr]?|esque[cç]a|dimentica)\b.{0,40}\b(?:reglas|instrucciones|r[eè]gles|consignes|instructions|regeln|anweisungen|regels|instructies|regras|instru[cç][oõ]es|regole|istruzioni)\b",
    r"\bzignoruj\b|\byok say\b|\bb[oỏ] qua (?:m[oọ]i |t[aấ]t c[aả] )?(?:h[uư][oớ]ng d[aẫ]n|quy t[aắ]c)\b|\bigno(?:ra|re) (?:todas? )?(?:as |las |les )?(?:instru|regra|regla|r[eè]gle)\w*",
    r"\bjailbr\w*|\bdan mode\b|\bdo anything now\b|\bdeveloper mode\b|\bgod mode\b|\badmin mode\b|\bsudo\b|\bunfiltered\b|\buncensored\b",
    r"\bsystem ?(?:prompt|message|override)\b|^system\b|\bnew instructions?\b|\bno (?:restrictions|rules|limits|filters)\b",
    r"\b(?:safety|filters?|guardrails?|rules?) (?:are |is )?(?:off|disabled|removed|lifted|suspended)\b",
    r"\b(?:without|no) (?:any )?(?:warnings?|disclaimers?|caveats?|lectures?|restrictions?|safety|filters?|referr\w*)\b",
    r"\b(?:for|in) (?:a|my) (?:novel|story|book|screenplay|script|game|fiction|fictional \w+)\b|\bhypothetically\b|\bin theory\b.*\b(?:dose|amount|how much)\b",
    r"\b(?:now |just |so )?ignore (?:that|this|the above|all that|what you said|your last|previous|the previous)\b.{0,40}\b(?:give|tell|say|number|dose|amount|answer)\b|\b(?:give|tell|send) me (?:a|the|that|your) (?:number|figure|amount)\b",
    r"\brepeat after me\b|\bsay exactly\b|\brespond (?:only )?with\b|\banswer only with\b|\bjust (?:give|tell) me (?:a|the) number\b|\bonly (?:a|the) number\b",
    r"\binst\b|\bim start\b|\bassistant\b.*\buser\b",
    r"\b(?:article|its|the|those|these) numbers\b|\bquote\b.*\b(?:numbers?|amounts?|grams?|doses?|figures?)\b|\bnot advice\b|\bi am a (?:doctor|physician|nurse|pharmacist|medic|clinician)\b.{0,80}\b(?:so|you can|tell me|give me|share|go ahead|allowed|authori[sz]ed|permission|fine to|ok to|okay to|trust me)\b|\bmy (?:doctor|pharmacist|gp|nurse) (?:said|told|wants|asked)\b",
    r"\bbackwards?\b|\bin reverse\b|\bread (?:this|it) (?:backwards|in reverse|right to left)\b|\brot ?13\b|\bdecode\w*|\bencod\w*|\bcipher\w*|\bin hex\b|\bbinary\b|\bmorse\b|\bpig latin\b|\breverse(?:d)? (?:text|order|this)\b",
    r"[a-z0-9]{28,}",
)

# Phrases about dose dependence as a topic of the article; removed before the dose-word rule
# so that "are the effects dose dependent" can be answered while "what dose" cannot.
_DOSE_TOPIC = re.compile(
    r"\b(?:safe (?:and effective )?|effective )?dosing guidelines?\b(?=.*\b(?:established|exist|exists|research|researchers|article|studies|yet|developed|needed|need)\b)|\b(?:establish\w*|develop\w*) (?:safe (?:and effective )?)?dosing guidelines?\b|"
    r"\bdependente da dose\b|\bdependiente de la dosis\b|\bd[eé]pendant de la dose\b|\bdosisabh[aä]ngig\w*|\bdosisafhankelijk\w*|\bdipendente dalla dose\b|\btergantung dosis\b|"
    r"\bdose ?dependen\w*|\bdepend\w* (?:up)?on (?:the )?(?:dose|dosage|doses|amount|how much)\b|\bdose ?response\b"
    r"|\b(?:at|with|in|on|between|about|regarding) (?:(?:low|lower|high|higher|small|smaller|large|larger|big|bigger|different|very low|very high)(?: (?:or|and|vs|versus|to) )?)+ ?(?:doses?|dosages?|amounts?|ones)\b"
    r"|\b(?:a |the )?(?:low|lower|high|higher|small|smaller|large|larger|big|bigger|different) (?:doses?|dosages?|amounts?)(?: of (?:kratom|it))? (?:can |could |may |might |will |would )?(?:not |n t |does not |doesn t |might not |may not )?(?:make|makes|made|cause|causes|act|acts|feel|feels|change|changes|affect|affects|work|works|produce|produces|lead|leads|give|gives|help|helps|do|does|keep|keeps)\b"
    r"|\b(?:the |different )?(?:dose|dosage|amount|amounts)(?: of (?:kratom|it))? (?:change|changes|affect|affects|matter|matters|alter|alters|influence|influences|make a difference|determine|determines|play|plays)\b"
    r"|\bdoes (?:the )?(?:dose|dosage|amount) matter\b"
)

DOSING_RULES = _rx(
    r"\b(?:dose|doses|dosage|dosages|dosing|dosed|redose|redosing|microdos\w*|posology)\b",
    r"\bhow (?:much|many)\b(?! (?:research|evidence|studies|study|science|is known|do we know|alkaloids?|strains?|types?|kinds?|receptors?|neurotransmitters?|people|side effects?|sleep|time|longer|better|does it help|do scientists))",
    r"\b(?:amount|amounts|quantity|quantities|serving|servings|portion)\b",
    r"\b(?:gram|grams|grammes?|gs|mgs?|milligrams?|mcg|teaspoons?|tsp|tablespoons?|tbsp|spoons?|spoonfuls?|scoops?|capsules?|caps|shots?|droppers?|ounces?|oz)\b",
    r"\bhow (?:often|frequently|regularly|long (?:before|after|until|between))\b|\bhow soon\b",
    r"\bhow long (?:does|do|will|would|should|for|until|till|to)\b.*\b(?:take|kick|last|work|wait|effect|stay|hit|start)\w*|\bkick in\b|\btake effect\b|\bcome up\b|\btime it\b",
    r"\b(?:times|x) (?:a|per|each) (?:day|night|week)\b|\b(?:per|a|each|every) (?:day|night|nite|week|evening)\b|\btwice\b|\bthrice\b|\bonce (?:a|per|every)\b",
    r"\b(?:daily|nightly|every night|every day|everyday|each night|regularly)\b",
    r"\bevery (?:single |other |few |couple of |\d+ |one |two |three |four |six |eight |twelve )?(?:hours?|hrs?|nights?|days?|mornings?|evenings?|weekends?|week)\b|\bback to back\b|\bround the clock\b|\bthroughout the (?:day|night)\b",
    r"\bupp(?:ing|ed) (?:it|my|the)\b|\bup (?:my|the) (?:dose|amount|intake)\b|\bup it\b(?! is\b)|\bgo(?:ing)? up (?:to|on|a bit)\b|\b(?:is|would|does|will) (?:more|extra|a higher amount|taking more|taking extra|a bigger)\b.{0,30}\b(?:better|work|help|stronger|effective)\b|\bmore is better\b",
    r"\b(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten) (?:or|vs|versus|to) (?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten)\b|\bspoon(?: spoon)+\b",
    r"\bwhat time\b.*\b(?:take|use|have|dose|drink)\b|\bkitna\b|\bkitni\b|\bberapa\b|\bilang (?:gramo|kutsara|capsule)\b|\bgramo\b|\bdosis\b|\btakaran\b",
    r"\bthe most\b.*\b(?:take|have|use|handle)\b|\bweigh\w*|\bscales?\b|\beyeball\w*|\bmeasur\w*|\bon weekends\b|\bweekends? only\b|\bonly (?:take|use) (?:it|kratom) (?:on|at|when|during)\b|\b(?:less|more) (?:often|frequently)\b",
    r"\b(?:take|taking|took|use|using|have|having|dose|dosing) (?:\w+ ){0,3}(?:right |just |an hour |hours |minutes )?before (?:lying down|bed|bedtime|going to bed|going to sleep|sleeping|i sleep)\b|\b(?:right|just|an hour|hours|minutes|long) before (?:lying down|bed|bedtime|sleep|going to bed)\b|\b(?:take|taking|took|use|using) (?:kratom|it|my kratom) (?:in the|at|during|right|just|late|early|first thing)\b",
    r"\b(?:proper|right|correct|good|safe|normal|usual|typical|recommended|starting|first|low|high|max|maximum|daily|nightly|sleep) doze\b|\bdoze of (?:kratom|it|red|green|white)\b|\b(?:what|which|how much) does (?:of|should|would|is (?:safe|right|best))\b|\bdoes of (?:kratom|it)\b",
    r"\btitrat\w*|\bprn\b|\bqhs\b|\bq\d+h\b|\b(?:bid|tid|qid)\b|\btherapeutic (?:window|range|level)\b|\bloading dose\b|\bas needed\b|\bwhen needed\b|\bcycl(?:e|es|ed|ing) (?:kratom|it|on|off|my|doses?|through|between)\b|\b(?:should|can|do) i cycle\b|\b(?:nights?|days?|weeks?) on\b|\bon and off\b|\bon days? and off days?\b",
    r"\b(?:bump|bumps|fat spoon|heaping|heaped|capful|handful|pinch|sesh|spoonful|scoopful|dash of)\b",
    r"\bwhat (?:do|did|does|would|should|might) (?:the )?(?:people|users|most people|others|folks|you|they|participants|subjects|patients|volunteers) (?:\w+ ){0,5}(?:take|use|have|start with|start on|get|got|receive|received|given|were given)\b",
    r"\bwhat (?:should|do|would|must|can|could) (?:i|we|he|she|they|you) (?:be )?(?:taking|take|using|use|having)\b|\b(?:take|taking|have|having|use|using) (?:it|kratom|them|some|my dose) (?:later|earlier|sooner)\b",
    r"\b(?:a|one|the|light|strong|heavy|big|small|normal|regular|moderate|typical|first|single|standard) serves?\b|\bin one (?:sitting|go|hit|session|night)\b|\btoo far\b|\bstay (?:above|below|under|over)\b|\bkeep it (?:above|below|under)\b",
    r"\b(?:and|then) (?:take |have |use )?(?:some |a bit |a little |a touch )?more (?:at|in|before|later|tonight|after)\b|\bfinish (?:off )?(?:the rest|the bag|the pouch|the packet|the tin|what s left|it off)\b|\b(?:brew|brews|brewing|brewed|steep\w*|simmer\w*|boil\w*)\b|\blemon juice\b|\bmove it (?:later|earlier|up|back)\b|\bpush it (?:later|back|earlier)\b|\b(?:take|have|use) mine\b|\bhoeveel\b|\bquanto\b",
    r"\bamt\b|\b(?:two|2|three|3|four|4|several|a few|many|multiple|\d+) (?:nights?|days?|times?|weeks?) (?:in a row|running|straight|back to back|consecutive\w*)\b|\bin a row\b|\bconsecutive\w*\b",
    r"\btodo (?:dia|santo dia)\b|\btodos os dias\b|\btoda(?:s as)? noites?\b|\bwie oft\b|\bjeden (?:tag|abend)\b|\bals tee\b|\bpulver\b|\bquant[ie]\b|\bgramm[io]\b|\bogni (?:giorno|sera|notte)\b|\bcara (?:minum|pakai|konsumsi|makan)\b|\bdiseduh\b|\bditelan\b|\b(?:setiap|tiap) (?:hari|malam)\b|\bsehari\b|\btuk wan\b|\bilang (?:beses|gramo|kutsara|kapsula)\b|\baraw araw\b|\bgabi gabi\b|\bbao nhi[eê]u\b|\bbao l[aâ]u\b|\bm[oỗ]i (?:ng[aà]y|t[oố]i)\b|\bli[eề]u\b|\bile\b|\bgram[oó]w\b|\bdawk\w*|\bcodziennie\b|\bza du[zż]o\b|\bka[cç] (?:kez|kere|gram|tane|defa)\b|\bg[uü]nde\b|\bdoz\w*|\bher (?:g[uü]n|gece)\b|\bhow many time\b|กี่|เท่าไหร่|เท่าไร",
    r"\ba line of\b|\b(?:lines?|bumps?) of (?:kratom|powder|it)\b|\b(?:hit|hits|kick in|work) faster\b|\bbak(?:e|es|ing|ed) (?:kratom|it|them|some)\b|\binto (?:brownies|cookies|muffins|a cake|cake|gummies)\b|\b(?:take|have|use) (?:it |kratom |some |them )?(?:at|before|after|with) (?:a |my |the )?(?:bedtime|dinner|lunch|breakfast|meals?|snack)\b",
    r"\bstart (?:low|small|slow|off low)\b|\bwhat number\b|\b(?:energi[sz]ing|sleepy|sedati(?:ng|ve)|stimula(?:ting|nt)|right|safe|effective|dose|dosing|therapeutic) range\b|\bhow (?:late|early)\b.{0,40}\b(?:have|take|use|dose)\b|\btoo (?:late|early) to (?:have|take|use)\b",
    r"\bhalf (?:a |the |of a |of the )?(?:bottle|bag|packet|pack|scoop|spoon|teaspoon|shot|capsule|tab|tablet|pouch|jar)\b|\bis (?:that|this|it) (?:a lot|too much|too many|enough|a big amount|a lot to take)\b",
    r"\bequivalent\b|\b(?:switch|switching|swap|swapping|change|changing|move|moving) (?:over )?(?:to|from) (?:an? |the )?(?:extract|extracts|powder|capsules?|caps|tea|leaf|leaves|shots?|tablets?|resin|tincture)\b|\b(?:usual|typical|normal|common|standard|best|good|nightly|bedtime) (?:routine|regimen|protocol|schedule)\b|\bregimen\b|\bfirst lot\b|\b(?:before|then|and|or|about) (?:having|have|taking|take) (?:some |any )?more\b|\b(?:having|have) (?:some |any )?more (?:kratom|of it|if|when|later|tonight)\b",
    r"\b(?:eat|eating|food|meal|snack) (?:first|before|beforehand)\b|\bbefore (?:eating|food|a meal|meals)\b|\bafter (?:eating|food|a meal|meals|dinner)\b.*\b(?:take|taking|have)\b",
    r"\bsplit (?:it|the|my|a|them|doses?)\b|\bhalf (?:at|in the|before|after|now|later)\b|\b(?:take|have|use) (?:it |kratom |some |them )?(?:at|before|after|with) (?:bedtime|dinner|lunch|breakfast|meals?)\b",
    r"\bcu[aá]nto\b|\bqu[aá]nto\b|\bcombien\b|\bwie ?viel\w*|\bdosis\b|\bdosage\b|\bdose\b|\bgramos\b|\bgramas\b|\bgrammes?\b|\bgramm\b|\bcucharad\w*|\bcolher\w*|\bcuill[eè]re\w*|\btee?l[oö]ffel\b",
    r"\bunder (?:my|the|your) tongue\b|\bin (?:my|your) cheek\b|\bhold (?:it )?in (?:my|your) mouth\b",
    r"\b(?:hoe|hw|hiw|hpw|jow|ho|hwo|haw) (?:much|many|mch|mutch|mich|mucj|manny|mny)\b|\bhow (?:mch|mutch|mich|mucj|manny|mny|mucch)\b",
    r"\b(?:take|taking|use|using|add|try) (?:some |a bit |a little |a lot |any )?(?:more|another|extra|again|a second|seconds)\b|\bmore (?:kratom|of it|powder|capsules|caps)\b",
    r"\bdoubl\w*|\btripl\w*|\btop (?:it |me )?up\b|\bup (?:my|the) (?:dose|amount)\b|\bincreas\w* (?:my |the )?(?:dose|dosage|amount|intake|serving|servings|it)\b|\bdecreas\w* (?:my |the )?(?:dose|dosage|amount|intake|serving|servings|it)\b|\bstronger (?:dose|effect|hit)\b",
    r"\b(?:too much|too little|enough(?! (?:\w+ )?(?:research|evidence|studies|data|information|info|science|proof|trials))|max|maximum|minimum|min|limit|upper limit|safe level|safe limit|threshold|starting point|start (?:with|at)|begin with)\b",
    r"\b(?:when|what time) (?:should|do|can|to|would|must|is (?:the )?best)\b.*\b(?:take|use|have|drink|consume)\b",
    r"\b(?:best|right|ideal|good|optimal|what|which) time(?: of (?:the )?(?:day|night|evening))? (?:to|should|do|for|is best)\b",
    r"\b(?:how|best way|proper way|right way|correct way|ways?) (?:do|should|can|would|to|of|2)?\s?(?:i|you|one|we|people)? ?(?:take|taking|use|using|consume|consuming|ingest|prepare|preparing|make|making|brew|brewing|dose|drink|drinking|eat|eating|smoke|smoking|mix|mixing|administer|start|starting)\b",
    r"\b(?:tea|toss and wash|toss n wash|powder|extract|extracts|tincture|shot|resin|liquid|gummies|gummy|capsule|leaf|leaves|kratom) (?:or|vs|versus) (?:plain |regular |normal |just |the )?(?:tea|toss|powder|extract|capsules?|caps|tincture|shots?|pills?|liquid|gummies|leaf|leaves)\b",
    r"\b(?:kratom tea|tea|toss and wash|toss n wash|parachute|chew\w*|smok\w*|snort\w*|inject\w*|sniff\w*|vap(?:e|ing)|sublingual\w*|plug\w*|boof\w*|empty stomach|with food|on food|stir\w*|dissolv\w*|blend\w*|sprinkl\w*)\b",
    r"\b7 ?oh (?:tablets?|pills?|products?|shots?|gummies|extracts?|isolates?)\b|\b(?:extract|extracts|tablets?|powder|capsules?|tea|shots?|tincture|gummies|resin|leaf|leaves)\b.{0,40}\b(?:better|stronger|more effective|gentler|safer|weaker|work better)\b.{0,30}\b(?:than|or|vs|versus)\b",
    r"\b(?:in|into|with) (?:a |my |some |the )?(?:smoothie|shake|protein shake|applesauce|apple sauce|yogh?urt|oatmeal|porridge|milkshake)\b",
    r"\binto (?:my |a |some )?(?:juice|orange juice|water|coffee|tea|food|yogh?urt|smoothie|shake|drink|milk|soda)\b",
    r"\b(?:should|can|could|may|do) i (?:take|use|try|have|drink|eat|consume) (?:it|kratom|some|any|this|red|the)\b.*\b(?:tonight|at night|every night|bed|bedtime|before|after)\b",
    r"\b(?:take|use|taking|using) (?:kratom|it|some|red \w+)\b.*\b(?:before|at|right before|prior to|an hour|hours?|minutes?) (?:bed|bedtime|sleep|sleeping)\b",
    r"\b(?:ideal|optimal|right|correct|usual|typical|normal|beginner|starter|starting|first time|newbie)\b.{0,20}\b(?:amount|quantity|intake|serving|portion|dose)\b",
    r"\b(?:low|high|higher|lower|small|smaller|large|larger|big|bigger|heavy|light|moderate|normal|typical|average|standard|usual|recommended|effective|right|correct|proper|optimal|ideal|best|good|safe|strong|weak)(?:er|est)? (?:dose|doses|dosage|amount|amounts|level|serving)\b",
    r"\b(?:recommend\w*|suggest\w*|advise\w*) (?:me )?(?:a |an |the )?(?:dose|amount|dosage|how much)\b",
)

_SUBSTANCES = (
    r"alcohol|alcoholic drinks?|booze|beers?|wines?|liquor|vodka|whiskey|whisky|rum|gin|tequila|shots of|cocktails?|drinks?|drinking|drunk|hungover|hangover|"
    r"benzos?|benzodiazepines?|xanax|zanax|xanex|xannies|bars|alprazolam|valium|diazepam|klonopin|clonazepam|ativan|lorazepam|"
    r"ambien|zolpidem|lunesta|eszopiclone|zopiclone|trazodone|seroquel|quetiapine|mirtazapine|remeron|"
    r"gabapentin|neurontin|pregabalin|lyrica|"
    r"oxycodone|oxy|oxys|oxycontin|percocet|hydrocodone|vicodin|norco|morphine|fentanyl|heroin|tramadol|codeine|lean|methadone|suboxone|subutex|buprenorphine|naltrexone|vivitrol|naloxone|"
    r"antidepressants?|ssris?|snris?|maois?|sertraline|zoloft|prozac|fluoxetine|lexapro|escitalopram|celexa|citalopram|paxil|paroxetine|wellbutrin|bupropion|effexor|venlafaxine|cymbalta|duloxetine|lithium|"
    r"adderall|ritalin|vyvanse|modafinil|stimulants?|caffeine|coffee|energy drinks?|red bull|nicotine|"
    r"weed|marijuana|cannabis|thc|cbd|edibles?|delta 8|joints?|blunts?|bongs?|dabs?|vape pen|the pen|carts?|dxm|dextromethorphan|cough syrup|robitussin|kava|valerian|phenibut|ashwagandha|magnesium|melatonin (?:pills?|gummies|supplements?|tablets?)|l theanine|theanine|5 htp|st ?johns? ?s? wort|johns? ?s? wort|"
    r"benadryl|diphenhydramine|nyquil|zzzquil|unisom|doxylamine|antihistamines?|dramamine|hydroxyzine|"
    r"sleeping pills?|sleep pills?|sleep meds|sleep medications?|sleeping tablets?|sedatives?|tranquili[sz]ers?|muscle relaxers?|muscle relaxants?|"
    r"meds|medications?|medicines?|prescriptions?|prescribed|pills|drugs|other drugs|painkillers?|pain killers?|pain meds|pain medication|opioid (?:medication|painkillers?|pills|meds)|"
    r"blood thinners?|warfarin|eliquis|statins?|birth control|the pill|antibiotics?|ibuprofen|advil|tylenol|acetaminophen|paracetamol|aspirin|insulin|metformin|blood pressure (?:meds|medication|pills)|"
    r"pre ?workout|belsomra|suvorexant|dayvigo|lemborexant|quviviq|daridorexant|rozerem|ramelteon|silenor|"
    r"co ?codamol|co ?dydramol|phenergan|promethazine|zopiclone|zimovane|"
    r"klonnies|klonnys|klonnie|zannies|zanies|zannys|percs?|perks|roxys?|roxies|norcos?|vikes|"
    r"bud lights?|budweisers?|coors|coronas?|heinekens?|guinness|stellas?|white claws?|g and ts?|g ts|gin and tonics?|margaritas?|"
    r"panadol|panadeine|nurofen|codral|restavit|mersyndol|vallies|pingers?|a cone|cones|bongs?|"
    r"cocaine|coke|mdma|molly|ecstasy|ketamine|lsd|shrooms|mushrooms|psilocybin|meth|amphetamines?|ghb|supplements?|grapefruit|anything else|something else"
)
# Words from the article's own subject that can stand beside "kratom" without meaning a mix.
_ARTICLE_WORDS = (
    "sleep|sleeping|insomnia|rest|serotonin|dopamine|melatonin production|mood|pain|relaxation|"
    "alkaloids?|mitragynine|7oh|receptors?|opioid receptors|research|science|studies|study|"
    "evidence|strains?|red|green|white|veins?|bali|borneo|effects?|risks?|safety|dose "
    "dependence|addiction|dependence|abuse|side|nausea|dizziness|constipation|health|"
    "the brain|brain|body|opioids|neurotransmitters|the article|article|me|you|it|sedation"
)
# Things "with" can join to kratom without meaning another substance.
_NOT_A_MIX = (
    "food|water|meals?|a meal|dinner|breakfast|lunch|caution|care|kratom|it|this|that|them|"
    "friends|family|someone|people|insomnia|anxiety|stress|a doctor|my doctor|doctors?|"
    "questions?|issues?|problems?|trouble|sleep problems|sleeping|the article|research|time|"
    "age|children|kids|a cold|the flu|sleep issues|regular use|long term use|daily use"
)
# Words that can follow "I take" without naming something else that is taken.
_ALCOHOL = (
    r"six ?pack|sixpack|glass(?:es)? of (?:wine|red|white|beer|champagne)|a few glasses|couple of glasses|"
    r"drinks?|drinking|drunk|beers?|wine|wines|alcohol|booze|hungover|hangover|tipsy|pints?|"
    r"schooners?|lagers?|ales?|ciders?|spirits|bourbon|sake|soju|brandy|champagne|prosecco|"
    r"drank|been drinking|was drinking|titos?|jack daniels|jack and coke|fireball|jameson|smirnoff|bacardi|captain morgan|mimosas?|bellinis?|sangria|brewskis?|cold ones|hair of the dog|pre ?drinks|wine o ?clock|tipsy|"
    r"seltzers?|tinnies|stubbies|bevvies|nightcaps?|hot toddy|goon|glass(?:es)? of (?:red|white|rose|rosé|bubbly)|my usual red|a red or two|shots of \w+|cocktails?|margaritas?|whiskey|whisky|"
    r"vodka|rum|tequila|gin"
)
_NOT_A_SUBSTANCE = (
    "kratom|it|some|any|more|less|this|that|these|those|them|the|a|an|my|for|to|before|after|"
    "at|in|on|with|when|every|each|daily|nightly|regularly|too|so|much|many|red|green|white|"
    "yellow|gold|maeng|bali|borneo|powder|capsules|caps|tea|extract|leaf|leaves|once|twice|it|"
    "about|around|like|only|just|usually|sometimes|now|then|again|off|breaks?|tolerance"
)
# Substances whose mere mention beside "kratom" means mixing; the article's own words for
# classes of effect ("a stimulant", "a sedative", "other drugs") are left to the connector rules.
_NAMED_SUBSTANCES = "|".join(
    alt for alt in _SUBSTANCES.split("|")
    if alt not in {"stimulants?", "sedatives?", "drugs", "other drugs", "anything else",
                   "something else", "supplements?", "drinks?", "drinking",
                   "pills", "the pill", "lean", "coke", "meth"}
)
# Endings of generic medicine names (lisinopril, sertraline, atorvastatin, omeprazole, ...).
_DRUG_STEM = r"\w{2,}(?:pril|sartan|olol|statin|azepam|zolam|oxetine|traline|triptyline|pramine|codone|morphone|profen|prazole|cycline|mycin|cillin|floxacin|formin|gliptin|glitazone|dipine|thiazide|semide|tidine|triptan|lukast|parin|xaban|gatran|barbital|apine|idone|thazine|xyzine|mazine|oxacin|olone|isone|asone|afil|setron|vudine|navir|tadine|zodone|ipramine|clopram|lamide|trel|trigine|piramate|racetam|proate|amazepine|oxine|aprine|proxen|bital|conazole|azole|cyclovir|ciclovir|previr|buvir|tegravir|mab|tinib|platin|rubicin|taxel)"
_BRANDS = (
    r"imodium|loperamide|sudafed|pseudoephedrine|phenylephrine|dayquil|mucinex|claritin|"
    r"cipro|keppra|lamictal|depakote|tegretol|topamax|synthroid|plavix|coumadin|xarelto|zyrtec|"
    r"claritin|allegra|flexeril|soma|robaxin|mobic|aleve|excedrin|motrin|lipitor|crestor|"
    r"zocor|norvasc|lasix|prilosec|nexium|pepcid|zantac|viagra|cialis|suboxone|sublocade|"
    r"narcan|kratom shots|abilify|risperdal|zyprexa|latuda|buspar|buspirone|atarax|vistaril|"
    r"concerta|strattera|focalin|dexedrine|provigil|nuvigil|chantix|antabuse|campral|"
    r"prednisone|medrol|accutane|tamoxifen|methotrexate|humira|ozempic|wegovy|mounjaro"
)
_MIX = r"(?:with|and|plus|alongside|along with|together|mix|mixing|mixed|combine|combining|combined|combo|stack|stacking|chase|chasing|while|after|before|on top of|same time|same day|same night|at once|in addition|also)"

INTERACTION_RULES = _rx(
    rf"\b{_MIX}\b(?:\s+\w+){{0,6}}?\s+(?:a |an |some |my |the |any |other |on )?(?:{_SUBSTANCES})\b",
    rf"\b(?:{_SUBSTANCES})\b(?:\s+\w+){{0,6}}?\s+{_MIX}\b",
    r"\bmix\w*\b|\bcombin\w*\b|\bcocktail\w*\b|\bstack\w*\b",
    r"^(?!.*\b(?:research|researchers|studies|study|studied|scientists|known|unknown|evidence|identify|identified|future|understood|article|receptors?|alkaloids?|mitragynine|neurotransmitters?)\b).*\binteract\w*",
    r"\b(?<!to do )(?:with|plus|alongside|along with|together with|mix\w*|combin\w*|stack\w*|on top of) (?:some |my |a |the )?melatonin\b|\bmelatonin (?:with|plus|together|alongside|and kratom|or kratom)\b|\b(?:take|taking|took|use|using) (?:some |my )?melatonin\b|\b(?:am|i m|im|been|while|currently|already|still) on (?:some |my )?melatonin\b",
    r"\b(?:on|taking|take|prescribed|using|use) (?:opioids|opiates|painkillers|benzos|antidepressants|ssris|meds|medication|medications|prescription \w+)\b",
    rf"\b(?:{_ALCOHOL})\b.*\bkratom\b|\bkratom\b.*\b(?:{_ALCOHOL})\b",
    r"^(?!.*\b(?:l article|article|art[ií]culo|artigo|artikel|articolo|artikelnya)\b).*\bkratom\b.*\b(?:con|com|avec|mit|y|e|et|und) (?:(?:la|el|le|les|de|du|des|der|die|das|dem|o|a|un|une|ein|eine|einem|um|uma) ){0,2}(?:alcohol|álcool|alcool|alkohol|cerveza|cerveja|bière|bier|vino|vinho|vin|wein|melatonina|mélatonine|melatonin|medicamentos?|médicaments?|medikamente\w*|remédios?|pastillas|comprimidos|tabletten|xanax|antidepresivos|antidepressivos|antidépresseurs|antidepressiva)\b|\b(?:alcohol|álcool|alcool|alkohol|cerveza|cerveja|bière|bier|melatonina|mélatonine)\b.*\bkratom\b|\bkombinieren\b|\bmezclar\b|\bmisturar\b|\bmélanger\b",
    rf"^(?=.*\b(?:kratom|strain|strains|red vein|red strain|leaf|leaves|powder|capsules|caps)\b).*\b(?:{_NAMED_SUBSTANCES})\b",
    r"\b(?:put|started|has|have|got) me on (?!a |an |the |it\b|kratom)[a-z]{4,}\b|\b(?:take|use|have|keep taking) (?:them |it )?both\b|\bzz+quil\b",
    rf"\b{_DRUG_STEM}\b",
    rf"\b(?:{_BRANDS})\b",
    rf"\b(?:take|taking|use|using|mix|mixing|combine|combining|have|having|ok|safe|fine|okay)\b(?: \w+){{0,3}}? (?<!to do )(?:with|alongside|plus) (?:my |some |a |an |the )?(?!(?:{_ARTICLE_WORDS}|{_NOT_A_MIX})\b)[a-z]{{3,}}",
    rf"\bwhile (?:taking|on|using|i take|i am on|i m on) (?!(?:{_ARTICLE_WORDS}|{_NOT_A_MIX})\b)[a-z]{{4,}}",
    r"\bdaru\b|\bsharab\b|\bcampur\b|\bkopi\b|\bobat\b|\bdawai\b|\bsaath mein\b|\bsama alak\b|\balak\b|\bgamot\b",
    r"\bcyp ?\w*|\b(?:enzyme )?inhibitors?\b|\binducers?\b|\bpolypharmacy\b|\bcontraindicat\w*",
    r"^(?!.*\b(?:stimulant|sedative|stimulating|sedating)\b)(?:.*\b(?:at the same time|same time|together|at once|back to back|stack(?:ed|ing)?|combo)\b.*\bkratom\b|.*\bkratom\b.*\b(?:at the same time|same time|together|at once|stack(?:ed|ing)?|combo)\b)",
    rf"^\W*(?:kratom (?:and|with|plus|or|vs|on) (?!{_ARTICLE_WORDS}\b)(?![a-z]+(?:ing|ly)\b)[a-z]{{3,}}|(?!{_ARTICLE_WORDS}\b)(?![a-z]+(?:ing|ly)\b)[a-z]{{3,}} (?:and|with|plus) kratom)\W*(?:\w+\W*){{0,3}}$",
    r"^(?=.*\b(?:kratom|it)\b).*\b(?:i am|i m|im|currently|already|been|still) on (?!a |an |the |my way|vacation|holiday|day |week |it\b|kratom)\w+",
    rf"^(?=.*\bkratom\b).*(?<!should )(?<!could )(?<!would )(?<!can )(?<!do )(?<!may )(?<!much )(?<!many )(?<!often )(?<!when )(?<!if )\bi (?:take|use|am taking|have been taking|ve been taking|was prescribed|get prescribed) (?!(?:{_NOT_A_SUBSTANCE})\b)[a-z]{{3,}}",
    r"\b(?:is it safe|safe|ok|okay|fine|alright|bad|dangerous) to (?:drink|smoke|have a drink)\b",
    r"\bwith (?:my |prescription |prescribed |other |some )(?:opioids|opiates|opioid (?:meds|medication|painkillers|pills))\b|\b(?:take|taking|use|using|mix\w*|combin\w*) (?:kratom |it )?(?:and|alongside|plus) (?:my |prescription |prescribed |other )?(?:opioids|opiates)\b(?! receptors?)",
    r"^(?=.*(?:\bkratom\w*|\bketum\b|\bkrathom\b|กระท่อม)).*(?:\b(?:rivotril|álcool|alcool|alkohol\w*|piwo|wino|w[oó]dk\w*|leki|lekami|lekarstw\w*|tabletk\w*|pregabalin\w*|gabapentyn\w*|r[uư][oợ]u|bia|thu[oố]c(?: ng[uủ])?|daaru|sharaab|neend ki goli|goli|dawa|rak[iı]|i[cç]ki|alkol|bira|[sş]arap|ila[cç]\w*|uyku hap\w*|obat tidur|obat|somn[ií]feros?|schlaftablette\w*|sonnifer\w*|slaappil\w*|medicijn\w*|farmac[io]|m[eé]dicaments?|medicamentos?|rem[eé]dios?|ya kae puat|ya non ?lap|vino|vin|wein|bier|birra|bi[eè]re|cerveja|cerveza)\b|เหล้า|เบียร์|ยา)",
    rf"\b(?:take|taking|have|having|use|using|mix|mixing|combine|combining) (?:my |some |a |an |the )?(?!(?:{_NOT_A_SUBSTANCE}|{_ARTICLE_WORDS})\b)[a-z]{{3,}}(?: \w+)? (?:with|and|alongside|plus|together with) kratom\b",
    rf"^(?=.*\b(?:it|kratom|some|my dose|red bali|green|white|maeng)\b).*\b(?:{_ALCOHOL})\b|\bcom(?:e|ing) down (?:off|from)\b",
    r"^(?=.*\bkratom\b).*\b(?:did|doing|done|took|had|been on|high on|coming off|come off) (?:some |a line of |a bump of |lines of |a few lines of )?(?:coke|cocaine|crack|meth|speed|molly|mdma|ecstasy|acid|lsd|shrooms|ketamine|adderall|addy)\b|\b(?:to|for|help\w*(?: with)?|ease|easing|with|during|on) (?:the |my |a )?come ?downs?\b",
)

SPECIAL_RULES = _rx(
    r"\bgarbhavati\b|\bpregnant hoon\b|\bhamil\b|\bbuntis\b|\bmenyusui\b|\bnagpapasuso\b|\bbachch?[ae]\b|\banak (?:saya|ku)\b",
    r"\btrimester\b|\bweeks pregnant\b|\bexpecting\b|\bembarazada\b|\bgr[aá]vida\b|\benceinte\b|\bschwanger\b|\blactancia\b|\bamamant\w*|\ballait\w*|\bstillen?\b|\bamamentando\b",
    r"\b(?:hij[oa]s?|filh[oa]s?|fils|fille|sohn|tochter|ni[ñn][oa]s?|enfants?|kinder|beb[eé]s?|crian[çc]as?)\b|\b(?:madre|m[aã]e|m[eè]re|mutter|padre|p[aá]i|p[eè]re|vater|abuel[oa]|av[oó]|grand-m[eè]re|grand-p[eè]re|oma|opa)\b|\b\d+ (?:años|anos|ans|jahre)\b",
    r"\bnan\b|\bnanna\b|\bgran\b|\bgrandad\b|\bgranddad\b|\bfrail\b|\bover (?:6\d|[7-9]\d)\b|\bin (?:his|her|their|my) (?:60s|70s|80s|90s|sixties|seventies|eighties|nineties)\b|\b(?:is|am|i am|i m|turned|turning|aged?|he is|she is|man is|woman is) (?:6\d|[7-9]\d|1[01]\d)\b",
    r"^(?=.*\bkratom\b).*\b(?:6[5-9]|[7-9]\d|10\d)\b(?! ?(?:mg|mcg|g|gr|grams?|%|percent|min\w*|hours?|hrs?|pounds?|lbs?|kg|kilos?|dollars?|bucks|usd|euros?|days?|nights?|weeks?|months?|times?|x|pages?|studies|people)\b)",
    r"\b(?:i have|i ve got|i get|i suffer from|suffering from|i struggle with|diagnosed with|living with|i deal with) (?:\w+ ){0,2}(?:anxiety|depression|ptsd|adhd|ocd|panic attacks|migraines?|asthma|arthritis|heartburn|reflux|gout|psoriasis|eczema|lupus|endometriosis)\b",
    r"\b(?:peri)?menopaus\w*|\bhot flashes\b|\bhrt\b|\bhormone (?:therapy|replacement)\b",
    r"\batrial\b|\bfibrillation\b|\bflutter\b|\btachycardia\b|\bbradycardia\b|\bangina\b|\bcardiomyopathy\b|\bvalve\b",
    r"\banorexi\w*|\bbulimi\w*|\bbinge eating\b|\bspinal\b|\bwheelchair\b|\bparaly\w*|\bdown(?: s)? syndrome\b|\bsyndrome\b|\bautis\w*|\bcerebral palsy\b|\bdisab\w*|\binjur\w*|\bconcussion\b|\bbrain injury\b",
    r"\brecovering from\b|\breplacement\b|\bpost ?op\w*|\bhospitali[sz]ed\b|\bpulmonary\b|\bfibrosis\b|\bcystic\b|\bemphysema\b|\bbronch\w*|\bheart ?beat\b",
    r"\bdisorders?\b|\b(?:has|have|with|got|diagnosed with|suffers from) (?:ms|mnd|als|copd|ibs|pcos|pots|cfs|me cfs|hiv|gerd|adhd|ptsd|ocd|tbi|afib|chf|ckd)\b",
    r"\b(?:little |baby |younger |kid |lil )?(?:brother|sister|bro|sis|cousin|nephew|niece|friend|son|daughter|kid|child) (?:is|s|who is|who s) (?:only |just )?(?:1[0-7]|[1-9])\b",
    r"\bbun in the oven\b|\bmiscarri\w*|\bstillbirth\b|\bectopic\b|\bpumping\b|\bmilk supply\b|\bmy milk\b|\bstep ?(?:son|daughter|kid|kids|child|children)\b|\b(?:who is|who s|she is|he is) (?:only )?(?:1[0-7]|[1-9])\b|\b(?:from )?what age\b.{0,30}\b(?:safe|ok|okay|use|take|try)\b|\bhow old\b.{0,30}\b(?:safe|to use|to take|to try)\b",
    r"\bcare home\b|\bnursing home\b|\bassisted living\b|\bresidents\b|\bhospice\b|\bretirement home\b|\bmy pressure\b|\bpressure runs high\b|\bbl\w{1,3}d pressure\b|\bmy nerves\b|\bremission\b|\bthe big c\b|\bankles? swell\w*|\bswollen (?:ankles|legs|feet)\b|\bo?edema\b|\bsickle cell\b|\bthalass\w*|\bh(?:a)?emophilia\b|\bg6pd\b|\bgrand mal\b|\bpetit mal\b|\btonic clonic\b",
    r"\b(?:elevated|high|raised|abnormal|bad|off)\b.{0,20}\b(?:alt|ast|ggt|enzymes?|liver (?:numbers|tests|function)|kidney function|egfr|a1c|labs?|bloodwork|blood work|cholesterol|potassium|sodium)\b|\bbloodwork\b|\bblood work\b|\bblood tests? (?:showed|came back|results)\b",
    r"\bplacenta\w*|\bfetus\b|\bfoetus\b|\bunborn\b|\bin utero\b|\bembryo\b|\b(?:to|while|when|and|if i) bf\b|\bbf(?:ing)? (?:my|the|a)? ?(?:baby|newborn|bub|son|daughter)\b|\bebf\b|\bc ?section\b|\b(?:cesarean|caesarean)\b|\bgave birth\b|\bjust had (?:a|my|our) baby\b|\bzwanger\b|\bborstvoeding\b",
    r"\b(?:i have|i ve got|i got|i m|i am|i was diagnosed|diagnosed with|i suffer|suffering from|living with|i had|i just had|i ve had|my \w+ has|patient here)\b.{0,80}\b(?:is (?:kratom|it) (?:\w+ )?(?:safe|ok|okay|dangerous|a problem|risky|bad|a good idea|advisable|a safe option)|(?:safe|ok|okay|dangerous|risky|bad) for (?:me|someone like me|people (?:like me|with))|safe option|safe thing|should i avoid|can i (?:still )?(?:use|take|try) (?:kratom|it))\b",
    r"\bckd\b|\bt[12]dm?\b|\bcopd\b|\bafib\b|\bgerd\b|\bms patient\b|\bstage [1-5] (?:ckd|kidney|renal|liver|heart|cancer)\b",
    r"\b(?:high|low) bp\b|\bbp (?:is )?(?:high|low|meds|medication|issues|problems)\b",
    r"\bdefibrillator\b|\bicd\b|\bcpap\b|\bbipap\b|\bshunt\b|\bostomy\b|\bcolostomy\b|\bcatheter\b|\binsulin pump\b|\bimplanted\b",
    r"\bincinta\b|\ballatt\w*|\bdochter\b|\bzoon\b|\bumur (?:[1-9]|1[0-7]|[6-9]\d) tahun\b|\bsakit (?:jantung|buah pinggang|ginjal|hati|liver)\b|\bdarah tinggi\b|\bkencing manis\b|\bw ci[aą][zż]y\b|\bci[aą][zż]\w*|\bkarmi\w* piersi\w*|\bnerk\w*|\bemzir\w*|\bhamile\w*|\bgebe\w*|\bb[oö]brek\w*|\bkalp\w*|\btansiyon\w*|\bbp ki\b|\bsugar ki\b|\bdil ki\b|\bgarbhvati\b|\bmang thai\b|\bc[oó] b[aầ]u\b|\bcho con b[uú]\b|\bb[eệ]nh (?:tim|gan|th[aậ]n)\b|\bcao huy[eế]t [aá]p\b|\bti[eể]u [dđ][uư][oờ]ng\b|\bsakit sa puso\b|\balta presyon\b|ตั้งท้อง|ตั้งครรภ์|ให้นมลูก",
    r"\bbubs?\b|\bfeeding (?:her|him|them|the baby|bub|my baby|my son|my daughter)\b|\b(?:is|s|turned|just) \d+ (?:months?|weeks?)(?: old)?\b|\bticker\b|\b(?:had|have|get|gets|getting|having) (?:a |a couple of |some |the odd |occasional |a few )?fits\b|\bfits? in the past\b|\bout of rhythm\b",
    r"\bpsychiatr\w*|\bmanic\b|\bmania\b|\bhear(?:ing)? voices\b|\bmental health (?:team|service|services|nurse|worker|unit|ward)\b|\bpsych ward\b|\bsectioned\b|\b(?:in|at) (?:year|grade|yr) (?:[1-9]|1[0-2])\b|\b(?:year|grade) (?:[1-9]|1[0-2]) (?:student|kid|pupil)s?\b",
    r"\bgastric (?:bypass|sleeve|band)\b|\bbariatric\b|\bweight loss surgery\b|\benlarged (?:heart|liver|spleen|prostate)\b|\b(?:my )?(?:doc|doctor|gp|cardiologist|physician|specialist|nurse) (?:says|said|told me|thinks|found|diagnosed) (?:that )?(?:i|i ve|i have|my)\b",
    r"\bhep ?[abc]\b|\bhepatitis\b|\bheart attacks?\b|\bstrokes?\b|\bbypass surgery\b|\bstents?\b",
    r"\bpregnan\w*|\bpreggo\b|\bexpecting (?:a )?baby\b|\bconceiv\w*|\bttc\b|\bfertility\b|\bivf\b|\biui\b|\begg (?:retrieval|freezing)\b|\btrying for a baby\b",
    r"\bbreast ?feed\w*|\bbreast ?fed\b|\bnursing\b|\blactat\w*|\bpost ?partum\b|\bbreast milk\b",
    r"\b(?:newborn|baby|babies|infant|infants|toddler|toddlers|child|children|childs|kid|kids|son|daughter|teen|teens|teenager|teenagers|adolescent|adolescents|minor|minors|underage|under age|high school\w*|middle school\w*|youth|young people|my students?)\b",
    r"\b(?:i am|i m|im|she is|he is|they are|aged?) (?:only )?(?:1[0-7]|[1-9])\b|\b(?:1[0-7]|[1-9]) ?(?:years? old|yrs? old|yo|y o)\b|\bunder (?:18|eighteen|21)\b",
    r"\b(?:[6-9]\d|1[01]\d) ?(?:years? old|yrs? old|yo|y o)\b|\b(?:i am|i m|she is|he is) (?:[7-9]\d)\b",
    r"\b(?:elderly|senior|seniors|older (?:adults?|people|person|relatives?|parents?|folks|patients)|old people|aging parents?|grand(?:ma|pa|mother|father|parents?|mum|dad)|granny|nana|my (?:mom|mother|mum|dad|father|parents|aunt|uncle)|retiree)\b",
    r"\b(?:liver|hepat\w*|cirrhosis|fatty liver|kidneys?|renal|dialysis|heart (?:condition|disease|problems?|issues?|failure|murmur|rhythm)|arrhythmia|afib|a fib|pacemaker|blood pressure|hypertension|hypotension|diabet\w*|epilep\w*|seizure disorder|history of seizures|asthma|copd|lung disease|sleep apnea|apnea|apnoea|depress\w*|bipolar|schizo\w*|psychosis|ptsd|adhd|anxiety disorder|panic (?:disorder|attacks)|mental (?:illness|health condition)|cancer|chemo\w*|hiv|thyroid|glaucoma|stroke|dementia|alzheimer\w*|parkinson\w*|surgery|operation|anesthesia|anaesthesia|allerg\w*|immunocompromised|autoimmune|lupus|crohn\w*|ibs|gerd|ulcers?|migraines?|chronic pain|fibromyalgia|restless legs?|rls|narcolepsy|insulin|blood clots?|anemia|anaemia|covid)\b",
    r"\b(?:medical|health|heart|liver|kidney|lung|mental|chronic|pre ?existing|underlying) (?:condition|conditions|problem|problems|issue|issues|disease|illness|disorder)\b",
    r"\b\w*(?:thyroid|diabet|epilep|hepat|cardi[ao]|arrhythm|hypertens|hypotens|asthma|apnea|apnoea|cirrho|bipolar|schizo|dementia|parkinson|alzheimer|lupus|arthritis|fibromyalg|migraine|anemi|anaemi|emphysema|glaucoma|pancrea|gallbladder|crohn|colitis|celiac|coeliac|tumou?r|leukemi|lymphoma|sclerosis|dialysis|transplant)\w*",
    r"\b(?:i have|i ve got|i got|i suffer from|suffering from|i was diagnosed with|diagnosed with|living with|i am being treated for|treated for|my \w+ has) (?:a |an |some |bad |severe |mild )?\w*(?:itis|osis|ism|emia|aemia|oma|pathy|algia|plegia|iasis|trophy|penia|uria|ectomy|esis|asis|ysis|plasia)\b",
    r"\b(?:i have|i ve got|i got|i suffer from|i was diagnosed with|diagnosed with|my doctor said i have|i am being treated for) (?:a |an )?\w+ (?:disease|disorder|condition|syndrome|problem|problems|issues?)\b",
)

DEPENDENCE_RULES = _rx(
    r"^(?=.*\bkratom\b).*\bw ?ds?\b|\b(?:day|days|week|weeks|month|months|\d+) (?:\w+ )?off (?:kratom|it)\b|\boff kratom\b|\bclean (?:for|since)\b",
    r"\b(?:support groups?|treatment|help|therapy|counsel\w*|rehab|programs?|meetings?|clinics?)\b.{0,40}\b(?:addiction|dependence|addicted|habit|recovery)\b",
    r"\bdejar (?:el |de )?kratom\b|\bdejo el kratom\b|\bparar (?:de |com )?\w*\b.*\bkratom\b|\bcomo (?:eu )?paro\b|\barr[eê]ter\b|\baufh[oö]ren\b|\baufgeh[oö]rt\b|\bentzug\w*|\babstin[eê]ncia\b|\babstinencia\b|\bsevrage\b|\bd[eé]pendant\b|\bdependiente\b|\bdependente\b|\babh[aä]ngig\b|\bviciad[oa]\b|\badict[oa]\b|\bsin [eé]l\b|\bsem ele\b|\bsans lui\b",
    r"\b(?:want|wanna|trying|try|need|how|going|plan|planning|ready|decided|time) (?:to )?stop\b|\bquit\w*|\bstop(?:ping|ped)? (?:taking|using|kratom|it|cold|doing)\b|\bgive (?:it |kratom )?up\b|\bgiving (?:it |kratom )?up\b",
    r"\bwith ?draw\w*|\bw ?d(?:s)?\b(?=.*\bkratom\b)|\bwithdrawl\w*|\bw/d\b",
    r"\btaper\w*|\bdetox\w*|\bcold turkey\b|\bwean\w*|\bget(?:ting)? off (?:of )?(?:kratom|it)\b|\bcom(?:e|ing) off (?:of )?(?:kratom|it)\b|\bkick\w* (?:the|my|this|a)? ?habit\b",
    rf"\b{_ME}\b.{{0,30}}\b(?:addicted|hooked|dependent|dependant|addiction|habit)\b",
    rf"\b(?:my|our) {_PERSON}\b.{{0,30}}\b(?:addicted|hooked|dependent|addiction|habit)\b",
    r"\bskip\w*\b.*\b(?:kratom|dose|it)\b|\bmiss(?:ed|ing)? (?:my|a) (?:dose|kratom)\b|\b(?:when|whenever|if) i (?:do not|skip|miss|stop|run out)\b|\brun(?:ning)? out of (?:kratom|it)\b",
    r"\b(?:can not|cannot|unable to|ca not) (?:stop|quit|cut down|cut back|sleep without)\b|\bcut(?:ting)? (?:down|back)\b",
    r"\b(?:addiction|dependence|dependency|addicted|habit)\b.{0,20}\b(?:help|support|treatment|rehab|advice)\b|\bruns? out\b|\bran out\b|\bchhod\w*|\bchod(?:na|ni|un)\b|\bberhenti\b|\bketagihan\b|\bsakau\b",
    r"\bsobri\w*|\b(?:na|aa) meetings?\b|\bnarcotics anonymous\b|\bmy sponsor\b|\bclean time\b|\b(?:years?|months?|days?) clean\b",
    r"\brehab\b|\brecovery\b|\bin recovery\b|\brelaps\w*|\bcravings?\b|\bsober\w*|\bsubstance use disorder\b|\bsud\b|\bclean from\b",
    r"\btr(?:y|ied|ying) to (?:stop|quit|cut|get off|come off)\b|\bkeep (?:going back|relapsing|coming back|using it|taking it)\b|\bgo(?:ing)? back to (?:it|kratom)\b",
    r"\b(?:i|my body|my brain|i am|am i|he|she|he is|she is|my \w+|my \w+ is) (?:\w+ )?depend(?:s|ent|ant|ing)? on (?:it|kratom|this stuff)\b|\btolerance\b|\bde plus en plus\b|\bcada vez m[aá]is?\b|\bimmer mehr\b|\bsempre di pi[uù]\b|\bneed (?:more and more|more|a lot more|higher|bigger)\b.{0,40}\b(?:feel|work|effect|sleep|same)\b",
    r"\buntil i (?:take|have|get|use) (?:my|some|it|kratom)\b|\b(?:stopped|quit|quitting|stopping) (?:\w+ ){0,3}(?:ago|days?|weeks?|months?)\b|\bsince (?:i )?(?:stopped|quit)\b",
    r"\baddict\w*\b.*\bif i\b|\bif i\b.*\baddict\w*|\bstop(?:s|ped)? working\b|\bnot working (?:anymore|any more|like before)\b|\bdoes not work (?:anymore|any more|like it used to)\b|\bwears? off (?:faster|sooner|quicker)\b",
    r"\b(?:my|his|her|their) (?:kratom )?use\b.*\b(?:problem|out of control|too much|habit)\b|\bturned into a problem\b|\bproblem with kratom\b|\bwhen i (?:have not|haven t|do not|don t|did not|didn t) (?:had|have|take|taken|used|use) (?:my |any )?(?:kratom|it)\b",
    r"\b(?:can not|cannot|can t) (?:sleep|function|cope) (?:at all |anymore |any more )?without\b|\bis (?:that|this|it) (?:dependence|addiction|withdrawal|a dependency)\b",
    r"\bstop needing\b|\bfeel normal\b|\bneed (?:kratom|it) (?:just )?to (?:function|feel|sleep|fall asleep|get to sleep|get through|get by|work|live)\b|\b(?:can not|cannot) (?:function|sleep|live|cope) without (?:it|kratom)\b|\bwithout (?:my|it|kratom) i (?:feel|get|can not)\b",
    r"\bsince (?:i )?(?:stopped|quit)\b|\bafter (?:i )?(?:stopped|quit)\b|\bsleep without (?:it|kratom)\b",
    r"\b(?:like|as (?:much|well) as) it used to\b|\bdoes not (?:knock me out|work|hit|do (?:anything|much|it)) (?:like|as|anymore|any more)\b|\b(?:on )?(?:the )?days? (?:i|he|she|they) (?:do not|don t|does not|doesn t|skip|miss|go without)\b|\bwhen (?:i|he|she) go(?:es)? without\b",
    r"\b(?:\d+|one|two|three|four|five|six|seven|a few|a couple of|couple of|several) (?:days?|nights?|weeks?) without (?:it|kratom)\b|\bgot a hold (?:of|on) (?:me|him|her|them)\b|\bhas a hold (?:of|on)\b|\bgot (?:its )?hooks in\b|\bget (?:myself|himself|herself|themselves|me|him|her|them) off (?:of )?(?:it|kratom)\b|\blast (?:night|time|dose|one) (?:i|he|she|ever)\b|\bkeep telling myself\b",
    r"\bsigns? (?:of|that|someone|somebody|he|she|they|i|my)\b.{0,30}\b(?:hooked|addict\w*|dependen\w*)\b|\b(?:he|she|they) (?:is|s|are|re|has|has been|got|seems|seem|is getting|s getting) (?:\w+ )?(?:hooked|addicted|dependent)\b|\bturned into an? (?:addiction|habit|dependen\w*|problem)\b|\b(?:dependent|dependant|addicted|hooked)\b.{0,40}\bfrom (?:using|taking) (?:it|kratom)\b",
    r"^(?!.*\b(?:can|could|does|do|is|are|will|would|might|may|how|why|what|which|article)\b).*\b(?:hooked on|addicted to|dependent on|dependant on)\b",
    r"\bhotline\b",
    r"\bsmess[oa]\b|\bsmettere\b|\bastinenza\b|\bdipendenza\b|\bstoppen met\b|\bafkick\w*|\bontwenning\w*|\bverslaa?f\w*|\btumigil\b|\bitigil\b|\bhuminto\b|\bcai (?:kratom|nghi[eệ]n)\b|\bng[uư]ng\b|\bng[uừ]ng\b|\bnghi[eệ]n\b|\bodstaw\w*|\buzale[zż]\w*|\brzuci[cćł]\w*|\bb[iı]rak\w*|\byoksunluk\b|\bba[gğ][iı]ml\w*|เลิก",
    r"\bhow (?:do|can|should|would|could) (?:i|we|you|he|she|they|one|someone) (?:stop|quit)\b|\bused to (?:knock|work|help|put)\b.*\b(?:now|anymore|any more|barely|doesn t|does not|not)\b|\bbarely (?:works|working|does anything)\b",
    r"\b(?:can t|cannot|can not) (?:fall asleep|sleep|get to sleep)\b.{0,40}\bunless\b|\bsleep(?:ing)? on my own\b|\bwind (?:down|off) (?:my )?(?:use|kratom|intake)\b|\bgradually\b.{0,30}\b(?:stop|less|reduce|off|down|quit)\b|\breduc\w* (?:my )?(?:use|intake)\b|\b(?:that s|that is|that has|it s|it is|it has) happened to me\b|\bhappening to me\b|\bcontrols? my life\b|\brul(?:es|ing) my life\b|\btaken over my life\b",
    r"\bget off (?:my |the |his |her )?(?:pain pills|painkillers|opioids|opiates|pills|meds|heroin|methadone|suboxone|oxy\w*|fentanyl|percs?)\b|\b(?:use|using|take|taking) kratom to (?:get off|quit|stop|come off|kick|replace)\b",
    r"\bhelp (?:him|her|them|my \w+) (?:to )?(?:stop|quit|get off|come off|cut down|taper)\b",
    r"\bkratom flu\b|\bthe kicks\b|\bjones(?:ing)?\b|\bfiend(?:ing)?\b|\bkick(?:ing)? (?:kratom|it|the stuff|the habit)\b|\bsince my last (?:cup|dose|one|hit|capsule|caps|time|tea|shot)\b|\bgoosebumps\b|\brunny nose\b|\bneed(?:s|ing)? more (?:and more |of it )?(?:to|for) (?:get|feel|have|sleep)\b",
    r"\b(?:dependent|dependant|addicted|hooked)\b.{0,40}\b(?:in (?:just |only )?(?:a few |a couple of |\d+ )?(?:days?|weeks?|months?)|how (?:long|fast|quickly|soon))\b|\bhow (?:long|fast|quickly|soon)\b.{0,40}\b(?:dependent|dependant|addicted|hooked)\b",
    r"\bvom kratom\b.*\blos\b|\blos ?(?:zu )?(?:kommen|werden)\b|\bweg vom kratom\b|\bdeixar (?:o |de )?kratom\b|\blarg(?:ar|o) (?:o )?kratom\b",
    r"\b(?:dependent|dependant|addicted|hooked)\b.*\bif (?:i|you|one|someone) (?:only |just |really )?(?:use|uses|take|takes|have|has)\b|\bif (?:i|you) (?:only |just )?(?:use|take) (?:it|kratom)\b.*\b(?:dependent|dependant|addicted|hooked)\b",
)


_UNITS = ("g gr gm gms gram grams gramm gramms mg mgs milligram milligrams mcg ml oz ounce ounces "
          "tsp tsps teaspoon teaspoons tbsp tablespoon tablespoons spoon spoons spoonful scoop "
          "scoops cap caps capsule capsules pill pills tab tabs tablet tablets shot shots "
          "serving servings dose doses dropper droppers").split()
_NUMBER_THEN_WORD = re.compile(
    r"\b(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|half|a few|a couple)"
    r" ?([a-z]{2,12})\b"
)


def _misspelt_amount(text: str) -> bool:
    """A number followed by a misspelt or clipped unit: "1 tspn", "2 gramz", "3 capsuls"."""
    for match in _NUMBER_THEN_WORD.finditer(text):
        word = match.group(1)
        if len(word) < 3 or word in {"year", "years", "yrs", "old", "hours", "hour", "days", "day",
                                     "weeks", "week", "months", "times", "am", "pm", "min",
                                     "mins", "minutes", "nights", "night"}:
            continue
        limit = 1 if len(word) <= 6 else 2
        hit = extractOne(word, _UNITS, scorer=DamerauLevenshtein.distance, score_cutoff=limit)
        if hit or any(unit.startswith(word) for unit in _UNITS if len(unit) >= 5):
            return True
    return False


# Real words that are never "corrected" into a rule word ("relaxing" is not "relapsing"): the
# article's and the FAQ's vocabulary and ordinary words seen in questions, kept with the code.
_ENGLISH = frozenset(Path(__file__).with_name("english_words.txt")
                     .read_text(encoding="utf-8").split()) - set(_VOCAB)
_VOCAB_BY_INITIAL: dict[str, tuple[str, ...]] = {}
for _word in sorted(set(_VOCAB)):
    _VOCAB_BY_INITIAL[_word[0]] = (*_VOCAB_BY_INITIAL.get(_word[0], ()), _word)


# An amount of something that is not kratom ("how many glasses of water a day", "how many hours
# of sleep do adults need", "how much caffeine is too much") is not a kratom dosing question: with
# nothing that may stand for kratom, the general dosing rules leave it to the scope check. A
# pronoun, a product form or a strain keeps it a dosing question ("how much water with it").
_ABOUT_SOMETHING_ELSE = re.compile(
    r"\b(?:water|glasses|coffee|caffeine|espresso|sugar|salt|protein|calories|fiber|vitamins?|"
    r"steps|hours of sleep|hours? (?:of|do|does) (?:sleep|rest)|sleep (?:do|does) \w+ need|"
    r"melatonin|magnesium|iron|zinc|exercise|screen time)\b")
_KRATOM_CONTEXT = re.compile(
    r"\b(?:kratom|kratum|kratem|ketum|mitragyn\w*|speciosa|7 ?oh|hydroxy\w*|alkaloids?|strains?|"
    r"veins?|maeng|bali|borneo|thai|malay|leaf|leaves|powder|capsules?|caps|pills?|tablets?|"
    r"extract|shots?|tea|it|its|this|that|them|these|those|some|dose|doses|dosage|grams?|g|mg|"
    r"scoops?|spoons?|teaspoons?|tsp|red|green|white|yellow|gold)\b")


@lru_cache(maxsize=4096)
def assess(question: str) -> Verdict | None:
    """Screen one question: an emergency or referral verdict, or None when it may be matched."""
    variants = _variants(question)
    for topic, rule in EMERGENCY_RULES:
        if any(rule.search(v) for v in variants):
            return Verdict("emergency", topic)
    if any(INJECTION_RULES.search(v) for v in variants):
        return Verdict("referral", INJECTION)
    if any(has_dose_amount(v) or _misspelt_amount(v) for v in (question, *variants)):
        return Verdict("referral", DOSING)
    # The specific topics come before the general dosing rules so that "how much kratom while
    # pregnant" gets the pregnancy referral; every one of them is a referral either way.
    for topic, rules in ((DEPENDENCE, DEPENDENCE_RULES), (INTERACTION, INTERACTION_RULES),
                         (SPECIAL_POPULATION, SPECIAL_RULES)):
        if any(rules.search(v) for v in variants):
            return Verdict("referral", topic)
    if any(DOSING_RULES.search(_DOSE_TOPIC.sub(" ", v)) for v in variants) and not any(
            _ABOUT_SOMETHING_ELSE.search(v) and not _KRATOM_CONTEXT.search(v) for v in variants):
        return Verdict("referral", DOSING)
    return None
