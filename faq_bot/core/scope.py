"""Questions the FAQ must never answer even when they share its words: where to buy, which
vendor or brand, prices, and the law. They get the fallback, with a reason."""

from __future__ import annotations

import re

from faq_bot.core.normalize import KRATOM_NAMES, normalise

# Sellers as the source of a claim ("or is that just what sellers say?") are not buying.
_VENDOR = re.compile(
    r"\b(?:buy|buying|bought|purchase|purchasing|order|ordering|shop|shops|store|stores|(?:vendor|vendors|seller|sellers)(?! (?:say|says|said|claim|claims|claimed|tell|tells|told|promise|promises|promised|advertise|advertises|hype|hypes|push|pushes|make it sound)\b)|supplier|suppliers|brand|brands|retailer|dealer|source for(?! (?:that|this|the (?:claim|quote|answer|statement|article|line)))|(?:get|find|pick up|grab) (?:it|kratom|some|any)(?: kratom)? (?:from|online|near|at (?:a |the )?(?:target|cvs|kroger|tesco|boots|pharmacy|drugstore|supermarket|health food store|corner shop|vape shop|dispensary|mall))|walmart|walgreens|costco|online|near me|ship|shipping|deliver\w*|price|prices|pricing|cost|costs|cheap|cheapest|discount|coupon|promo|best deals?|good deals?|deals on|sale|sell|selling|sells|amazon|smoke shop|head shop|gas station)\b"
    r"|\bwhere (?:can|do|should|to) (?:i |you |one )?(?:get|find|buy|order)\b"
    r"|\b(?:which|what) (?:kratom )?(?:brand|product|company|vendor|shop|website|site)\b"
    # Buying, selling and prices in the other languages the service reads, whether or not the
    # question is long enough for its language to be recognised ("onde compro kratom?").
    r"|\b(?:compr(?:o|a|as|an|ar|amos|ei|ou|e|en)|comprarl[oa]s?|vend(?:o|e|en|em|er|re|eur)|"
    r"ach[eè]te|acheter|achat|kauf(?:e|en|t)?|gekauft|verkauf\w*|kharid\w*|tienda|loja|"
    r"boutique|precio|pre[cç]o|prix|preis)\b"
)
# A shop only mentioned as where the asker saw it, or its staff as who said something ("what is
# kratom? keep seeing it at the gas station", "the head shop guy was useless"): asks nothing
# about buying, so it is read without them. "where can I buy it" still is buying.
_SEEN_AT_A_SHOP = re.compile(
    r"\b(?:see|sees|seeing|saw|seen|noticed|notice|noticing|spotted|spot|found)\b(?: \w+){0,4} "
    r"(?:at|in) (?:the |a |my |our |local |every |all the )*(?:gas stations?|smoke shops?|head shops?|"
    r"vape shops?|corner shops?|shops?|stores?)\b"
    r"|\b(?:gas station|smoke shop|head shop|vape shop|shop|store) (?:guy|guys|girl|clerk|owner|"
    r"person|people|staff|employee|worker|cashier)s?\b")
_LEGAL = re.compile(
    # "my brother in law" is family, not the law.
    r"(?<!\bin )\blaws?\b|"
    r"\b(?:legal|illegal|legality|legally|lawful|banned|ban|bans|prohibited|outlawed|controlled substance|scheduled|schedule [i1v]+|dea|arrested|police|customs|allowed in|permitted in|decriminali[sz]ed|prescription required|age limit|age restriction|plane|planes|flight|flights|fly with|flying with|airport|tsa|travel\w*|border|abroad|carry on|luggage)\b"
)
# Topics near the article's words that it does not cover; listed so they never match an entry.
_UNCOVERED = re.compile(
    r"\b(?:employer|employers|my boss|workplace|my job|(?:will|would|could|can|might|do|does) (?:my \w+|they|anyone|anybody|someone|somebody|people|the \w+|he|she|work) find out|drug tests?|drug screens?|show up on|test positive|urine test|grow(?:ing)? (?:a |an |my |your |some )?(?:own )?(?:kratom|tree|plant|it|one)s?\b(?! naturally)|grow(?:ing)? (?:\w+ ){0,3}(?:at home|indoors|outdoors|in a pot|in (?:my|our|a|the) (?:garden|yard|backyard|greenhouse|balcony))|how (?:is|are) (?:the |kratom )*(?:powder|capsules?|extracts?|tinctures?) (?:made|produced|processed|manufactured)\b|(?:processing|manufactur\w*) (?:of )?(?:the )?(?:kratom|leaves|powder)\b|cultivat\w*|plant (?:it|kratom|a)|seeds?|stocks?|ticker|invest(?!iga)\w*|recipe|pets?|dogs?|cats?|horses?|"
    # Pharmacokinetics, which the article never covers: a half-life, how long it stays in the
    # body ("7-OH half life?", "how long does mitragynine stay in your system?").
    r"half ?lifes?|half ?lives|elimination|(?:stays?|stay|remain\w*|last\w*) in (?:your|the|my) "
    r"(?:system|body|blood)|"
    # Uses the article never mentions: focus, productivity, studying, workouts.
    r"(?:good|better|best|great|used|use it|take it) for (?:my )?(?:focus|focusing|concentration|concentrating|productivity|studying|workouts?|the gym|pre ?workout)|"
    r"help\w* (?:me |you )?(?:with )?(?:my )?(?:focus|concentration|productivity|studying)\b|"
    # Everyday subjects no entry touches: the weather, sports, the news.
    r"weather|forecast|rain|raining|snow|snowing|sunny|temperature outside|"
    r"(?:football|soccer|baseball|basketball|cricket) (?:score|game|match)|election)\b"
)


# Other remedies asked about on their own: the article covers kratom only.
_REMEDIES = (
    r"(?:magnesium|ashwagandha|valerian|chamomile|lavender|cbd|thc|weed|cannabis|marijuana|benadryl|zzzquil|nyquil|unisom|trazodone|ambien|zolpidem|lunesta|passionflower|"
    # other herbs and drugs people take for sleep or calm, kratom's neighbours on forums
    r"kava|kava kava|phenibut|kanna|blue lotus|skullcap|hops|california poppy|mugwort|"
    r"doxylamine|diphenhydramine|hydroxyzine|quetiapine|seroquel|mirtazapine|gabapentin|"
    r"lemon balm|glycine|gaba|l theanine|theanine|5 htp|tart cherry|sleeping pills?|sleep meds|alcohol|drinking|booze|coffee|caffeine|melatonin (?:a |an )?(?:gummies|supplements?|pills?|tablets?|work|works|help|helps|good|safe|effective|better|best|dose|dosage)|white noise|brown noise|tv|television|the tv on|lights on|pink noise|mattress\w*|pillows?|naps?|napping|blue light|screens?|phone|sleep hygiene|sleep trackers?|sleep apps?|apps?|podcasts?|books?|documentar\w*|youtube|videos?|movies?|cbt ?i|meditation|yoga|exercise|weighted blankets?|earplugs?|sleep mask|sleep schedule|bedtime routine)"
)
_OTHER_REMEDY = re.compile(rf"\b{_REMEDIES}\b")
# Kratom weighed against another remedy ("is it better than valerian root?", "kratom or
# melatonin, which works better?"): the article compares kratom with nothing.
_AGAINST_REMEDY = re.compile(
    r"\b(?:better|worse|safer|stronger|weaker|more effective|less effective|gentler|milder|"
    r"healthier|more natural) than (?:a |an |the |taking |using |just |regular )?"
    rf"{_REMEDIES}\b"
    rf"|\b(?:vs|versus|or|compared (?:to|with)|instead of|rather than) (?:a |an |the )?"
    rf"{_REMEDIES}\b(?=.*\b(?:better|worse|safer|stronger|best|which|more effective|"
    r"recommend\w*|prefer\w*|choose)\b)"
)
# General sleep advice, asked without kratom: not what the article is about.
_SLEEP_TIPS = re.compile(
    r"\b(?:tips?|advice|ways?|tricks?|hacks?|how (?:can i|do i|to|should i)|help me)\b(?: \w+){0,4} (?:fall(?:ing)? asleep|sleep (?:better|faster|more|well|through)|stay(?:ing)? asleep|get (?:to sleep|more sleep|better sleep))\b"
    r"|\bwithout (?:taking )?(?:anything|any (?:pills|meds|drugs|supplements))\b"
)
_SCIENTIFIC_NAME = re.compile(r"\bwho (?:wrote|writes|authored|published|is the author of|are the authors of)\b(?!.*\b(?:article|this|it|faq|source|piece|text|post|page)\b)|\bhow (?:do|can) i get to\b|\bflights? to\b|\bvisit(?:ing)? (?:bali|borneo|indonesia|thailand|malaysia|asia)\b|\bholiday\b|\bvacation\b|\btrip to\b|\bwho (?:discovered|discoverd|invented|found|named|first described)\b|\bchemical (?:formula|structure)\b|\bmolecular (?:formula|weight|structure)\b|\bwhat time is it\b|\bwhat is the time\b|\bwhat day is it\b|\btoday s date\b|\b(?:scientific|latin|botanical|binomial) name\b|\bgenus\b|\bspecies\b|\bfamily (?:of )?plant\b|\b(?:called|named|known as|the word for it|mean|means) in (?:thai|malay|indonesian|bahasa|vietnamese|tagalog|burmese|khmer|lao|chinese|japanese|other languages)\b|\blocal names?\b")


# Kratom or the article named: "Podcast prep: how does the article explain low and high
# doses?" is about the article, whatever else it names.
_KRATOM_OR_ARTICLE = re.compile(rf"\b(?:{KRATOM_NAMES}|mitragyn\w*|hydroxymitragynine|"
                                r"7 ?oh|alkaloids?|article|author)\b")


# What ties a question to kratom or the article. Without any of it (or a pronoun that may stand
# for kratom), a question about sleep in general is not one the article answers: "how many hours
# of sleep do adults need", "what is a body clock". It must not catch "does it help you sleep".
DOMAIN = re.compile(
    rf"\b(?:{KRATOM_NAMES}|kratoms|mitragyn\w*|mitragynine|speciosa|7 ?oh|7 hydroxy\w*|"
    r"hydroxymitragynine|alkaloids?|strains?|veins?|maeng da|bali|borneo|thai|malay|indo|leaf|"
    r"leaves|powder|capsules?|article|author|faq|it|its|this|that|they|them|these|those)\b"
    # The article asked about as a text ("what's the big picture here", "the takeaway", "tl;dr
    # of this page", "does the writer think..."): the conclusion or the introduction.
    r"|\b(?:takeaway|take away|big picture|bottom line|main (?:point|claim|message|idea)|tl ?dr|"
    r"the (?:writer|piece|post|page|text|conclusion|intro|introduction))\b"
    # The strains named by colour alone ("which colour is the sleepy one", "the red one",
    # "red vs green vs white", "is there a reason red is linked with relaxation").
    r"|\b(?:colou?rs?|varieties|variety|the (?:red|green|white) (?:ones?|kind|type|stuff))\b"
    r"|\b(?:red|green|white) (?:vs|versus|or|and) (?:red|green|white)\b"
    r"|\b(?:red|green|white) (?:is|are|ones are|one is) (?:\w+ ){0,2}(?:linked|associated|"
    r"connected|tied|said|supposed|known|considered|thought|more|less|better)\b"
    # The article's claimed mechanism named as a thing of its own ("the melatonin effect", "the
    # serotonin -> melatonin thing", "is the melatonin link proven?"): its claim, not sleep in
    # general ("what does melatonin do" still is).
    r"|\b(?:the |that |this )?(?:serotonin |dopamine )?(?:melatonin|serotonin|dopamine) "
    r"(?:effect|effects|thing|claim|link|part|bit|connection|pathway|mechanism|idea|theory|"
    r"story|chain|route)\b"
    # The article's chain named end to end ("how is serotonin connected to melatonin?").
    r"|\bserotonin\b.{0,40}\bmelatonin\b|\bmelatonin\b.{0,40}\bserotonin\b")
# What the learned entry model may be asked about: kratom or the article, or the article's own
# mechanism and claims named without kratom ("is the melatonin effect direct or indirect", "do
# the sedative effects grow with the amount"). The model's rescue line is chosen with this gate.
MODEL_DOMAIN = re.compile(
    DOMAIN.pattern + r"|\b(?:serotonin|dopamine|melatonin|opioids?|receptors?|neurotransmitters?|"
    r"sedati\w*|stimulat\w*|sedative effects?|7-?oh|long term use|long-term use)\b")
_GENERAL_SLEEP = re.compile(
    r"\b(?:circadian|body clock|internal clock|sleep cycles?|rem|deep sleep|light sleep|hours of "
    r"sleep|how much sleep|how many hours|sleep (?:do|does) (?:adults|people|kids|teens|we|i) "
    r"need|insomnia|jet lag|sleep deprivation|sleep debt|night owl|early bird|dreams?|"
    r"nightmares?|snor\w*|sleepwalk\w*|warm milk|chamomile|counting sheep|sleep hygiene|"
    r"melatonin|"
    # Waking in the night as a complaint of its own: "why do I keep waking up at 4am".
    r"(?:wake|wakes|waking|woke) up (?:at|in the (?:middle|night)|during|every|too early|so early|"
    r"early|several times|multiple times|a lot)|keep waking|waking up (?:tired|exhausted))\b")


# Other remedies asked for by name of kratom: "what helps with sleep besides kratom".
_INSTEAD = re.compile(
    r"\b(?:what|which|any|other|recommend\w*|suggest\w*)\b.*\b(?:besides|other than|instead of|"
    r"apart from|aside from|alternatives? to|except|rather than|in place of) kratom\b"
    r"|\b(?:better|worse|safer|stronger|more effective|less effective) than kratom\b"
)


def names_uncovered_topic(reading: str) -> bool:
    """Whether an English reading names a topic near the article's words that it does not cover
    (growing it, drug tests, the weather): words, not word order, so a reading can be asked."""
    # Except "plant kratom" and "grow": a reading keeps no word order, so "plant" may be the
    # noun ("planta de kratom") and "grow plant" where it grows ("onde cresce a planta");
    # the glossaries read growing it oneself as "cultivate" ("magtanim", "uprawiać").
    return any(not m.group(0).startswith(("plant ", "grow"))
               for m in _UNCOVERED.finditer(normalise(reading)))


def out_of_scope_reason(question: str) -> str | None:
    """'vendor', 'legal' or 'default' when the question is one the FAQ must not
    answer, else None."""
    reason = out_of_scope_by_its_words(question)
    if reason is not None:
        return reason
    text = normalise(question)
    if not _KRATOM_OR_ARTICLE.search(text) and (_OTHER_REMEDY.search(text)
                                                or _SLEEP_TIPS.search(text)):
        return "default"
    if _GENERAL_SLEEP.search(text) and not DOMAIN.search(text):
        return "default"
    return None


def out_of_scope_by_its_words(question: str) -> str | None:
    """The reason of out_of_scope_reason told by what the question names (buying, the law,
    the weather, another remedy weighed against kratom), leaving out sleep asked about without
    kratom named: a follow-up pointing back ("how does binding to those help me fall
    asleep?") is about the conversation's subject."""
    text = normalise(question)
    if _VENDOR.search(_SEEN_AT_A_SHOP.sub(" ", text)):
        return "vendor"
    if _LEGAL.search(text):
        return "legal"
    if (_UNCOVERED.search(text) or _SCIENTIFIC_NAME.search(text) or _INSTEAD.search(text)
            or _AGAINST_REMEDY.search(text)):
        return "default"
    return None
