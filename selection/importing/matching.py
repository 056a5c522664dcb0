"""Match imported names to the model: areas by id or name, sectors by id, label or synonym.

Matching ignores case, spacing, punctuation (hyphens, underscores, slashes, dots) and the
spelling of æ/ø/å (ae/oe/aa), so "Hoergaarden" matches "Hørgården" and "STÆREVEJ MV." matches
"Stærevej mv.".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from selection.data.criteria import CriteriaModel

_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "é": "e"})

# Common Danish words for the model's sector ids (keys are normalised with ``norm_key``).
SECTOR_SYNONYMS = {
    "folkeskole": "school",
    "skole": "school",
    "grundskole": "school",
    "friskole": "school",
    "privatskole": "school",
    "skoler": "school",
    "boernehave": "daycare",
    "vuggestue": "daycare",
    "dagtilbud": "daycare",
    "dagpleje": "daycare",
    "integreretinstitution": "daycare",
    "boerneinstitution": "daycare",
    "bibliotek": "library_culture",
    "kulturhus": "library_culture",
    "medborgerhus": "library_culture",
    "jobcenter": "employment",
    "beskaeftigelse": "employment",
    "beskaeftigelsesindsats": "employment",
    "boligselskab": "housing_org",
    "boligorganisation": "housing_org",
    "afdelingsbestyrelse": "housing_org",
    "boligforening": "housing_org",
    "helhedsplan": "housing_social",
    "boligsocialindsats": "housing_social",
    "boligsocial": "housing_social",
    "forening": "civil_society",
    "frivillig": "civil_society",
    "frivilligforening": "civil_society",
    "bydelsmoedre": "civil_society",
    "civilsamfund": "civil_society",
    "idraetsforening": "civil_society",
    "klub": "club",
    "fritidsklub": "club",
    "ungdomsklub": "club",
    "fritidstilbud": "club",
    "juniorklub": "club",
    "sprogcenter": "language_school",
    "sprogskole": "language_school",
}


def norm_key(text: object) -> str:
    """Case-, spacing-, punctuation- and æøå-insensitive key ('' for empty values)."""
    if text is None:
        return ""
    t = unicodedata.normalize("NFC", str(text)).strip().lower().translate(_DANISH)
    t = unicodedata.normalize("NFKD", t)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "", t)


def slugify(text: str) -> str:
    """Lowercase ASCII slug (a-z, 0-9, -) for new area ids."""
    t = unicodedata.normalize("NFC", text).strip().lower().translate(_DANISH)
    t = unicodedata.normalize("NFKD", t)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-") or "omraade"


class AreaMatcher:
    """Find the current area id for an imported id or name."""

    def __init__(self, names_by_id: Mapping[str, str]):
        self.by_id = {norm_key(aid): aid for aid in names_by_id}
        self.by_name: dict[str, str] = {}
        self.shared: dict[str, list[str]] = {}  # a name several areas have: it identifies none of them
        for aid, name in names_by_id.items():
            key = norm_key(name)
            self.shared.setdefault(key, []).append(aid)
            self.by_name.setdefault(key, aid)
        self.shared = {k: ids for k, ids in self.shared.items() if len(ids) > 1}
        for key in self.shared:
            del self.by_name[key]

    def match(self, area_id: object = None, name: object = None) -> str | None:
        """The area id, or None if nothing matches or only a name several areas share (``ambiguous``)."""
        key = norm_key(area_id)
        if key and key in self.by_id:
            return self.by_id[key]
        if key and key in self.by_name:  # the "id" column held a name
            return self.by_name[key]
        key = norm_key(name)
        if key and key in self.by_name:
            return self.by_name[key]
        if key and key in self.by_id:
            return self.by_id[key]
        return None

    def ambiguous(self, area_id: object = None, name: object = None) -> list[str]:
        """The ids of the areas sharing the given name (when ``match`` found nothing), else []."""
        for key in (norm_key(area_id), norm_key(name)):
            if key and key in self.shared:
                return self.shared[key]
        return []


def shared_name_text(text: str, ids: list[str]) -> str:
    """Danish: 'Navnet 'X' har flere områder ('a', 'b'); brug område-id.'"""
    listed = ", ".join(f"'{a}'" for a in ids)
    return f"Navnet '{text}' har flere områder ({listed}); angiv område-id for at sige hvilket."


class SectorMatcher:
    """Map free-text sector names to the model's sector ids."""

    def __init__(self, model: CriteriaModel, synonyms: Mapping[str, str] = SECTOR_SYNONYMS):
        ids = {s.id for s in model.sectors}
        self.table: dict[str, str] = {}
        for s in model.sectors:
            self.table[norm_key(s.id)] = s.id
            self.table[norm_key(s.label)] = s.id
            for part in re.split(r"[/()]|,", s.label):  # "Klub / fritidstilbud" → "klub", "fritidstilbud"
                if norm_key(part):
                    self.table.setdefault(norm_key(part), s.id)
        for word, sid in synonyms.items():
            if sid in ids:
                self.table.setdefault(norm_key(word), sid)

    def match(self, text: object) -> str | None:
        return self.table.get(norm_key(text))


def find_column(columns: Iterable[str], candidates: Iterable[str]) -> str | None:
    """The first column whose normalised name is one of the candidates (in candidate order)."""
    by_key: dict[str, str] = {}  # normalised name -> column
    for col in columns:
        by_key.setdefault(norm_key(col), col)
    for cand in candidates:
        if norm_key(cand) in by_key:
            return by_key[norm_key(cand)]
    return None


AREA_ID_COLUMNS = ("area_id", "omraade_id", "område_id", "id", "områdeid")
AREA_NAME_COLUMNS = ("name", "navn", "area", "area_name", "område", "omraade", "områdenavn", "boligområde")
