"""Render a snapshot as the steering group's report: one Jinja2 template (autoescaped) for HTML and PDF.

The HTML is one self-contained file (images inlined as ``data:`` URIs, no external reference); the
PDF is the same HTML laid out by WeasyPrint (A4, print CSS) with every fetch other than ``data:``
refused, so rendering never leaves the machine.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from selection.data.dataset import KIND_LABELS
from selection.data.status import kinds_per_area, value_status
from selection.limits import MAX_AREA_NAME
from selection.output.text_alternatives import unverified_leaders
from selection.ranking.scoring import STATUS_LABELS, STATUS_OK, STATUS_UNRANKED
from selection.report.snapshot import ACCEPTABILITY_RANKS_KEPT
from selection.text import formatting
from selection.text.formatting import compact, count, integer, moment_text
from selection.text.literal import without_direction_marks

LOCALE = "da_DK"
TIMEZONE = ZoneInfo("Europe/Copenhagen")
TEMPLATES = Path(__file__).resolve().parent / "templates"
MAX_ACCEPTABILITY_RANKS = ACCEPTABILITY_RANKS_KEPT  # columns of the rank-acceptability table; later ranks are summed
MAX_ACCEPTABILITY_ROWS = 15
REPORT_MAX_AREAS = 50  # rows of the ranking and areas of the values appendix; the chosen area is always included
# What the report shows is bounded whatever the data holds, so one PDF stays within seconds and a few dozen pages
# (bench/bench_report.py: the worst accepted input within 10 s and 1 GB). Each cut says what it left out.
REPORT_MAX_VALUE_AREAS = 13  # areas of the values appendix (every indicator each): the best ranked and the chosen;
# a list of a dozen candidate areas is shown whole, and the worst input stays within 10 s (20 took 10.5 s)
REPORT_MAX_TOP = 10  # rows of the top table, the stability sentences and the scenario comparison (--top may be 10,000)
MAX_PRIORITY_ROWS = 10  # rows of the assessment priority list
MAX_ASSESSMENT_ROWS = 20  # assessments in force listed (those of the best-ranked areas first)
MAX_NAME_IN_TABLE = 60  # an area's or person's name in a table row (a narrow column: 200 characters were 14 lines)
MAX_CELL_LINES = 3  # line breaks kept in such a text; later lines run on
MAX_CELL_CHARS = 200  # a reason, source or note in a table row: the whole text is in the app and the command line
MAX_VALUE_NOTE_CHARS = 60  # source and note of one value in the values appendix (up to 50 areas × every indicator)
MAX_SUMMARY_CHARS = 600  # the decision's reasons on the first page (the whole text is in the decision appendix)
MAX_PRINTED_CHARS = 8000  # any one printed text (the longest text a person may type, a decision's reasons)
MAX_UNBROKEN = 30  # characters without a break opportunity in a printed text (then a <wbr> element; see breakable)
MAX_URL_CHARS = 200  # a web address is kept whole up to this length where a text is cut (a cut address is useless)
MAX_PRINTED_LINES = 20  # line breaks kept in one printed text; later lines run on, separated by ' / '


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _cut_at(text: str, limit: int) -> int:
    """Where ``text`` is cut to about ``limit`` characters: at ``limit``, or after a web address that spans it
    (whole up to ``MAX_URL_CHARS``)."""
    for found in _URL.finditer(text, max(0, limit - MAX_URL_CHARS), limit + MAX_URL_CHARS):
        if found.start() >= limit:
            break
        if found.end() > limit:
            return max(limit, min(found.end(), found.start() + MAX_URL_CHARS))
    return limit


def _shorter(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters (a web address across the cut kept whole, ``_cut_at``) with a note of
    how much was left out."""
    if len(text) <= limit:
        return text
    cut = _cut_at(text, limit)
    if cut >= len(text):
        return text
    return f"{text[:cut].rstrip()} … [{integer(len(text) - cut)} tegn udeladt]"


_UNBROKEN = re.compile(rf"\S{{{MAX_UNBROKEN + 1},}}")
# The break opportunity in the HTML file: an element, no character (a browser copies '<wbr>' as nothing).
WBR = Markup("<wbr>")
# ... and in the HTML that WeasyPrint lays out as the PDF: a zero-width space. WeasyPrint draws it as no glyph
# at all (no font of the PDF maps U+200B; pdftotext and a viewer's copy give the text without it), exactly as
# it draws <wbr> (its ::before is a zero-width space), but without an element to style and lay out per
# opportunity: 583 <wbr> elements cost 0.85 s more CPU on the worst accepted input (bench/bench_report.py).
PDF_BREAK = Markup("\u200b")


def breakable(text: str, mark: Markup = WBR) -> Markup | str:
    """``text`` with a break opportunity ``mark`` after every ``MAX_UNBROKEN`` characters of a run without a space
    (the text around it escaped). WeasyPrint's line breaking tries every position of an unbroken run (60 names of
    120 letters took 3 s, 10 of 280 took 16 s); the mark adds no character to the text a reader sees or copies,
    so an address copied from the HTML or the PDF is the address."""
    if len(text) <= MAX_UNBROKEN or not _UNBROKEN.search(text):
        return text
    parts: list[Markup] = []
    end = 0
    for run in _UNBROKEN.finditer(text):
        parts.append(escape(text[end : run.start()]))
        word = run.group()
        parts.append(mark.join(escape(word[k : k + MAX_UNBROKEN]) for k in range(0, len(word), MAX_UNBROKEN)))
        end = run.end()
    parts.append(escape(text[end:]))
    return Markup("").join(parts)


def bounded(text: str, chars: int = MAX_PRINTED_CHARS, lines: int = MAX_PRINTED_LINES) -> str:
    """A text as the report prints it: at most ``lines`` lines (the rest run on, separated by ' / ') and ``chars``
    characters. Only as much of the later lines is joined as can be shown (a source of 128,000 characters may have
    6,000 lines); what is left after that is counted in the note."""
    if text.count("\n") < lines:
        return _shorter(text, chars)
    pos = 0
    for _ in range(lines - 1):
        pos = text.index("\n", pos) + 1
    out, length, room, first = [text[:pos]], pos, chars + MAX_URL_CHARS, True
    while pos <= len(text) and length <= room:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        if piece := text[pos:end].strip():
            out.append(piece if first else " / " + piece)
            length += len(out[-1])
            first = False
        pos = end + 1
    shown = "".join(out)
    if pos > len(text):
        return _shorter(shown, chars)
    cut = _cut_at(shown, chars)
    return f"{shown[:cut].rstrip()} … [{integer(len(shown) - cut + len(text) - pos)} tegn udeladt]"


def cell_text(text: object, chars: int = MAX_CELL_CHARS) -> str:
    """A free text in a table row: at most ``MAX_CELL_LINES`` lines and ``chars`` characters, with a note of the cut."""
    return bounded(str(text or ""), chars, MAX_CELL_LINES)


def name_text(name: object, limit: int = MAX_AREA_NAME) -> str:
    """A name on one line, at most ``limit`` characters, cut with '…' (an old snapshot may hold any name)."""
    text = " ".join(str(name).split())
    return text[: limit - 1].rstrip() + "…" if len(text) > limit else text


def cell_name(name: object) -> str:
    """A name in a table cell: ``name_text`` at ``MAX_NAME_IN_TABLE`` (the top table has the whole name)."""
    return name_text(name, MAX_NAME_IN_TABLE)


def _literal(value: Any, mark: Markup = WBR) -> Any:
    """Every printed value as the report prints it: a text without invisible direction marks
    (``selection.text.literal``), bounded in size (``bounded``) and breakable (``breakable``); a number in Danish
    (``selection.text.formatting``: the one formatting path), a yes/no as 'ja'/'nej'; markup stays markup.

    A list, tuple or mapping is never printed (its Python form, '(1.0, 0.0–2.0)', is not Danish): TypeError."""
    if isinstance(value, Markup):
        return Markup(without_direction_marks(str(value)))
    if isinstance(value, str):
        return breakable(bounded(without_direction_marks(value)), mark)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, int):
        return integer(value)
    if isinstance(value, float):
        return compact(value, 2)
    if isinstance(value, (list, tuple, dict, set)):
        raise TypeError(f"the report prints no {type(value).__name__}: format it for the template")
    return value


def _environment(mark: Markup) -> Environment:
    """The template's environment, printing every value through ``_literal`` with the break opportunity ``mark``."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=lambda value: _literal(value, mark),
    )


_ENV = _environment(WBR)  # the HTML file
_PDF_ENV = _environment(PDF_BREAK)  # the same template, laid out as the PDF


def number(value: float | None, digits: int = 1) -> str:
    """Danish decimal (``formatting.number``: comma, thousands point); an en dash for a missing value."""
    return formatting.number(value, digits)


def percent(share: float | None, digits: int = 0) -> str:
    """A share as Danish percent (``formatting.percent``); never '0 %' or '100 %' for a share that is neither."""
    if share is not None and digits == 0:
        if 0 < share < 0.005:
            return "under 1 %"
        if 0.995 < share < 1:
            return "over 99 %"
    return formatting.percent(share, digits)


def yes_no_indicator(indicator: dict[str, Any]) -> bool:
    """The indicator's values are yes/no (0 = nej, 1 = ja); a snapshot from before 'values' was kept says so by its
    unit 'ja/nej' on the scale 0–1 (the rule of ``selection.data.criteria``)."""
    if "values" in indicator:
        return indicator["values"] == "yes_no"
    scale = indicator.get("scale") or [None, None]
    return [scale[0], scale[1]] == [0.0, 1.0] and str(indicator.get("unit") or "").casefold() == "ja/nej"


def value_text(value: float | None, indicator: dict[str, Any] | None, digits: int = 1) -> str:
    """An indicator's value as the report prints it: 'ja'/'nej' for a yes/no indicator, else a Danish number."""
    if indicator is not None and yes_no_indicator(indicator) and value in (0, 1):
        return "ja" if value == 1 else "nej"
    return number(value, digits)


def indicator_text(indicator: dict[str, Any]) -> str:
    """An indicator with its sub-weight and scale in Danish: 'Andel i beskæftigelse (delvægt 0,5; skala 0–100;
    lavere er bedre)'."""
    scale = (
        "ja/nej"
        if yes_no_indicator(indicator)
        else f"skala {compact(indicator['scale'][0], 2)}–{compact(indicator['scale'][1], 2)}"
    )
    parts = [f"delvægt {compact(indicator.get('sub_weight', 1.0), 2)}", scale]
    if indicator.get("direction") == "cost":
        parts.append("lavere er bedre")
    if indicator.get("assessment"):
        parts.append("lokal vurdering")
    return f"{indicator['label']} ({'; '.join(parts)})"


def params_text(value: Any) -> str:
    """A rule's parameters (JSON) in Danish: 'top_k = 3; points = (none = 0; statement = 0,5)'; numbers through
    the Danish formatter, never as Python or JSON writes them."""
    if isinstance(value, dict):
        return "; ".join(
            f"{key} = ({params_text(v)})" if isinstance(v, (dict, list)) else f"{key} = {params_text(v)}"
            for key, v in value.items()
        )
    if isinstance(value, list):
        return "; ".join(f"({params_text(v)})" if isinstance(v, (dict, list)) else params_text(v) for v in value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, (int, float)):
        return compact(value, 4)
    return "–" if value is None else str(value)


def local_time(iso: str) -> str:
    """An ISO UTC time as Danish local time, e.g. '29. november 2026 kl. 14.05'."""
    return moment_text(iso)


def local_date(iso: str) -> str:
    return format_date(datetime.fromisoformat(iso).date(), "d. MMMM y", locale=LOCALE)


def _data_uri(png: bytes) -> Markup:
    """An image inlined as a ``data:`` URI (markup: the printed-text bound does not apply to it)."""
    return Markup("data:image/png;base64," + base64.b64encode(png).decode("ascii"))


def caveat_text(snapshot: dict[str, Any]) -> str:
    """The data caveat in plain words: how many values are sourced, assessed or illustrative."""
    status = snapshot["status"]
    kinds, lists = status["value_kinds"], status["list_confidence"]
    total = sum(kinds.values())
    areas = status["n_areas"]
    text = (
        f"Af {count(total, 'værdi', 'værdier')} bag rangeringen er "
        f"{count(kinds.get('sourced', 0), 'kildebelagt', 'kildebelagte')}, "
        f"{count(kinds.get('assessed', 0), 'lokal vurdering', 'lokale vurderinger')} og "
        f"{count(kinds.get('illustrative', 0), 'illustrativ pladsholder', 'illustrative pladsholdere')}"
        + (f", og {integer(status['n_missing'])} mangler" if status["n_missing"] else "")
        + ". "
        f"{integer(lists.get('verified', 0))} af {count(areas, 'områdes', 'områders')} plads på listen er "
        "verificeret fra en kilde."
    )
    confidence = {a["id"]: a.get("list_confidence") for a in snapshot.get("areas", [])}
    ranked = pd.DataFrame(
        [(r["rank"], r["area_id"], r["name"]) for r in snapshot.get("ranking", [])], columns=["rank", "area_id", "name"]
    )
    leaders = unverified_leaders(ranked, confidence, max(3, min(int(snapshot.get("top_n", 3)), REPORT_MAX_TOP)))
    if leaders:  # by name and rank on the first page (issue 29, class 14)
        text += f" {leaders}"
    geometry = status["geometry_quality"]
    if kinds.get("illustrative") or lists.get("estimate") or geometry.get("approximate") or geometry.get("placeholder"):
        text += (
            " Illustrative værdier er ikke fakta: rangeringen viser metoden og skal bygge på officielle data "
            "og lokale vurderinger, før den bruges til en beslutning."
        )
    return text


def robustness_text(snapshot: dict[str, Any]) -> str:
    """One sentence on robustness that says what was varied."""
    rob = snapshot["robustness"]
    if not rob:
        if snapshot.get("n_excluded") and not any(r["rank"] is not None for r in snapshot["ranking"]):
            return "Robustheden kunne ikke beregnes, fordi udelukkelsesreglerne udelukker alle områder."
        return "Robustheden kunne ikke beregnes, fordi ingen områder kan rangeres med de valgte vægte."
    top = next(r for r in snapshot["ranking"] if r["rank"] is not None)
    n = integer(rob["n_samples"])
    text = (
        f"Når kun vægtene varieres ({n} tilfældige vægtninger), er {top['name']} nr. 1 i "
        f"{percent(rob['weights_only']['first'][top['area_id']])} af dem"
    )
    if rob["with_values"]:
        text += (
            f"; når også de vurderede og illustrative værdier varierer ± ét skalatrin, er området nr. 1 i "
            f"{percent(rob['with_values']['first'][top['area_id']])}."
        )
    else:
        text += "; der er ingen vurderede eller illustrative værdier at variere."
    if extra := eligible_text(snapshot):
        text += " " + extra
    return text


def scenario_text(snapshot: dict[str, Any]) -> str:
    """The scenario the snapshot was taken with: a stored one (number, version), a starting point, or 'ikke gemt'."""
    scenario = snapshot.get("scenario") or {}
    name = scenario.get("name")
    if not name:
        return "ikke gemt (indstillingerne på skærmen)"
    if scenario.get("id") is not None:
        return f"{name} (nr. {scenario['id']}, version {scenario.get('version') or '–'})"
    if scenario.get("key"):
        return f"{name} (udgangspunkt fra datapakken)"
    return str(name)


def eligible_text(snapshot: dict[str, Any]) -> str:
    """Says that robustness covers only the areas the rules leave in (empty without exclusions)."""
    n_out = int(snapshot.get("n_excluded") or 0)
    if not n_out:
        return ""
    n_in = sum(1 for r in snapshot["ranking"] if r["rank"] is not None)
    return (
        f"Robustheden er beregnet over {count(n_in, 'område', 'områder')}, som udelukkelsesreglerne ikke udelukker "
        f"({count(n_out, 'område er', 'områder er')} udelukket)."
    )


def _comparison(snapshot: dict[str, Any]) -> dict[str, Any] | None:
    part = snapshot.get("comparison")
    if not part:
        return None
    from selection.report.figures import (  # local imports: matplotlib loads for a report only
        MAX_CHART_LINES,
        rank_change_png,
    )

    drawn = {r["area"] for r in part["ranks"]}
    return {
        **part,
        "chart_uri": _data_uri(rank_change_png(part)),
        "many": len(drawn) > MAX_CHART_LINES,
        "max_lines": MAX_CHART_LINES,
    }


def _registers(snapshot: dict[str, Any]) -> dict[str, Any] | None:
    """The appendix on the values computed from the registers (None: the snapshot has none)."""
    part = snapshot.get("registers")
    if not part:
        return None
    changed = int(part["n_changed_in_app"])
    intro = (
        f"Registrene rummer {count(int(part['n_initiatives']), 'indsats', 'indsatser')} og "
        f"{count(int(part['n_actors']), 'aktør', 'aktører')} pr. {local_date(part['on'])}; "
        + (
            f"{count(changed, 'registrering er', 'registreringer er')} registreret eller rettet i appen, resten kommer "
            "fra datapakken."
            if changed
            else "alle kommer fra datapakken."
        )
        + " Reglerne står i kriteriefilen med synlige parametre; en ændret regel er en ny version af datapakken."
    )
    areas = [
        {
            "area": a["area"],
            "indicator": a["indicator"],
            "value": a["value_text"],
            "numeric": a.get("value") is not None,  # else 'ingen registreringer': a text that may wrap
            "provenance": a["provenance"],
            "summary": a["summary"],
            "counted": a["counted"],
            "more": (
                "… og "
                + count(a["n_counted"] - len(a["counted"]), "registrering mere", "registreringer mere")
                + ", der tæller."
                if a["n_counted"] > len(a["counted"])
                else ""
            ),
        }
        for a in part["areas"]
    ]
    shown = len({a["area_id"] for a in part["areas"]})
    cut = (
        f"Tabellen viser de {integer(shown)} bedst rangerede af {integer(part['n_areas_ranked'])} rangerede områder."
        if part["n_areas_ranked"] > shown
        else ""
    )
    return {
        "intro": intro,
        "rules": [
            {"indicator": r["indicator"], "text": r["text"], "params": params_text(r["rule"])} for r in part["rules"]
        ],
        "problems": " ".join(part.get("problems") or []),
        "areas": areas,
        "cut": cut,
    }


def _weighting(snapshot: dict[str, Any]) -> dict[str, Any] | None:
    """The section "Styregruppens vægtning" from the snapshot's round (None: the report shows no round).

    Participants are shown only by the labels stored in the snapshot ('Deltager 3' in an anonymous round)."""
    part = snapshot.get("round")
    if not part:
        return None
    from selection.report.figures import round_weights_png  # local import: matplotlib loads for a report only

    ids = [c["id"] for c in part["criteria"]]
    labels = {c["id"]: c["label"] for c in part["criteria"]}
    ranks = part["ranks"]
    n = int(ranks["n_participants"])
    shown = ranks["labels"]
    cut = []
    if ranks["n_ranked"] > len(ranks["rows"]):
        cut.append(
            f"Tabellen viser de {integer(len(ranks['rows']))} bedst rangerede af "
            f"{count(ranks['n_ranked'], 'rangeret område', 'rangerede områder')} med gruppens vægte."
        )
    if n > len(shown):
        cut.append(
            f"Den viser rangen for de første {integer(len(shown))} af {integer(n)} deltagere; "
            "'Nr. 1 for' tæller alle deltagere."
        )
    data_note = ""
    if part.get("data_version") and part.get("data_version_used") and part["data_version"] != part["data_version_used"]:
        data_note = (
            f"Runden blev åbnet med dataversion {part['data_version']}; resultatet her er regnet med dataversion "
            f"{part['data_version_used']} og de vurderinger, der gælder nu."
        )
    return {
        "title": f"Runde nr. {part['id']}: {part['name']}",
        "state_text": part["state_text"],
        "anonymous": bool(part["anonymous"]),
        "scenario_name": part.get("scenario_name") or "",
        "revealed_at": local_time(part["revealed_at"]) if part.get("revealed_at") else "",
        "answered": integer(part["answered"]),
        "invited": integer(part["invited"]),
        "method_text": part["method_text"],
        "sentence": part["sentence"],
        "data_note": data_note,
        "criteria": [labels[c] for c in ids],
        "weights": [{"label": labels[c], "share": percent(part["weights"][c])} for c in ids],
        "participants": [
            {"label": p["label"], "cells": [percent(p["weights"].get(c)) for c in ids]} for p in part["participants"]
        ],
        "spread": [
            {
                "label": labels.get(s["criterion"], s["criterion"]),
                "group": percent(s["group"]),
                "min": percent(s["min"]),
                "median": percent(s["median"]),
                "max": percent(s["max"]),
            }
            for s in part["spread"]
        ],
        "rank_labels": shown,
        "rank_rows": [
            {
                "rank": r["rank"] if r["rank"] is not None else "–",
                "name": r["name"],
                "total": number(r["total"]),
                "cells": ["–" if k is None else integer(k) for k in r["ranks"]],
                "first": f"{integer(r['first_count'])} af {integer(n)}",
            }
            for r in ranks["rows"]
        ],
        "cut": " ".join(cut),
        "chart_uri": _data_uri(round_weights_png(part)),
    }


def _acceptability(part: dict[str, Any], ranking: list[dict[str, Any]]) -> dict[str, Any]:
    ranked = [r for r in ranking if r["rank"] is not None][:MAX_ACCEPTABILITY_ROWS]
    m = len(next(iter(part["acceptability"].values()), []))
    shown = min(m, MAX_ACCEPTABILITY_RANKS)
    rows = []
    for r in ranked:
        probs = part["acceptability"].get(r["area_id"])
        if probs is None:
            continue
        cells = [percent(p) if p >= 0.005 else "" for p in probs[:shown]]
        if m > shown:
            rest = sum(probs[shown:])
            cells.append(percent(rest) if rest >= 0.005 else "")
        rows.append(
            {
                "name": cell_name(r["name"]),
                "rank": r["rank"],
                "cells": cells,
                "strong": [p >= 0.5 for p in probs[:shown]] + [False],
            }
        )
    headers = [f"Nr. {k}" for k in range(1, shown + 1)] + ([f"Nr. {shown + 1}+"] if m > shown else [])
    return {"headers": headers, "rows": rows}


def _stability(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """Plain sentences: how far each weight can move before a shortlisted area changes place."""
    rob = snapshot["robustness"]
    if not rob:
        return []
    names = {r["area_id"]: r["name"] for r in snapshot["ranking"]}
    labels = {c["id"]: c["label"] for c in snapshot["criteria"]}
    shortlisted = [r["area_id"] for r in snapshot["ranking"] if r["rank"] is not None][
        : min(snapshot["top_n"], REPORT_MAX_TOP)
    ]
    out = []
    for aid in shortlisted:
        lines = []
        for rec in rob["stability"]:
            if rec["area_id"] != aid:
                continue
            label, lo, hi, now = labels.get(rec["criterion"], rec["criterion"]), rec["lo"], rec["hi"], rec["current"]
            if lo <= 1e-9 and hi >= 1 - 1e-9:
                span = f"uanset hvordan '{label}' vægtes"
            elif lo <= 1e-9:
                span = f"så længe '{label}' vægtes højst {percent(hi)}"
            elif hi >= 1 - 1e-9:
                span = f"så længe '{label}' vægtes mindst {percent(lo)}"
            else:
                span = f"så længe '{label}' vægtes mellem {percent(lo)} og {percent(hi)}"
            lines.append(f"Bliver nr. {rec['rank']}, {span} (nu {percent(now)}).")
        sentence = cell_text(rob["sentences"].get(aid, ""), 2 * MAX_CELL_CHARS)
        out.append({"name": names.get(aid, aid), "sentence": sentence, "lines": lines})
    return out


def listed_areas(
    ranking: list[dict[str, Any]], chosen: dict[str, Any] | None = None, limit: int = REPORT_MAX_AREAS
) -> set[str]:
    """The areas whose rows the report lists: all, or with many areas the first REPORT_MAX_AREAS of the ranking
    (best-ranked first) and the chosen area."""
    listed = {r["area_id"] for r in ranking[:limit]}
    if chosen is not None:
        listed.add(chosen["area_id"])
    return listed


def cut_text(n_areas: int, n_listed: int) -> str:
    """What a cut ranking table leaves out (empty when it lists every area)."""
    if n_listed >= n_areas:
        return ""
    return (
        f"Tabellen viser de {integer(REPORT_MAX_AREAS)} bedst rangerede af {count(n_areas, 'område', 'områder')}"
        + (" og det valgte område" if n_listed > REPORT_MAX_AREAS else "")
        + f". Hele rangeringen kan hentes som CSV i appen (sæt 'Antal områder på kortlisten' til {n_areas}) eller "
        f"med kommandoen python -m selection rank --top {n_areas}."
    )


def values_cut_text(n_areas: int, n_listed: int, dataset: dict[str, Any]) -> str:
    """Where the values of the areas a cut appendix leaves out are (empty when it lists every area)."""
    if n_listed >= n_areas:
        return ""
    return (
        f"Bilaget viser værdierne for de {count(n_listed, 'område', 'områder')} øverst i rangeringen"
        + (" og det valgte område" if n_listed > REPORT_MAX_VALUE_AREAS else "")
        + ". "
        f"Værdierne for de øvrige {integer(n_areas - n_listed)} ligger i datasættet {dataset.get('name', '')}, "
        f"dataversion {dataset.get('version', '')} (indholds-hash {str(dataset.get('content_hash', ''))[:12]}), "
        "som rapporten bygger på."
    )


def report_context(
    snapshot: dict[str, Any],
    decision: dict[str, Any] | None = None,
    changes: list[str] | None = None,
    generated_at: str | None = None,
) -> dict[str, Any]:
    """Everything the template shows, formatted in Danish (text stays raw; the template escapes it)."""
    from selection.geo.districts import district_name
    from selection.report.figures import MANY_RANK_LABELS, MAX_MAP_LABELS, map_png, why_png

    snapshot = shown_snapshot(snapshot)
    criteria = snapshot["criteria"]
    ranking = snapshot["ranking"]
    ranked = [r for r in ranking if r["rank"] is not None]
    top_n = snapshot["top_n"]
    areas = {a["id"]: a for a in snapshot["areas"]}
    indicators = {i["id"]: i for c in criteria for i in c["indicators"]}
    by_label = {i["label"]: i for i in indicators.values()}
    rob = snapshot["robustness"]
    chosen = None
    if decision and decision.get("chosen_area_id"):
        chosen = next((r for r in ranking if r["area_id"] == decision["chosen_area_id"]), None)
    kinds = _kinds_per_area(snapshot)
    listed = listed_areas(ranking, chosen)
    valued = listed_areas(ranking, chosen, REPORT_MAX_VALUE_AREAS)
    shown_top = min(top_n, REPORT_MAX_TOP)
    assessments, assessments_cut = _assessments(snapshot, areas, indicators)
    priorities = snapshot.get("priorities")
    return {
        "title": "Valg af område – beslutningsgrundlag" if decision else "Valg af område – rapport til styregruppen",
        "dataset": snapshot["dataset"],
        "hash_short": snapshot["dataset"]["content_hash"][:12],
        "taken_at": local_time(snapshot["taken_at"]),
        "generated_at": local_time(generated_at) if generated_at else local_time(snapshot["taken_at"]),
        "weights": [{"label": c["label"], "share": percent(c["weight"])} for c in criteria],
        "criteria": criteria,
        "indicator_texts": [[indicator_text(i) for i in c["indicators"]] for c in criteria],
        "top": [
            {
                "rank": r["rank"],
                "name": r["name"],
                "total": number(r["total"]),
                "bydel": areas.get(r["area_id"], {}).get("bydel") or "",
                "first": percent(rob["weights_only"]["first"].get(r["area_id"])) if rob else "–",
            }
            for r in ranked[:shown_top]
        ],
        "top_cut": (
            f"Tabellen viser de {integer(REPORT_MAX_TOP)} øverste af top {integer(top_n)}; hele rangeringen står i "
            "tabellen nedenfor og kan hentes som CSV."
            if top_n > REPORT_MAX_TOP and len(ranked) > shown_top  # only when --top asked for more than it shows
            else ""
        ),
        "top_n": top_n,
        "first": ranked[0] if ranked else None,
        "chosen": chosen,
        "caveat": caveat_text(snapshot),
        "robustness_sentence": robustness_text(snapshot),
        "map_uri": _data_uri(map_png(snapshot, shown_top, chosen["area_id"] if chosen else None)),
        "map_districts": len({district_name(a.get("bydel")) for a in snapshot["areas"]} - {None}) >= 2,  # as drawn
        "why_uri": _data_uri(why_png(snapshot)) if ranked else None,
        "ranking_cut": cut_text(len(ranking), len(listed)),
        "ranking": [
            {
                "rank": r["rank"] if r["rank"] is not None else "–",
                "name": cell_name(r["name"]),
                "total": number(r["total"]),
                "cells": [f"{number(r['scores'][c['id']])} ({number(r['contributions'][c['id']])})" for c in criteria],
                "status": f"Udelukket: {r['excluded']}" if r.get("excluded") else _data_status(r, kinds),
                "missing": "" if r.get("excluded") else ", ".join(r["missing"]),
            }
            for r in ranking
            if r["area_id"] in listed
        ],
        "robustness": rob,
        "n_samples": integer(rob["n_samples"]) if rob else "",
        "seed": str(rob["seed"]) if rob else "–",  # as typed after --seed: an id, not a quantity
        "acc_weights": _acceptability(rob["weights_only"], ranking) if rob else None,
        "acc_values": _acceptability(rob["with_values"], ranking) if rob and rob["with_values"] else None,
        "max_se": number(100 * rob["weights_only"]["max_std_error"]) if rob else "",
        "stability": _stability(snapshot),
        "priorities": (
            [
                {
                    **p,
                    "now": _now_text(p, by_label.get(str(p.get("indicator")))),
                    "sentence": cell_text(p.get("sentence"), 2 * MAX_CELL_CHARS),
                    "what": cell_text(p.get("what")),
                }
                for p in priorities[:MAX_PRIORITY_ROWS]
            ]
            if priorities is not None
            else None
        ),  # None: a snapshot from before the list existed
        "priorities_cut": (
            f"Listen viser de {integer(MAX_PRIORITY_ROWS)} mest afgørende af {integer(len(priorities))} værdier; "
            "hele listen står i appens fane for kritiske værdier og kommer af python -m selection critical."
            if priorities is not None and len(priorities) > MAX_PRIORITY_ROWS
            else ""
        ),
        "assessments": assessments,
        "assessments_cut": assessments_cut,
        "values": [
            {
                "area": cell_name(areas.get(v["area_id"], {}).get("name", v["area_id"])),
                "indicator": v["indicator"],
                "value": value_text(v["value"], indicators.get(v["indicator_id"])),
                "kind": KIND_LABELS.get(v["kind"], v["kind"] or ""),
                **_source_and_note(v),
            }
            for v in sorted(
                snapshot["values"], key=lambda v: (areas.get(v["area_id"], {}).get("name", ""), v["indicator_id"])
            )
            if v["area_id"] in valued
        ],
        "values_title": "Alle værdier med art og kilde" if len(valued) == len(ranking) else "Værdier med art og kilde",
        "values_cut": values_cut_text(len(ranking), len(valued), snapshot["dataset"]),
        "decision": _decision_context(decision, areas) if decision else None,
        "changes": changes or [],
        "actor_distance": number(snapshot["actor_distance_m"], 0),
        "scenario": scenario_text(snapshot),
        "scenario_rationale": (snapshot.get("scenario") or {}).get("rationale") or "",
        "rules": [r["text"] for r in snapshot.get("rules", [])],
        "n_excluded": int(snapshot.get("n_excluded") or 0),
        "eligible_note": eligible_text(snapshot),
        "comparison": _comparison(snapshot),
        "weighting": _weighting(snapshot),
        "registers": _registers(snapshot),
        "many_areas": len(snapshot["areas"]) > MAX_MAP_LABELS,
        "n_areas": len(snapshot["areas"]),
        "rank_labels": max(shown_top, MANY_RANK_LABELS),
        "map_named": shown_top,
    }


def _source_and_note(value: dict[str, Any]) -> dict[str, str]:
    """A value's source and note in the values appendix: ``MAX_VALUE_NOTE_CHARS`` each, one line; a web address
    in the source is kept whole (``MAX_URL_CHARS``), and the note then gets what is left of the two's room."""
    source = bounded(str(value["source"] or ""), MAX_VALUE_NOTE_CHARS, 1)
    room = max(2 * MAX_VALUE_NOTE_CHARS - max(len(source), MAX_VALUE_NOTE_CHARS), MAX_VALUE_NOTE_CHARS // 3)
    return {"source": source, "note": bounded(str(value["note"] or ""), room, 1)}


def shown_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot with every area name as the report shows it (``name_text``: one line, bounded), the top of
    the scenario comparison only (``REPORT_MAX_TOP`` per scenario), and nothing else changed."""
    out = {
        **snapshot,
        "areas": [{**a, "name": name_text(a["name"])} for a in snapshot["areas"]],
        "ranking": [{**r, "name": name_text(r["name"])} for r in snapshot["ranking"]],
    }
    if snapshot.get("priorities"):
        out["priorities"] = [{**p, "area": cell_name(p.get("area") or "")} for p in snapshot["priorities"]]
    if snapshot.get("comparison"):
        part = snapshot["comparison"]
        rows = [{**r, "name": cell_name(r["name"])} for r in part["rows"]]
        out["comparison"] = {
            **part,
            "labels": [name_text(label, MAX_NAME_IN_TABLE // 2) for label in part["labels"]],
            "rows": rows[:REPORT_MAX_TOP],
            "rows_cut": (
                f"Tabellen viser de første {integer(REPORT_MAX_TOP)} af {count(len(rows), 'område', 'områder')}."
                if len(rows) > REPORT_MAX_TOP
                else ""
            ),
            "ranks": [{**r, "area": name_text(r["area"])} for r in part["ranks"]],
        }
    if snapshot.get("round"):
        part = snapshot["round"]
        ranks = part["ranks"]
        out["round"] = {
            **part,
            "ranks": {**ranks, "rows": [{**r, "name": cell_name(r["name"])} for r in ranks["rows"]]},
        }
    if snapshot.get("registers"):
        part = snapshot["registers"]
        out["registers"] = {**part, "areas": [{**a, "area": cell_name(a["area"])} for a in part.get("areas", [])]}
    return out


def _now_text(priority: dict[str, Any], indicator: dict[str, Any] | None) -> str:
    """A priority's current value with its unit ('3,0 point'); a yes/no value as 'ja'/'nej' without the unit
    (never '0,0 ja/nej'). A snapshot's priorities name their indicator by its label."""
    unit = str(priority.get("unit") or "")
    if indicator is None and unit.casefold() == "ja/nej":
        indicator = {"values": "yes_no"}
    text = value_text(priority.get("value"), indicator)
    return text if text in ("ja", "nej", formatting.MISSING) or not unit else f"{text} {unit}"


def _assessments(
    snapshot: dict[str, Any], areas: dict[str, Any], indicators: dict[str, dict[str, Any]]
) -> tuple[list[dict[str, Any]], str]:
    """The assessments in force as the appendix lists them (the best-ranked areas' first, at most
    ``MAX_ASSESSMENT_ROWS``, long texts cut) and a note on what was left out."""
    order = {r["area_id"]: k for k, r in enumerate(snapshot["ranking"])}
    every = sorted(snapshot["assessments"], key=lambda a: order.get(a["area_id"], len(order)))  # stable: id order
    rows = [
        {
            "area": cell_name(areas.get(a["area_id"], {}).get("name", a["area_id"])),
            "indicator": indicators.get(a["indicator_id"], {}).get("label", a["indicator_id"]),
            "value": value_text(a["value"], indicators.get(a["indicator_id"])),
            "reason": cell_text(a["reason"]),
            "evidence": cell_text(a.get("evidence"), MAX_CELL_CHARS // 2),
            "assessor": cell_name(a.get("assessor_shown") or a["assessor_name"]),  # with who recorded it for them
            "role": cell_name(a.get("assessor_role") or ""),
            "date": local_date(a["assessed_on"]) if a.get("assessed_on") else "",
        }
        for a in every[:MAX_ASSESSMENT_ROWS]
    ]
    cut = ""
    if len(every) > MAX_ASSESSMENT_ROWS:
        cut = (
            f"Bilaget viser {integer(MAX_ASSESSMENT_ROWS)} af de {integer(len(every))} vurderinger, der gælder "
            "(de bedst rangerede områders først). Alle kan ses i appens fane Vurderinger og med kommandoen "
            "python -m selection assessments history."
        )
    if any(cell_text(a["reason"]) != (a["reason"] or "") for a in every[:MAX_ASSESSMENT_ROWS]):
        cut += (" " if cut else "") + (
            f"Begrundelser over {integer(MAX_CELL_CHARS)} tegn eller {MAX_CELL_LINES} linjer er forkortet; "
            "hele teksten står i vurderingens historik."
        )
    return rows, cut


def _kinds_per_area(snapshot: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Per area: how many of the values that carry weight are sourced, assessed or illustrative."""
    weighted = [
        i["id"]
        for c in snapshot["criteria"]
        if c["weight"] > 0
        for i in c["indicators"]
        if i.get("sub_weight", 1.0) > 0
    ]
    values = pd.DataFrame(snapshot["values"], columns=["area_id", "indicator_id", "value", "kind"])
    return kinds_per_area(values, weighted)


def _data_status(row: dict[str, Any], kinds: dict[str, dict[str, int]]) -> str:
    """The area's data status as the app and the files say it (never "complete" with placeholders)."""
    if row["status"] == STATUS_UNRANKED:
        return STATUS_LABELS[STATUS_UNRANKED]
    return value_status(kinds.get(str(row["area_id"]), {}), row["status"] != STATUS_OK, short=True)


def _decision_context(decision: dict[str, Any], areas: dict[str, Any]) -> dict[str, Any]:
    chosen = decision.get("chosen_area_id")
    return {
        "stored_by": "",  # decisions stored before identities were recorded have none
        "round": "",  # decisions from before weighting rounds cite none
        **decision,
        # numbers of records: as typed after --decision, not quantities ('nr. 1234', not 'nr. 1.234')
        "id": str(decision.get("id") or ""),
        "corrects_id": str(decision["corrects_id"]) if decision.get("corrects_id") is not None else "",
        "chosen_name": areas.get(chosen, {}).get("name", chosen) if chosen else "Intet område valgt",
        "reasons_short": (
            cell_text(decision.get("reasons"), MAX_SUMMARY_CHARS)
            + " (hele begrundelsen står i bilaget om beslutningen)"
            if cell_text(decision.get("reasons"), MAX_SUMMARY_CHARS) != (decision.get("reasons") or "")
            else decision.get("reasons") or ""
        ),
        "decided_on_text": local_date(decision["decided_on"]) if decision.get("decided_on") else "",
        "recorded_at_text": local_time(decision["recorded_at"]) if decision.get("recorded_at") else "",
    }


def render_html(
    snapshot: dict[str, Any],
    decision: dict[str, Any] | None = None,
    changes: list[str] | None = None,
    generated_at: str | None = None,
) -> str:
    """The report as one self-contained HTML document."""
    return _ENV.get_template("report.html.j2").render(**report_context(snapshot, decision, changes, generated_at))


def pdf_html(
    snapshot: dict[str, Any],
    decision: dict[str, Any] | None = None,
    changes: list[str] | None = None,
    generated_at: str | None = None,
) -> str:
    """The HTML that is laid out as the PDF: ``render_html``'s, with ``PDF_BREAK`` as the break opportunity."""
    return _PDF_ENV.get_template("report.html.j2").render(**report_context(snapshot, decision, changes, generated_at))


def render_pdf(
    snapshot: dict[str, Any],
    decision: dict[str, Any] | None = None,
    changes: list[str] | None = None,
    generated_at: str | None = None,
) -> bytes:
    """The same report as an A4 PDF (WeasyPrint; only ``data:`` URLs may be fetched)."""
    return html_to_pdf(pdf_html(snapshot, decision, changes, generated_at))


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
