"""Name variants: how one person's name is written in passports, letters and by hand.

Every backend asks this module, so the database finds what Elasticsearch finds. A name is
reduced to three levels of keys:

* **fold** (level 0): Latin lower case without diacritics (``Öztürk`` → ``ozturk``) plus the
  German umlaut spelling (``oeztuerk``); Cyrillic is transliterated by the passport systems
  (ICAO 9303, Ukrainian national 2010) and by German transcription (Duden).
* **phonetic** (level 1): transliteration systems collapsed (``sch``/``sh``/``zh`` → ``x``,
  ``tsch``/``ch`` → ``q``, ``kh`` → ``h``, ``ts``/``tz`` → ``c``, ``w`` → ``v``,
  ``j``/``y`` → ``i``, ``ou`` → ``u``, double letters single).
* **skeleton** (level 2): the consonants of the phonetic key with voicing merged, so Arabic
  vowel variants (Mohammed / Muhammad / Mohamad) and German/passport sibilants meet.

Ranking compares a query with a person token by token, in either order, allowing adjacent
query words to join (``Gebre Medhin`` → ``Gebremedhin``) and one typo (Damerau–Levenshtein).

Other scripts: a word in any non-Latin script keeps its written form as a key (the person's
native name matches exactly) next to a Latin reading. Arabic script (Arabic, Persian) is read
as consonants and long vowels (``_arabic_spellings``), and compared with Latin spellings by
consonant frame and written long vowels (:func:`_arabic_fit`), so an Arabic-script query finds
a person recorded in Latin letters only. Chinese characters typed without spaces become one
token per character (adjacent ones join again). A single letter is an initial of a given
name; a year alone (``Amiri 1962``) is a birth year (an unknown day is recorded as 1 January);
the first line of a machine-readable zone (``P<ERIGHIRMAY<<FREWEYNI<<<``) is read as names,
with OCR digits (0/1/2/5/8) as the letters they stand for.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz.distance import DamerauLevenshtein

__all__ = [
    "MAX_QUERY_LENGTH",
    "ParsedQuery",
    "PersonName",
    "canonical_file_number",
    "clean_text",
    "date_bonus",
    "index_keys",
    "parse_file_number",
    "parse_query",
    "person_name",
    "query_keys",
    "score",
    "split_file_number",
    "token_keys",
]

#: Longer input is cut; nobody types a name of more than this.
MAX_QUERY_LENGTH = 500
#: Query words beyond this are ignored for name matching (combinatorics stay small).
MAX_NAME_TOKENS = 6

# --- cleaning --------------------------------------------------------------------------------

_CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
_LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u024F\u1E00-\u1EFF]")
_ARABIC_RE = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_HAN_RE = re.compile(r"[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]")
_HAN_RUN_RE = re.compile(r"^[\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF]{2,}$")
# Latin letters that look like Cyrillic ones and the other way round (homoglyphs).
_LAT_TO_CYR = str.maketrans("aceopxyiKMTHBAECOPXY", "асеорхуіКМТНВАЕСОРХУ")
_CYR_TO_LAT = str.maketrans("асеорхуіКМТНВАЕСОРХУ", "aceopxyiKMTHBAECOPXY")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_APOSTROPHES_RE = re.compile(r"[’'ʼ`´ʻ]")


def clean_text(text: str | None, limit: int = MAX_QUERY_LENGTH) -> str:
    """NFC, no control characters or NUL bytes, at most ``limit`` characters."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", str(text)[: limit * 2])
    text = _CONTROL_RE.sub(" ", text)
    return text[:limit].strip()


def _fix_homoglyphs(word: str) -> str:
    """A Latin ``a`` inside a Cyrillic word (or the reverse) becomes the majority script."""
    cyr = len(_CYRILLIC_RE.findall(word))
    lat = len(_LATIN_RE.findall(word))
    if cyr and lat:
        return word.translate(_LAT_TO_CYR) if cyr >= lat else word.translate(_CYR_TO_LAT)
    return word


# --- transliteration of Cyrillic -------------------------------------------------------------

_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "e", "є": "ie",
    "ж": "zh", "з": "z", "и": "i", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh",
    "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e",
    "ю": "iu", "я": "ia",
}  # fmt: skip
# Ukrainian national system (2010): first letter of a word differs for є ї й ю я.
_UKR = {**_ICAO, "г": "h", "и": "y", "ъ": "", "ё": "io"}
_UKR_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# German transcription (Duden); Ukrainian г/и/ї/є/й after the Ukrainian German usage.
_GER = {
    "а": "a", "б": "b", "в": "w", "г": "g", "ґ": "g", "д": "d", "е": "e", "ё": "jo", "є": "je",
    "ж": "sch", "з": "s", "и": "i", "і": "i", "ї": "ji", "й": "j", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch",
    "ц": "z", "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "ju", "я": "ja",
}  # fmt: skip
_GER_UKR = {**_GER, "г": "h", "и": "y"}
_VOWELS_CYR = set("аеёєиіїоуыэюя")


def _translit(word: str, table: dict[str, str], initial: dict[str, str] | None = None) -> str:
    out = []
    for i, ch in enumerate(word):
        if initial and i == 0 and ch in initial:
            out.append(initial[ch])
        else:
            out.append(table.get(ch, anyascii(ch).lower()))
    return "".join(out)


def _german(word: str, table: dict[str, str]) -> str:
    out = []
    for i, ch in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if ch == "е" and (not prev or prev in _VOWELS_CYR or prev in "ьъ"):
            out.append("je")
        elif ch == "с" and prev in _VOWELS_CYR and nxt in _VOWELS_CYR:
            out.append("ss")
        elif ch == "й" and not nxt:
            out.append("i" if prev in "иіы" else "j")
        else:
            out.append(table.get(ch, anyascii(ch).lower()))
    return "".join(out)


def _cyrillic_spellings(word: str) -> list[str]:
    word = word.lower()
    ukrainian = bool(set(word) & set("іїєґ"))
    russian = bool(set(word) & set("ыэёъ"))
    out = [_translit(word, _ICAO), anyascii(word).lower()]
    if not russian:
        out += [_translit(word, _UKR, _UKR_INITIAL), _german(word, _GER_UKR)]
        ukr_icao = dict(_ICAO, г="h", и="y")
        out.append(_translit(word, ukr_icao))
    if not ukrainian:
        out.append(_german(word, _GER))
    return out


# --- Arabic script (Arabic, Persian, Pashto, Urdu) ---------------------------------------------

# Arabic script writes consonants and long vowels, not short vowels: a romanisation gives the
# consonant frame that the phonetic keys and skeletons compare with passport spellings
# (بوزيد → buzid ~ Bouzid, نادية → nadia ~ Nadia, عمر → amr ~ Omar). A name recorded in Latin
# letters only is found by an Arabic-script query that way; one recorded in both is found
# exactly by its native form.
_ARABIC_MARKS_RE = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")
_ARABIC_NORMAL_TABLE = (
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ې": "ي", "ک": "ك", "ة": "ه",
     "ۀ": "ه", "ە": "ه", "ؤ": "و", "ئ": "ي"}
)  # fmt: skip
_ARABIC_NORMAL = str.maketrans(_ARABIC_NORMAL_TABLE)
_ARABIC_NORMAL_KEEP_TA = str.maketrans(
    {k: v for k, v in _ARABIC_NORMAL_TABLE.items() if k not in "ةى"}
)
_ARABIC = {
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "a",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "و": "u",
    "ي": "i", "ء": "", "پ": "p", "چ": "ch", "ژ": "zh", "گ": "g", "ڤ": "v", "ټ": "t", "ډ": "d",
    "ړ": "r", "ږ": "zh", "ښ": "sh", "ځ": "dz", "څ": "ts", "ڼ": "n", "ٹ": "t", "ڈ": "d", "ڑ": "r",
    "ں": "n", "ھ": "h", "ے": "e",
}  # fmt: skip
_ARABIC_INITIAL = {"ا": "a", "ع": "a", "و": "w", "ي": "y"}
_PERSIAN = {"ث": "s", "ذ": "z", "ض": "z", "ظ": "z"}
_ARABIC_LONG = {"ا", "و", "ي", "ع"}


def _arabic_native(word: str) -> str:
    """The written form without vowel marks, alef and yeh variants unified (comparison key)."""
    return _ARABIC_MARKS_RE.sub("", word).translate(_ARABIC_NORMAL)


def _arabic_reading(word: str, table: dict[str, str]) -> str:
    out = []
    for i, ch in enumerate(word):
        nxt = word[i + 1] if i + 1 < len(word) else ""
        prev = word[i - 1] if i else ""
        if i == 0 and ch in _ARABIC_INITIAL:
            out.append(_ARABIC_INITIAL[ch])
        elif ch in "وي" and (nxt in _ARABIC_LONG or prev == "ا"):
            out.append("w" if ch == "و" else "y")  # a consonant between vowels (Hawa, Zayed)
        elif ch == "ى":
            out.append("a")  # alef maqsura: Mustafa, Musa, Yahya
        elif ch == "ة" or (ch == "ه" and not nxt and prev != "ا"):
            out.append("a")  # ta marbuta, Persian final -eh (Nadia, Aisha, Sakineh, Fatemeh)
        else:
            out.append(table.get(ch, anyascii(ch).lower()))
    return "".join(out)


def _arabic_spellings(word: str) -> list[str]:
    """Latin readings of an Arabic-script word: consonants, long vowels, the article."""
    word = _ARABIC_MARKS_RE.sub("", word).translate(_ARABIC_NORMAL_KEEP_TA)
    readings = [_arabic_reading(word, _ARABIC)]
    if set(word) & set(_PERSIAN):
        # Persian and Dari read ث ذ ض ظ as s and z (رضایی → Rezaei, ذاکر → Zaker).
        readings.append(_arabic_reading(word, {**_ARABIC, **_PERSIAN}))
    if "ى" in word:  # also typed for a final yeh (Egypt)
        readings.append(_arabic_reading(word.replace("ى", "ي"), _ARABIC))
    # French spellings write a consonantal waw as "ou" (Oualid, Chaoui, Ouassim).
    readings += [r.replace("w", "u") for r in readings if "w" in r]
    spellings = list(readings)
    if word[-1:] in ("ه", "ة"):
        spellings += [r[:-1] + "h" for r in readings]  # Abdullah, Sakineh
    return spellings


# --- Latin folding ---------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe"})
_PHONETIC_DIACRITICS = str.maketrans(
    {
        "š": "sh",
        "ş": "sh",
        "ș": "sh",
        "ś": "sh",
        "ž": "zh",
        "ż": "zh",
        "ź": "zh",
        "č": "ch",
        "ç": "ch",
        "ć": "ch",
        "ğ": "",
        "ř": "rzh",
        "ő": "oe",
        "ű": "ue",
    }  # fmt: skip
)
_NON_LETTERS_RE = re.compile(r"[^a-z]")

#: Arabic article forms written before a name (al-Ahmad, el Ahmad, ad-Din, ash-Shami).
ARTICLES = frozenset(
    {"al", "el", "ul", "il", "ad", "ar", "as", "ash", "at", "az", "ed", "er", "es"}
)
_GLUED_ARTICLE_RE = re.compile(r"^(al|el|ul)(?=[a-z]{3,})")


def _fold(text: str) -> str:
    return _NON_LETTERS_RE.sub("", anyascii(text).lower())


def _latin_spellings(word: str) -> list[str]:
    lower = word.lower()
    out = [_fold(lower), _fold(lower.translate(_UMLAUTS))]
    phon = lower.translate(_PHONETIC_DIACRITICS)
    if phon != lower:
        out.append(_fold(phon))
    return out


# --- phonetic keys ---------------------------------------------------------------------------

_L1_RULES = [
    (re.compile(r"x"), "ks"),
    (re.compile(r"q"), "k"),
    (re.compile(r"c(?=[eiy])"), "C"),
    (re.compile(r"schtsch|shtsch|shch|sch?tsch"), "XQ"),
    (re.compile(r"tsch|tch|cz"), "Q"),
    (re.compile(r"sch|sh|zh|sz"), "X"),
    (re.compile(r"kh"), "H"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"dh"), "d"),
    (re.compile(r"gh"), "g"),
    (re.compile(r"ck"), "k"),
    (re.compile(r"ts|tz"), "C"),
    (re.compile(r"w"), "v"),
    (re.compile(r"[jy]"), "i"),
    (re.compile(r"ou|oo"), "u"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"(?<=[aeiou])h$"), ""),
]
_DOUBLES_RE = re.compile(r"(.)\1+")


@lru_cache(maxsize=100_000)
def phonetic_keys(latin: str) -> tuple[str, ...]:
    """Level-1 keys of a folded Latin word; ``ch`` is read as ч, х and ш."""
    if not latin:
        return ()
    s = latin
    for pattern, repl in _L1_RULES[:6]:
        s = pattern.sub(repl, s)
    # ч (ICAO), х (German), ш (French: Chaoui, Cherif, Bouchra)
    variants = {s.replace("ch", c) for c in "QHX"} if "ch" in s else {s}
    out = []
    for v in sorted(variants):
        for pattern, repl in _L1_RULES[6:]:
            v = pattern.sub(repl, v)
        v = v.replace("c", "k").lower()
        out.append(_DOUBLES_RE.sub(r"\1", v))
    return tuple(dict.fromkeys(out))


_L2_TABLE = str.maketrans({"z": "s", "c": "s", "v": "f", "b": "p", "d": "t", "g": "k"})
_VOWELS_RE = re.compile(r"[aeiou]")


@lru_cache(maxsize=100_000)
def skeleton(key: str) -> str:
    """Level-2 key: the consonants of a phonetic key, voicing merged; the first letter kept."""
    if not key:
        return ""
    head = "a" if key[0] in "aeiou" else key[0].translate(_L2_TABLE)
    tail = _VOWELS_RE.sub("", key[1:].translate(_L2_TABLE))
    return _DOUBLES_RE.sub(r"\1", head + tail)


# Common given names of Arabic origin and their usual Latin spellings. Linguistics, not data:
# a spelling variant that no vowel or consonant rule explains (Hossein, Ebrahim, Gamal).
NAME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("muhammad", "mohammed", "mohammad", "mohamed", "mohamad", "muhammed", "mehmet", "mehmed"),
    ("hussein", "husain", "hussain", "husein", "hossein", "hosein", "houssein", "huseyin"),
    ("hassan", "hasan", "hassen", "hasen"),
    ("hasanain", "hassanein", "hasnain"),
    ("ahmad", "ahmed", "ahmet"),
    ("mahmoud", "mahmud", "mahmood", "mahmut"),
    ("yusuf", "yousef", "youssef", "yousif", "yusef", "youcef", "jusuf"),
    ("abdelrahman", "abdulrahman", "abdalrahman", "abdurrahman", "abderrahmane"),
    ("abdullah", "abdallah", "abdulla", "abdellah"),
    ("abdelaziz", "abdulaziz", "abdalaziz"),
    ("omar", "umar", "omer", "oemer"),
    ("othman", "osman", "usman", "uthman", "osmane"),
    ("khaled", "khalid", "halid", "haled"),
    ("mustafa", "mostafa", "moustafa", "mustapha"),
    ("ibrahim", "ebrahim", "ibraheem", "brahim"),
    ("ismail", "esmail", "ismael", "smail"),
    ("fatima", "fatma", "fatemeh", "fatimah", "fadma"),
    ("aisha", "ayesha", "aischa", "aysha", "ayse", "aise"),
    ("hamid", "hamed", "hameed"),
    ("said", "saeed", "sayed", "saied", "saeid", "sayid"),
    ("walid", "waleed", "oualid"),
    ("rashid", "rachid", "rasheed", "reshid"),
    ("karim", "kareem", "kerim"),
    ("jamal", "gamal", "djamal", "cemal"),
    ("jamil", "gamil", "djamil", "cemil"),
    ("yasin", "yassin", "yassine", "yaseen"),
    ("zainab", "zeinab", "zaynab", "zeynep"),
    ("maryam", "mariam", "meryem"),
    ("reza", "riza", "rida", "ridha"),
)


def _canonical_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in NAME_GROUPS:
        for spelling in group:
            for key in phonetic_keys(spelling):
                table.setdefault(key, group[0])
    return table


_CANONICAL = _canonical_table()
_VOWEL_RUNS_RE = re.compile(r"[aeiou]+")


# --- names as tokens -------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One written word of a name with its spellings and keys."""

    raw: str
    folds: tuple[str, ...]
    keys: tuple[str, ...]
    skeletons: tuple[str, ...]
    native: str = ""
    weight: float = 1.0
    frames: tuple[str, ...] = ()
    canonical: str = ""
    #: A single letter standing for a given name (``N.`` of ``N. I. Popov``).
    initial: bool = False
    #: Written in Arabic script: ``folds`` are readings without short vowels.
    arabic: bool = False

    @property
    def length(self) -> int:
        return max((len(f) for f in self.folds), default=1)


@lru_cache(maxsize=200_000)
def make_token(word: str, weight: float = 1.0) -> Token | None:
    word = _fix_homoglyphs(word.strip("-.,;:()[]{}\"'"))
    word = _APOSTROPHES_RE.sub("", word)
    if not word:
        return None
    native = ""
    if _CYRILLIC_RE.search(word):
        native = word.lower()
        spellings = _cyrillic_spellings(word)
    elif _ARABIC_RE.search(word):
        native = _arabic_native(word)
        spellings = _arabic_spellings(word)
    else:
        spellings = _latin_spellings(word)
        if not _LATIN_RE.search(word) and any(ch.isalpha() for ch in word):
            native = word.lower()  # Chinese, Ge'ez, Georgian, Armenian, Greek…: the written form
    folds = tuple(dict.fromkeys(s for s in spellings if s))
    if not folds and not native:
        return None
    keys = tuple(dict.fromkeys(k for f in folds for k in phonetic_keys(f)))
    if len(word) == 1 and _LATIN_RE.match(word):
        # A single Latin letter is an initial (N. I. Popov): it stands for a given name.
        return _token(word, folds, (), "", weight, initial=True)
    arabic = bool(native) and bool(_ARABIC_RE.search(word))
    return _token(word, folds, keys, native, weight, arabic=arabic)


def _token(
    raw: str,
    folds,
    keys,
    native: str,
    weight: float,
    initial: bool = False,
    arabic: bool = False,
) -> Token:
    skeletons = tuple(dict.fromkeys(skeleton(k) for k in keys))
    frames = tuple(dict.fromkeys(_VOWEL_RUNS_RE.sub("*", k) for k in keys))
    canonical = next((_CANONICAL[k] for k in keys if k in _CANONICAL), "")
    return Token(
        raw,
        tuple(folds),
        tuple(keys),
        skeletons,
        native,
        weight,
        frames,
        canonical,
        initial,
        arabic,
    )


def _join(tokens: list[Token], weight: float = 1.0) -> Token | None:
    """Adjacent words written as one (Gebre Medhin → Gebremedhin, Mohammad Reza)."""
    if len(tokens) < 2:
        return None
    folds = ["".join(parts) for parts in _product([t.folds[:3] for t in tokens])]
    keys = tuple(dict.fromkeys(k for f in folds for k in phonetic_keys(f)))
    natives = [t.native for t in tokens]
    native = "".join(natives) if all(natives) else ""
    arabic = all(t.arabic for t in tokens)
    raw = " ".join(t.raw for t in tokens)
    return _token(raw, dict.fromkeys(folds), keys, native, weight, arabic=arabic)


def _product(lists: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()]
    for options in lists:
        out = [prev + (o,) for prev in out for o in options][:12]
    return out


_WORD_SPLIT_RE = re.compile(r"[\s\-‐‑–—_/,;.]+")


def _words(text: str) -> list[str]:
    return [w for w in _WORD_SPLIT_RE.split(clean_text(text, 300)) if w]


@dataclass(frozen=True)
class Unit:
    """A matchable part of a person's name: one word or several joined."""

    token: Token
    role: str  # "family" or "given"
    covers: frozenset[int]
    chars: int
    #: The word followed an article that the query may not have (Al-Hussein → Hussein).
    after_article: bool = False


@dataclass(frozen=True)
class PersonName:
    units: tuple[Unit, ...]
    total_chars: int
    family_chars: int


def _name_units(text: str, role: str, offset: int, native: bool = False) -> list[Unit]:
    words = _words(text)
    tokens = [make_token(w) for w in words]
    pairs = [(w, t) for w, t in zip(words, tokens, strict=True) if t is not None]
    units: list[Unit] = []
    content = []  # (index, token) of non-article words
    for i, (word, token) in enumerate(pairs):
        idx = offset + i
        is_article = word.lower() in ARTICLES and i + 1 < len(pairs)
        if not is_article:
            after_article = i > 0 and pairs[i - 1][0].lower() in ARTICLES
            content.append((idx, token))
            chars = 0 if native else token.length
            units.append(Unit(token, role, frozenset({idx}), chars, after_article))
            glued = _GLUED_ARTICLE_RE.match(token.folds[0])
            if glued and not token.native:
                stripped = make_token(token.folds[0][glued.end() :], 0.9)
                if stripped:
                    units.append(Unit(stripped, role, frozenset({idx}), 0))
    all_tokens = [t for _, t in pairs]
    if len(all_tokens) > 1:
        covers = frozenset(offset + i for i in range(len(all_tokens)))
        joined = _join(all_tokens)
        if joined:
            units.append(Unit(joined, role, covers, 0))
        if len(content) > 1 and len(content) != len(all_tokens):
            joined = _join([t for _, t in content])
            if joined:
                units.append(Unit(joined, role, frozenset(i for i, _ in content), 0))
        for a, b in zip(pairs, pairs[1:], strict=False):
            if len(all_tokens) > 2:
                joined = _join([a[1], b[1]])
                if joined:
                    idx_a = offset + pairs.index(a)
                    units.append(Unit(joined, role, frozenset({idx_a, idx_a + 1}), 0))
    return units


@lru_cache(maxsize=100_000)
def person_name(
    family_name: str, given_names: str = "", family_native: str = "", given_native: str = ""
) -> PersonName:
    """The matchable units of a person's recorded names (passport Latin and native script)."""
    units = _name_units(family_name, "family", 0)
    n_family = len(_words(family_name))
    units += _name_units(given_names, "given", 100)
    # Native words are spellings of the same slots: they share the index range of their role.
    units += _name_units(family_native, "family", 0, native=True)
    units += _name_units(given_native, "given", 100, native=True)
    family_chars = sum(u.chars for u in units if u.role == "family") or 1
    total = sum(u.chars for u in units) or 1
    del n_family
    return PersonName(tuple(units), total, family_chars)


# --- queries ---------------------------------------------------------------------------------

_DATE_RE = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})\b|\b(\d{4})-(\d{2})-(\d{2})\b")
_FILE_NUMBER_RE = re.compile(r"\b[A-Za-z]{2,5}-\d{4}-\d{1,8}\b")
#: The parts of a file number: prefix, year, serial (``ABH-2026-000262``).
_FILE_NUMBER_PARTS_RE = re.compile(r"^([A-Za-z]{2,5})-(\d{4})-(\d{1,8})$")
#: Year and serial without the prefix (``2026-262``).
_YEAR_SERIAL_RE = re.compile(r"(?<![\w-])(\d{4})-(\d{1,8})(?![\w-])")
#: Serial numbers users type for a file number: up to 8 digits (leading zeros optional).
MAX_SERIAL_DIGITS = 8
_IDENTIFIER_RE = re.compile(r"^(?=.*\d)[A-Za-z0-9]{5,20}$")
_YEAR_RE = re.compile(r"(?<![\d.\-/])\d{4}(?![\d.\-/])")
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*", re.UNICODE)


@dataclass
class ParsedQuery:
    text: str
    tokens: list[Token] = field(default_factory=list)
    dates: list[dt.date] = field(default_factory=list)
    file_numbers: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    #: A birth year alone (``Amiri 1962``): offices record an unknown day as 1 January.
    years: list[int] = field(default_factory=list)
    #: Partial file numbers: ``(year or None, serial)`` from "262", "000262", "2026-262".
    file_serials: list[tuple[int | None, int]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    _units: list | None = field(default=None, repr=False, compare=False)

    @property
    def is_empty(self) -> bool:
        return not (
            self.tokens or self.dates or self.file_numbers or self.identifiers or self.file_serials
        )


def _parse_date(match: re.Match) -> dt.date | None:
    try:
        if match.group(1):
            day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
            y = int(year)
            if len(year) == 2:
                y += 1900 if y > (dt.date.today().year % 100) else 2000
            return dt.date(y, month, day)
        return dt.date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
    except ValueError:
        return None


# The first line of a machine-readable zone (ICAO 9303): document code, issuing state, then
# SURNAME<<GIVEN<NAMES padded with "<". OCR reads O as 0, I as 1, S as 5, B as 8 in it.
_MRZ_WORD_RE = re.compile(r"[A-Z0-9]*[A-Z][A-Z0-9]*")
_MRZ_HEADER_RE = re.compile(r"^[PIAC][A-Z<][A-Z]{3}")
_OCR_DIGITS = str.maketrans("01258", "OIZSB")


def _mrz_names(text: str) -> str:
    """``P<ERIGHIRMAY<<FREWEYNI<<<`` → ``GHIRMAY FREWEYNI``; other text unchanged."""
    if "<" not in text or not re.fullmatch(r"[A-Z0-9<]+", text):
        return text
    if _MRZ_HEADER_RE.match(text) and (text[1] == "<" or len(text) in (30, 36, 44)):
        text = text[5:]
    words = [w.translate(_OCR_DIGITS) for w in _MRZ_WORD_RE.findall(text)]
    return " ".join(words)


def split_file_number(number: str | None) -> tuple[str, int, int] | None:
    """``("ABH", 2026, 262)`` for ``ABH-2026-000262``; ``None`` for anything else."""
    match = _FILE_NUMBER_PARTS_RE.match((number or "").strip())
    if match is None:
        return None
    return match.group(1).upper(), int(match.group(2)), int(match.group(3))


def canonical_file_number(number: str) -> str:
    """The file number as the office writes it: the serial with six digits at least."""
    parts = split_file_number(number)
    if parts is None:
        return number.strip().upper()
    prefix, year, serial = parts
    return f"{prefix}-{year}-{serial:06d}"


def parse_file_number(text: str | None) -> tuple[str | None, int | None, int | None]:
    """What someone typed for a file number: ``(whole number, year, serial)``.

    ``ABH-2026-262`` → ``("ABH-2026-000262", None, None)``; ``2026-262`` → ``(None, 2026,
    262)``; ``000262`` or ``262`` → ``(None, None, 262)``; anything else is taken as a
    whole number as typed.
    """
    text = (text or "").strip().upper()
    if split_file_number(text) is not None:
        return canonical_file_number(text), None, None
    match = _YEAR_SERIAL_RE.fullmatch(text)
    if match:
        return None, int(match.group(1)), int(match.group(2))
    if text.isdigit() and len(text) <= MAX_SERIAL_DIGITS:
        return None, None, int(text)
    return text, None, None


def parse_query(text: str | None) -> ParsedQuery:
    """Split what a caseworker typed into name words, birth dates and identifiers."""
    text = clean_text(text)
    parsed = ParsedQuery(text)
    rest = text = _mrz_names(text)
    for match in _DATE_RE.finditer(text):
        date = _parse_date(match)
        if date:
            parsed.dates.append(date)
    rest = _DATE_RE.sub(" ", rest)
    for match in _FILE_NUMBER_RE.finditer(rest):
        number = match.group(0).upper()
        parsed.file_numbers.append(number)
        canonical = canonical_file_number(number)
        if canonical != number:  # "ABH-2026-262" is ABH-2026-000262
            parsed.file_numbers.append(canonical)
    rest = _FILE_NUMBER_RE.sub(" ", rest)
    for match in _YEAR_SERIAL_RE.finditer(rest):
        parsed.file_serials.append((int(match.group(1)), int(match.group(2))))
    rest = _YEAR_SERIAL_RE.sub(" ", rest)
    kept = []
    for word in rest.split():
        stripped = word.strip("\"'()[]{}*:;,.!?+-")
        if stripped.isdigit() and len(stripped) <= MAX_SERIAL_DIGITS:
            parsed.file_serials.append((None, int(stripped)))
        if _IDENTIFIER_RE.match(stripped):
            parsed.identifiers.append(stripped.upper())
        else:
            kept.append(word)
    rest = " ".join(kept)
    for match in _YEAR_RE.finditer(rest):
        year = int(match.group(0))
        if 1900 <= year <= dt.date.today().year:
            parsed.years.append(year)
    words = []
    for match in _TOKEN_RE.finditer(rest):
        word = match.group(0)
        if _HAN_RUN_RE.match(word):
            # Chinese names are written without spaces (张勇刚): one token per character;
            # adjacent characters join again like split Latin words (Zhang Yonggang).
            words.extend(word)
        else:
            words.append(word)
    parsed.words = words
    for word in words:
        if len(parsed.tokens) >= MAX_NAME_TOKENS:
            break
        if word.upper() in {"AND", "OR", "NOT", "NEAR"} and word.isupper():
            continue
        token = make_token(word)
        if token is not None:
            parsed.tokens.append(token)
    return parsed


# --- keys for the index ----------------------------------------------------------------------


def initial_key(letter: str) -> str:
    """The index key of a given name's initial (digits never occur in other keys)."""
    return "0" + letter[:1]


def _unit_keys(token: Token) -> set[str]:
    if token.initial:
        return {initial_key(token.folds[0])} if token.folds else set()
    keys = set(token.folds) | set(token.keys) | {s for s in token.skeletons if len(s) >= 2}
    if token.native:
        keys.add(token.native)
    if token.canonical:
        keys.add(token.canonical)
    return {k for k in keys if k}


def index_keys(
    family_name: str, given_names: str = "", family_native: str = "", given_native: str = ""
) -> list[str]:
    """Every key under which a person is found; stored space-separated in the index."""
    name = person_name(family_name, given_names, family_native, given_native)
    keys: set[str] = set()
    for unit in name.units:
        keys |= _unit_keys(unit.token)
        if unit.role == "given" and unit.chars and len(unit.covers) == 1 and unit.token.folds:
            keys.add(initial_key(unit.token.folds[0]))
    return sorted(keys)


def query_units(parsed: ParsedQuery) -> list[tuple[Token, tuple[int, ...]]]:
    """Query words alone, and adjacent words joined (two or three), with the words they cover."""
    if parsed._units is not None:
        return parsed._units
    tokens = parsed.tokens
    units: list[tuple[Token, tuple[int, ...]]] = []
    for i, token in enumerate(tokens):
        units.append((token, (i,)))
        glued = _GLUED_ARTICLE_RE.match(token.folds[0]) if token.folds else None
        if glued and not token.native:
            stripped = make_token(token.folds[0][glued.end() :], 0.9)
            if stripped:
                units.append((stripped, (i,)))
    for size in (2, 3):
        for i in range(len(tokens) - size + 1):
            if any(t.initial for t in tokens[i : i + size]):
                continue
            joined = _join(tokens[i : i + size])
            if joined:
                units.append((joined, tuple(range(i, i + size))))
    parsed._units = units
    return units


def query_keys(parsed: ParsedQuery) -> set[str]:
    keys: set[str] = set()
    for token, _covers in query_units(parsed):
        keys |= _unit_keys(token)
    return keys


def token_keys(token: Token) -> set[str]:
    """The keys one query word is found by: spellings, phonetic keys, native form, initial."""
    if token.initial:
        return {initial_key(token.folds[0])} if token.folds else set()
    keys = {*token.folds, *token.keys}
    if token.native:
        keys.add(token.native)
    if token.canonical:
        keys.add(token.canonical)
    return {k for k in keys if k}


def query_key_levels(parsed: ParsedQuery) -> tuple[set[str], set[str]]:
    """(precise keys: spellings and phonetic keys, coarse keys: consonant skeletons)."""
    precise: set[str] = set()
    coarse: set[str] = set()
    for token, _covers in query_units(parsed):
        if token.initial:
            precise.add(initial_key(token.folds[0]))
            continue
        precise |= set(token.folds) | set(token.keys)
        if token.native:
            precise.add(token.native)
        if token.canonical:
            precise.add(token.canonical)
        coarse |= {s for s in token.skeletons if len(s) >= 3}
    return {k for k in precise if k}, coarse - precise


# --- similarity and ranking ------------------------------------------------------------------


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return DamerauLevenshtein.normalized_similarity(a, b)


def _best_ratio(xs: tuple[str, ...], ys: tuple[str, ...]) -> float:
    best = 0.0
    for a in xs:
        for b in ys:
            r = _ratio(a, b)
            if r > best:
                best = r
                if r == 1.0:
                    return r
    return best


@lru_cache(maxsize=500_000)
def token_similarity(q: Token, p: Token) -> float:
    """How alike two written words are, 0..1, across spellings, keys and skeletons.

    The tiers say how much of a spelling difference is explained by a known phenomenon:
    the same letters, the same sounds under another transliteration, the same common
    name, the same word with other vowels, the same consonant frame, or just a typo.
    """
    weight = p.weight * q.weight
    if (q.native and p.native and q.native == p.native) or set(q.folds) & set(p.folds):
        return weight
    if q.arabic != p.arabic and not (q.native and p.native):
        # Arabic script against a Latin spelling: the consonants must agree, and every long
        # vowel written in Arabic must be there in Latin (حسين: Hussein, not Hassan).
        reading, latin = (q, p) if q.arabic else (p, q)
        fit = max((_arabic_fit(a, b) for a in reading.keys for b in latin.keys), default=-1.0)
        if fit >= 0:
            return (0.8 + 0.18 * fit) * weight
    fold = _best_ratio(q.folds, p.folds)
    if set(q.keys) & set(p.keys):
        return (0.97 + 0.02 * fold) * weight
    key = _best_ratio(q.keys, p.keys)
    sim = max(fold, 0.97 * key)
    if q.canonical and q.canonical == p.canonical:
        sim = max(sim, 0.96)
    if set(q.frames) & set(p.frames):
        # The same word with other vowels (Hussain / Hussein, Tesfay / Tesfaye).
        sim = max(sim, 0.9 + 0.06 * fold)
    elif set(q.skeletons) & set(p.skeletons):
        # Same consonant frame: vowels and voicing differ (Mohammed / Muhammad).
        sim = max(sim, 0.75 + 0.2 * key)
    else:
        skel = _best_ratio(q.skeletons, p.skeletons)
        sim = max(sim, 0.8 * skel * key**0.5)
    return sim * weight


def _initial_fits(q: Token, unit: Unit) -> float:
    """1.0 when the initial ``q`` is the first letter of one of the person's given names."""
    if unit.role != "given" or not unit.chars or len(unit.covers) != 1 or not q.folds:
        return 0.0
    letter = q.folds[0]
    return 1.0 if any(f.startswith(letter) for f in unit.token.folds) else 0.0


_SYLLABLES_RE = re.compile(r"[aeiou]+|[^aeiou]+")
_VOWEL_CLASSES = {"a": "a", "e": "ai", "i": "i", "o": "u", "u": "u"}


@lru_cache(maxsize=200_000)
def _vowel_frame(key: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Consonants (voicing merged); vowel classes and vowel letters before each and at the end."""
    consonants: list[str] = []
    vowels = [""]
    raw = [""]
    for part in _SYLLABLES_RE.findall(key):
        if part[0] in "aeiou":
            vowels[-1] = "".join(sorted({c for v in part for c in _VOWEL_CLASSES[v]}))
            raw[-1] = part
        else:
            for ch in part:
                consonants.append(ch.translate(_L2_TABLE))
                vowels.append("")
                raw.append("")
    return tuple(consonants), tuple(vowels), tuple(raw)


@lru_cache(maxsize=200_000)
def _arabic_fit(reading: str, latin: str) -> float:
    """0..1 how well a Latin key spells an Arabic-script reading; -1 if the consonants differ.

    Short vowels are not written in Arabic script, so a Latin vowel without an Arabic one
    costs nothing; a written long vowel (ا و ي) needs a Latin vowel of its quality there.
    At the start of a word an alef or ain carries any vowel (Omar, Ibrahim, Ahmad).
    """
    a_cons, a_vowels, _a_raw = _vowel_frame(reading)
    l_cons, l_vowels, l_raw = _vowel_frame(latin)
    if a_cons != l_cons:
        return -1.0
    good = total = 0
    last = len(a_vowels) - 1
    for i, (vowel, other) in enumerate(zip(a_vowels, l_vowels, strict=True)):
        if vowel:
            total += 1
            if other and (i == 0 or set(vowel) & set(other)):
                good += 1
        elif other and (len(l_raw[i]) > 1 or (i == last and i)):
            # A long vowel or diphthong, or a final vowel, that Arabic script would write
            # (Obaidi is not عبد).
            total += 1
    return good / total if total else 1.0


def name_score(parsed: ParsedQuery, name: PersonName) -> float:
    """0..1: how well the query words are explained by the person's name."""
    units = query_units(parsed)
    n = len(parsed.tokens)
    if not n:
        return 0.0
    # Best person unit for every query unit.
    scored = []
    for q, covers in units:
        if q.initial:
            # Every given name with that first letter; the assignment below picks distinct ones.
            scored += [(1.0, covers, u, q) for u in name.units if _initial_fits(q, u)]
            continue
        best = (0.0, None)
        for unit in name.units:
            s = token_similarity(q, unit.token)
            if s > best[0] or (s == best[0] and best[1] is not None and unit.role == "family"):
                best = (s, unit)
        if best[1] is not None and best[0] > 0.5:
            scored.append((best[0], covers, best[1], q))
    scored.sort(key=lambda x: (-x[0], -len(x[1])))
    used_q: set[int] = set()
    used_p: set[int] = set()
    articles = {
        i
        for i, t in enumerate(parsed.tokens)
        if t.raw.lower() in ARTICLES and i + 1 < len(parsed.tokens)
    }
    has_article = bool(articles) or any(
        t.folds and _GLUED_ARTICLE_RE.match(t.folds[0]) for t in parsed.tokens
    )
    q_lengths = [0 if i in articles else t.length for i, t in enumerate(parsed.tokens)]
    total_q = sum(q_lengths) or 1
    got = 0.0
    matched_chars = 0
    family_hit = 0.0
    for s, covers, unit, _q in scored:
        if used_q & set(covers) or used_p & unit.covers:
            continue
        if unit.after_article and not has_article:
            s *= 0.95
        used_q |= set(covers)
        used_p |= unit.covers
        got += s * sum(q_lengths[i] for i in covers)
        matched_chars += sum(
            u.chars for u in name.units if u.chars and u.covers <= unit.covers and u.chars
        )
        if unit.role == "family":
            family_hit = max(family_hit, s)
    q_score = got / total_q
    p_cover = min(1.0, matched_chars / name.total_chars)
    return 0.88 * q_score + 0.08 * p_cover + 0.04 * family_hit


def date_bonus(parsed: ParsedQuery, birth_date: dt.date | None) -> float:
    """What a birth date (or year) in the query adds (or takes away) for a person."""
    bonus = 0.0
    if parsed.dates:
        if birth_date in parsed.dates:
            bonus += 0.3 if parsed.tokens else 1.0
        elif parsed.tokens:
            bonus -= 0.05
    if parsed.years and parsed.tokens and birth_date is not None:
        if birth_date.year in parsed.years:
            # An unknown day is recorded as 1 January: the year is then all there is to match.
            bonus += 0.25 if (birth_date.month, birth_date.day) == (1, 1) else 0.2
        else:
            bonus -= 0.05
    return bonus


def score(parsed: ParsedQuery, name: PersonName, birth_date: dt.date | None) -> float:
    """Relevance of a person for a query: name similarity plus a birth-date match."""
    s = name_score(parsed, name) if parsed.tokens else 0.0
    return s + date_bonus(parsed, birth_date)
