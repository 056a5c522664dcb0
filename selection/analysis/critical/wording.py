"""Danish wording of critical values and of the assessment priority list.

The solver (``selection.analysis.critical.values``) finds, per area and indicator, the value at which
the area's rank, nr. 1 or the top N would change; the priority list
(``selection.analysis.critical.priorities``) picks the values whose plausible range reaches such a
change. This module says it in plain Danish and is imported by both (it imports neither):

* what happens just beyond a critical value, as clauses (subject, verb, rest) said in the
  indicative ("Folehaven kommer i top 3, og Hørgården ryger ud") or, after a "hvis" clause, in the
  conditional ("ville Folehaven komme i top 3, og Hørgården ville ryge ud");
* values with a Danish decimal comma and at most two decimals, and conditions rounded to the safe
  side so they stay true ("højst 3,31" for a critical value of 3,3148 reached from above);
* the priority list's sentence, a value's kind, the detail panel's summary of a value and why a
  ranking has no critical values at all.

Directions ("down", "up") and the reading of a table cell as a number are ``selection.analysis.critical.cells``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from selection.analysis.critical.cells import DIRECTIONS, as_float, finite_or_none
from selection.ranking.scoring import STATUS_EXCLUDED, ScoreResult
from selection.text.formatting import compact, integer

# Why a value cannot change the ranking (the solver's ``note`` column).
NOTE_NOT_WEIGHTED = "Indikatoren vægter ikke i den nuværende vægtning."
NOTE_EXCLUDED = "Området er udelukket af scenariets regler; dets værdier kan ikke ændre rangeringen."
NOTE_UNRANKED = "Området er ikke rangeret, og denne værdi alene kan ikke ændre det."


def _names(idx: Sequence[int], names: np.ndarray) -> str:
    parts = [str(names[i]) for i in idx]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " og " + parts[-1]


# A clause is (subject, verb in the present, verb in the infinitive, rest): "Hørgården bliver nr. 1".
Clause = tuple[str, str, str, str]
_BLIVE, _KOMME, _RYGE, _MISTE = ("bliver", "blive"), ("kommer", "komme"), ("ryger", "ryge"), ("mister", "miste")


def _clause(subject: str, verb: tuple[str, str], rest: str) -> Clause:
    return subject, verb[0], verb[1], rest


def say(clauses: Sequence[Clause]) -> str:
    """Indicative: "Folehaven kommer i top 3, og Hørgården ryger ud"."""
    return ", og ".join(f"{s} {pres} {rest}".strip() for s, pres, _, rest in clauses)


def would(clauses: Sequence[Clause]) -> str:
    """Conditional after a "hvis" clause: "ville Folehaven komme i top 3, og Hørgården ville ryge ud"."""
    parts = [
        f"ville {s} {inf} {rest}".strip() if k == 0 else f"{s} ville {inf} {rest}".strip()
        for k, (s, _, inf, rest) in enumerate(clauses)
    ]
    return ", og ".join(parts)


def change_clauses(
    a: int, thr: dict[str, np.ndarray], names: np.ndarray, keys: np.ndarray, groups: dict[float, list[int]], top_n: int
) -> dict[str, list[Clause]]:
    """Per effect and total direction: what the ranking looks like just beyond the threshold.

    ``thr`` holds the solver's thresholds on totals (new ranks, the N-th area's tie key and whether the
    areas there are pushed out, the ranked order); ``keys`` the areas' tie keys and ``groups`` the areas
    per tie key."""
    me = str(names[a])
    k0 = keys[a] if not math.isnan(keys[a]) else -np.inf

    def who(key: float) -> list[int]:
        return [i for i in groups.get(key, []) if i != a]

    texts = {f"rank_{d}": [_clause(me, _BLIVE, f"nr. {int(thr[f'new_rank_{d}'][a])}")] for d in DIRECTIONS}
    others = [int(i) for i in thr["_order"][:2] if int(i) != a][:1]
    best = who(keys[others[0]]) if others else []
    if others and k0 == keys[others[0]]:  # tied at nr. 1
        texts["first_up"] = [_clause(me, _BLIVE, "alene nr. 1")]
        texts["first_down"] = [_clause(_names(best, names), _BLIVE, "alene nr. 1")]
    else:
        texts["first_up"] = [_clause(me, _BLIVE, "nr. 1" + (f" i stedet for {_names(best, names)}" if best else ""))]
        texts["first_down"] = (
            [_clause(_names(best, names), _BLIVE, f"nr. 1 i stedet for {me}")]
            if best
            else [_clause(me, _MISTE, "førstepladsen")]
        )
    kq, pushed = thr["top_q_key"][a], bool(thr["top_pushed"][a])
    at_q = who(kq) if not math.isnan(kq) else []
    if math.isnan(kq) or k0 < kq:
        texts["top_up"] = [_clause(me, _KOMME, f"i top {top_n}")] + (
            [_clause(_names(at_q, names), _RYGE, "ud")] if pushed and at_q else []
        )
    else:
        texts["top_up"] = [_clause(_names(at_q, names), _RYGE, f"ud af top {top_n}")]
    back = at_q if pushed and k0 > kq else []
    texts["top_down"] = [_clause(me, _RYGE, f"ud af top {top_n}")] + (
        [_clause(_names(back, names), _KOMME, "ind")] if back else []
    )
    return texts


def entering_clauses(name: str) -> list[Clause]:
    """What happens when a value brings an unranked area into the ranking: "X kommer med i rangeringen"."""
    return [_clause(name, _KOMME, "med i rangeringen")]


# --------------------------------------------------------------------------- Danish wording of values


def value_text(x: float, unit: str = "", values: str = "decimal") -> str:
    """A value with at most two decimals, a Danish decimal comma and its unit ("3,31 point"); a yes/no
    indicator's value is "ja" or "nej" (``values``: the indicator's ``values``)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if values == "yes_no" and float(x) in (0.0, 1.0):
        return "ja" if float(x) == 1.0 else "nej"
    return f"{compact(float(x), 2)} {unit}".strip()


def condition_text(x: float, direction: str, closed: bool, unit: str = "", values: str = "decimal") -> str:
    """ "mindst 3,5" / "over 3,5" / "højst 3,5" / "under 3,5", rounded so that the statement stays true;
    for a yes/no indicator the change itself, "nej → ja" or "ja → nej"."""
    if values == "yes_no":
        return "nej → ja" if direction == "up" else "ja → nej"
    x = round(float(x), 9)
    shown = math.ceil(x * 100 - 1e-6) / 100 if direction == "up" else math.floor(x * 100 + 1e-6) / 100
    word = {("up", True): "mindst", ("up", False): "over", ("down", True): "højst", ("down", False): "under"}
    return f"{word[(direction, bool(closed))]} {value_text(shown, unit)}"


def out_of_reach_sentence(area_names: Sequence[str], top_n: int) -> str:
    """E.g. "Ingen plausibel ændring af én af deres egne værdier flytter Folehaven eller Blågården ind i top 3." """
    if not area_names:
        return ""
    names = list(area_names)
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " eller " + names[-1]
    return f"Ingen plausibel ændring af én af deres egne værdier flytter {joined} ind i top {top_n}."


def priority_sentence(
    label: str, area: str, value: float, unit: str, condition: str, consequence: str, values: str = "decimal"
) -> str:
    """E.g. "Hvis 'Lokalt vurderet behov' for Urbanplanen var højst 3,31 point i stedet for 5 point, ville
    Tingbjerg/Utterslevhuse blive nr. 1 i stedet for Urbanplanen." """
    now = "i dag mangler værdien" if math.isnan(value) else f"i stedet for {value_text(value, unit, values)}"
    return (
        f"Hvis '{label}' for {area} var {condition} ({now}), {consequence}."
        if math.isnan(value)
        else f"Hvis '{label}' for {area} var {condition} {now}, {consequence}."
    )


KIND_ROW_TEXT = {
    "sourced": "Kildebelagt",
    "assessed": "Lokal vurdering",
    "illustrative": "Illustrativ pladsholder",
    "missing": "Mangler",
    "computed": "Beregnet",
}


def kind_text(kind: str, source_kind: object = None, row: Mapping[str, object] | None = None) -> str:
    """Danish kind of a value: computed values say what they are computed from, assessed values how many
    assessors and (with two or more) their spread, e.g. "Lokal vurdering (3 vurderinger: 3–5)"."""
    text = KIND_ROW_TEXT.get(kind, kind)
    if kind == "computed" and isinstance(source_kind, str):
        text += " (af illustrative aktører)" if source_kind != "sourced" else " (af kildebelagte aktører)"
    row = row or {}
    n = finite_or_none(row.get("n_assessors"))
    if kind == "assessed" and n is not None:
        lo, hi = finite_or_none(row.get("plausible_lo")), finite_or_none(row.get("plausible_hi"))
        if n < 2:
            text += " (én vurdering)"
        elif lo is None or hi is None:  # no plausible range given: the count alone
            text += f" ({int(n)} vurderinger)"
        else:
            text += f" ({int(n)} vurderinger: {value_text(lo)}–{value_text(hi)})"
    return text


# --------------------------------------------------------------------------- detail panel


def cell_summary(row: Mapping[str, object], unit: str = "", top_n: int = 3, values: str = "decimal") -> str:
    """Short Danish text of a value's critical values within the scale, the nearer one per effect.

    E.g. "nr. 1: højst 3,31 point · top 3: højst 2,25 point · rang: under 3,31 point"; "" when none.
    """
    parts = []
    for eff, label in (("first", "nr. 1"), ("top", f"top {top_n}"), ("rank", "rang")):
        options = [
            (
                abs(as_float(row[f"{eff}_{d}"]) - as_float(row["reference"]))
                if not math.isnan(as_float(row["reference"]))
                else 0.0,
                d,
            )
            for d in DIRECTIONS
            if not math.isnan(as_float(row[f"{eff}_{d}"]))
        ]
        if not options:
            continue
        _, d = min(options)
        parts.append(
            f"{label}: {condition_text(as_float(row[f'{eff}_{d}']), d, bool(row[f'{eff}_{d}_closed']), unit, values)}"
        )
    return " · ".join(parts)


def empty_reason(result: ScoreResult) -> str:
    """Why the ranking gives no or trivial critical values (Danish): no area ranked, or only one; else ""."""
    status = result.table["status"]
    n_out = int((status == STATUS_EXCLUDED).sum())
    ranked = result.ranked
    if len(ranked) == 1:
        return (
            f"Kun ét område er rangeret ({ranked['name'].iloc[0]}), så der er ingen andre at sammenligne med: "
            "ingen vægt og ingen enkelt værdi kan ændre, hvem der er nr. 1."
        )
    if len(ranked):
        return ""
    if not len(status):
        return "Datasættet har ingen områder, så der er ingen kritiske værdier at vise."
    if n_out == len(status):
        return (
            ("Det eneste område" if n_out == 1 else f"Alle {integer(n_out)} områder")
            + " er udelukket af scenariets regler, så ingen vægt og ingen enkelt værdi kan "
            "ændre rangeringen. Fjern eller løsn en regel for at se robusthed og kritiske værdier."
        )
    if n_out:
        return (
            f"Ingen områder er rangeret: {n_out} er udelukket af scenariets regler, og de øvrige mangler data for "
            "et kriterium med vægt. Fjern eller løsn en regel, eller indlæs de manglende værdier."
        )
    return (
        "Ingen områder kan rangeres med de nuværende vægte og data (alle mangler data for et kriterium med vægt), "
        "så der er ingen robusthed eller kritiske værdier at vise."
    )
