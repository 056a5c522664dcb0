"""The registers' vocabularies (initiative types, operators, target groups, …) as data: ``registers.json``.

A data package may carry its own file; without one the bundled file is used. Ids are stored in the registers,
labels are shown. An unknown entry is refused with the nearest known one suggested (``suggest``).
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from selection.config import BUNDLED_DATA_DIR
from selection.errors import DataError, Report

FILE = "registers.json"
LISTS = (
    "initiative_types",
    "operators",
    "target_groups",
    "statuses",
    "relevance",
    "trust_evidence",
    "motivation",
    "learned_via",
    "verification",
)


@dataclass(frozen=True)
class Choices:
    """One list: id -> label, in the file's order."""

    name: str
    labels: dict[str, str]

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def find(self, text: object, field: str) -> str:
        """The id for ``text`` (an id or a label, ignoring case and surrounding space); ValueError (Danish) with
        the nearest entries suggested otherwise."""
        raw = " ".join(str(text or "").split())
        if not raw:
            raise ValueError(f"{field} skal vælges ({', '.join(self.labels.values())[:200]}).")
        folded = raw.casefold()
        for key, label in self.labels.items():
            if folded in (key.casefold(), label.casefold()):
                return key
        return self._refuse(raw, field)

    def _refuse(self, raw: str, field: str) -> str:
        known = list(self.labels.values())
        near = suggest(raw, [*known, *self.labels])
        hint = f" Mente du '{self.label(near) if near in self.labels else near}'?" if near else ""
        raise ValueError(f"{field}: '{raw[:80]}' findes ikke i listen.{hint} Mulige: {', '.join(known)[:400]}.")


def suggest(text: str, known: list[str]) -> str | None:
    """The nearest known entry (difflib, cut-off 0.6), or None."""
    found = difflib.get_close_matches(text.casefold(), [k.casefold() for k in known], n=1, cutoff=0.6)
    if not found:
        return None
    return next(k for k in known if k.casefold() == found[0])


@dataclass(frozen=True)
class Vocabulary:
    """Every list of ``registers.json``, and the sectors the budget text names (ids of criteria.json's sectors)."""

    lists: dict[str, Choices]
    budget_sectors: tuple[str, ...]

    def __getitem__(self, name: str) -> Choices:
        return self.lists[name]


def parse_vocabulary(raw: Any, name: str = FILE) -> Vocabulary:
    """Check the file's shape: every list a list of {"id", "label"} with unique ids; DataError (Danish) otherwise."""
    report = Report()
    if not isinstance(raw, dict):
        report.error(f"{name}: skal være et JSON-objekt.")
        raise DataError(report)
    lists: dict[str, Choices] = {}
    for key in LISTS:
        entries = raw.get(key)
        if not isinstance(entries, list) or not entries:
            report.error(f"{name}: '{key}' skal være en ikke-tom liste.")
            continue
        labels: dict[str, str] = {}
        for k, entry in enumerate(entries, start=1):
            if not (
                isinstance(entry, dict) and isinstance(entry.get("id"), str) and isinstance(entry.get("label"), str)
            ):
                report.error(f"{name}: '{key}' nr. {k} skal have tekstfelterne 'id' og 'label'.")
                continue
            if not entry["id"].strip() or entry["id"] in labels:
                report.error(f"{name}: '{key}' nr. {k} har et tomt eller gentaget id '{entry['id'][:40]}'.")
                continue
            labels[entry["id"]] = entry["label"]
        lists[key] = Choices(key, labels)
    sectors = raw.get("budget_sectors", [])
    if not isinstance(sectors, list) or not all(isinstance(s, str) for s in sectors):
        report.error(f"{name}: 'budget_sectors' skal være en liste af sektor-id'er.")
        sectors = []
    if report.errors:
        raise DataError(report)
    return Vocabulary(lists, tuple(sectors))


def load_vocabulary(data_dir: Path | None = None) -> Vocabulary:
    """The package's ``registers.json``, else the bundled one."""
    for folder in (data_dir, BUNDLED_DATA_DIR):
        if folder is not None and (Path(folder) / FILE).is_file():
            path = Path(folder) / FILE
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                report = Report()
                report.error(f"{FILE} kan ikke læses ({type(exc).__name__}).")
                raise DataError(report) from None
            return parse_vocabulary(raw, FILE)
    report = Report()
    report.error(f"{FILE} mangler i datapakken og i den medleverede pakke.")
    raise DataError(report)
