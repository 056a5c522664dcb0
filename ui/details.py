"""Detail panel for one area: facts with provenance, every indicator value, initiatives, actors."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from selection.analysis.critical.cells import as_float
from selection.analysis.critical.values import critical_rows
from selection.analysis.critical.wording import cell_summary, empty_reason, value_text
from selection.assessments.wording import assessors_text, number_text
from selection.data.dataset import KIND_LABELS, Dataset
from selection.data.performance import Performance
from selection.data.status import list_status_text
from selection.geo.actor_presence import actors_in_pairs
from selection.output.map_layers import QUALITY_TEXT
from selection.ranking.scoring import STATUS_EXCLUDED, STATUS_LABELS, ScoreResult
from selection.registers.critical import register_critical_sentence
from selection.registers.in_force import register_what_if
from selection.storage.database import StoreError
from selection.text.formatting import compact, integer
from ui import data, layout, state
from ui.assessment_format import cached_date, cached_number
from ui.text import md, num


def render(dataset: Dataset, perf: Performance, distance_m: float) -> DeltaGenerator:
    """Draw the chosen area's details; return the slot for its rank line (``show_rank`` fills it)."""
    rank_slot = header(dataset)
    body(dataset, perf, distance_m)
    return rank_slot


def header(dataset: Dataset) -> DeltaGenerator:
    """The area choice and name; return the slot for its rank line (``show_rank`` fills it)."""
    areas = dataset.areas
    st.selectbox(
        "Vis detaljer for område",
        dataset.area_ids,
        key=state.SELECTED.name,
        format_func=lambda a: str(areas.at[a, "name"]),
    )
    st.subheader(md(areas.at[state.SELECTED.value(), "name"]), anchor=False)
    return st.empty()


def body(dataset: Dataset, perf: Performance, distance_m: float) -> None:
    """The chosen area's facts, indicator values, initiatives and actors (not weight-dependent)."""
    aid = state.SELECTED.value()
    area = dataset.areas.loc[aid]
    st.markdown(_facts(area))
    st.markdown("**Indikatorværdier**")
    layout.wide_table("indicators").dataframe(
        _indicator_rows(dataset, perf, aid),
        hide_index=True,
        width="stretch",
        column_config={
            "Indikator": st.column_config.TextColumn(width="medium"),
            "Værdi": st.column_config.TextColumn(width="small"),
            "Type": st.column_config.TextColumn(width="small"),
            "Kilde": st.column_config.TextColumn(width="medium"),
        },
    )
    _assessments(dataset, aid)
    _registers(dataset, aid)
    near = actors_in_pairs(dataset.actors, perf.actor_pairs, aid)
    st.markdown(f"**Aktører i eller inden for {integer(distance_m)} m** ({len(near)})")
    if len(near):
        labels = dataset.model.sector_labels
        layout.wide_table("actors").dataframe(
            pd.DataFrame(
                {
                    "Aktør": near["name"],
                    "Sektor": [labels.get(s, s) for s in near["sector"]],
                    "Type": [KIND_LABELS.get(k, k) for k in near["kind"]],
                    "Kilde": near["source"],
                    "Afstand (m)": [integer(d) for d in near["distance_m"]],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _registers(dataset: Dataset, aid: str) -> None:
    """Each value computed from the registers: its provenance, the rule's arithmetic for the area, and every
    record considered with what it contributed; without register rules, the package's list of initiatives."""
    view = data.register_view()
    if view is None:
        _initiative_list(dataset, aid)
        return
    registers, computed = view
    st.markdown("**Beregnet fra registrene** (se visningen Registre)")
    for iid, c in computed.items():
        ind = dataset.model.indicator(iid)
        result = c.results.get(aid)
        if result is None:
            continue
        value = result.value_text(2) + ("" if result.missing else f" {ind.unit}".rstrip())
        line = f"- **{md(ind.label)}:** {md(value)} – {md(result.provenance)}"
        if result.summary:
            line += f"; {md(result.summary)}"
        st.markdown(line)
        if result.contributions:
            layout.wide_table(f"register-{iid}").dataframe(
                pd.DataFrame(
                    {
                        "Registrering": [c.name for c in result.contributions],
                        "Tæller": ["ja" if c.counted else "nej" for c in result.contributions],
                        "Bidrag": [c.text for c in result.contributions],
                        "Id": [c.record_id for c in result.contributions],
                    }
                ),
                hide_index=True,
                width="stretch",
                column_config={"Bidrag": st.column_config.TextColumn(width="large")},
            )
    if registers.problems:
        st.caption(md("Rækker i datapakken, der ikke kunne læses som registreringer: " + " ".join(registers.problems)))


def _initiative_list(dataset: Dataset, aid: str) -> None:
    """The package's list of known initiatives of the area (a package without register rules)."""
    frame = dataset.initiatives
    mine = frame[[aid in str(a).split(";") for a in frame["area_id"]]] if len(frame) else frame
    st.markdown(f"**Kendte indsatser** ({len(mine)})")
    if len(mine):
        columns = {"name": "Indsats", "verification": "Verifikation", "source": "Kilde", "type": "Type"}
        layout.wide_table("initiatives").dataframe(
            mine.rename(columns=columns)[list(columns.values())], hide_index=True, width="stretch"
        )


def show_rank(slot: DeltaGenerator, result: ScoreResult, area_id: str) -> None:
    """The area's rank and total at the current weights (the weight-dependent part of the panel)."""
    t = result.table
    i = t["area_id"].tolist().index(area_id)
    rank, total, label = t["rank"].array[i], float(t["total"].array[i]), STATUS_LABELS[t["status"].array[i]]
    rank_text = "Ikke rangeret" if pd.isna(rank) else f"nr. {int(rank)} af {len(result.ranked)}"
    if "excluded" in t and t["excluded"].array[i]:  # screened out by a scenario's rule
        label = f"{label}: {md(t['excluded'].array[i])}"
    slot.markdown(f"**Rang:** {rank_text} · **Samlet score:** {num(total)}" + (f" · {label}" if label else ""))


def show_critical(
    slot: DeltaGenerator, dataset: Dataset, perf: Performance, result: ScoreResult, area_id: str, top_n: int
) -> None:
    """The critical values of the area's values at the current weights (``selection.analysis.critical.values``), as one
    Markdown block (cheaper than a table on every weight change)."""
    lines = []
    view = data.register_view()
    name = str(dataset.areas.at[area_id, "name"])
    for rec in critical_rows(perf.matrix, dataset.model, result, perf.provenance, top_n, [area_id]):
        ind = dataset.model.indicator(str(rec["indicator_id"]))
        text = cell_summary(rec, ind.unit, top_n, ind.values)
        register = None
        if view is not None and ind.id in view[1]:
            what = register_what_if(view[1][ind.id], view[0], area_id, dataset.model.sector_labels)
            register = register_critical_sentence(rec, what, name, top_n) if what is not None else None
        if text or register:
            now = "mangler" if rec["kind"] == "missing" else value_text(as_float(rec["value"]), ind.unit, ind.values)
            line = f"- **{md(ind.label)}** (nu {md(now)})" + (f": {md(text)}" if text else "")
            lines.append(line + (f"\n  - I registrets termer: {md(register)}" if register else ""))
    head = "**Kritiske værdier** (hver værdi for sig; alle andre værdier og vægtene uændret)"
    excluded = result.table.loc[result.table["area_id"] == area_id, "status"].eq(STATUS_EXCLUDED).any()
    if excluded:  # screened out by a rule: its own values cannot bring it back
        lines = ["Området er udelukket af scenariets regler, så ingen af dets værdier kan ændre rangeringen."]
    elif not len(result.ranked) and not lines:
        lines = [md(empty_reason(result))]
    if not lines:
        lines = [f"Ingen enkelt værdi kan inden for sin skala ændre områdets rang, nr. 1 eller top {top_n}."]
    slot.markdown("\n".join([head, "", *lines]))


def assessed_text(rec: pd.Series) -> str:
    """'2 vurderere, spænd 2–4' for an assessed value (one assessor: no spread)."""
    n = int(rec["n_assessors"])
    spread = f", spænd {number_text(rec['min'])}–{number_text(rec['max'])}" if rec["max"] > rec["min"] else ""
    return assessors_text(n) + spread


def _assessments(dataset: Dataset, aid: str) -> None:
    """Each assessor's current assessment of this area with its reason (plain text in a grid)."""
    try:
        latest = data.latest_assessments()
    except StoreError as exc:
        st.caption(md(f"Lokale vurderinger kan ikke vises: {exc}"))
        return
    rows = latest[latest["area_id"] == aid]
    labels = {i.id: i.label for i in dataset.model.indicators}
    st.markdown(f"**Lokale vurderinger** ({len(rows)})")
    if not len(rows):
        st.caption("Ingen lokale vurderinger af området endnu (se visningen Vurderinger).")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Indikator": [labels.get(i, i) for i in rows["indicator_id"]],
                "Værdi": [cached_number(v) for v in rows["value"]],
                "Vurderer": rows["assessor_shown"].to_numpy(),
                "Begrundelse": rows["reason"].to_numpy(),
                "Rolle / organisation": rows["assessor_role"].to_numpy(),
                "Dato": [cached_date(d) for d in rows["assessed_on"]],
                "Dokumentation": rows["evidence"].to_numpy(),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _facts(area: pd.Series) -> str:
    """The area's facts as escaped Markdown lines, each with its note or source."""

    def text(*parts: object) -> str:
        kept = [_plain(p) for p in parts if p is not None and not pd.isna(p) and str(p).strip()]
        # A part that the next one repeats ("Amager Vest – Amager Vest (2300 S)") is said once.
        kept = [p for i, p in enumerate(kept) if not (i + 1 < len(kept) and kept[i + 1].lower().startswith(p.lower()))]
        return md(" – ".join(kept)) if kept else "*Ikke oplyst*"

    rows = [
        ("Bydel", text(area["bydel"], area["bydel_note"])),
        ("Boligorganisationer", text(area["housing_orgs"])),
        ("Beboere", text(area["residents"], area["residents_note"])),
        ("Boliger", text(area["dwellings"], area["dwellings_note"])),
        ("Listestatus", text(list_status_text(area["list_confidence"], area["list_status"]))),
        ("Kilde til listestatus", text(area["list_source"])),
        ("Grænse", text(QUALITY_TEXT.get(area["geometry_quality"]), area["geometry_note"])),
        ("Negativ social kontrol (research)", text(area["negative_social_control"])),
    ]
    return "\n".join(f"- **{label}:** {value}" for label, value in rows)


def _plain(value: object) -> str:
    """Whole numbers without a decimal part (counts are stored as floats when some are missing)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return integer(value)
    return str(value)


def _indicator_rows(dataset: Dataset, perf: Performance, aid: str) -> pd.DataFrame:
    prov = perf.provenance[perf.provenance["area_id"] == aid].set_index("indicator_id")
    rows = []
    for crit in dataset.model.criteria:
        for ind in crit.indicators:
            value = perf.matrix.at[aid, ind.id]
            rec = prov.loc[ind.id] if ind.id in prov.index else None
            derived = ind.computed is not None or ind.from_registers
            kind = "computed" if derived else (rec["kind"] if rec is not None else None)
            if derived and rec is not None:
                kind_text = f"{KIND_LABELS['computed']} ({KIND_LABELS[rec['kind']].lower()})"
            elif ind.from_registers:
                kind_text = f"Mangler ({dataset.missing_register_text(aid, ind.id)})"
            elif kind == "assessed" and rec is not None and not pd.isna(rec.get("n_assessors")):
                kind_text = f"{KIND_LABELS['assessed']} ({assessed_text(rec)})"
            else:
                kind_text = KIND_LABELS.get(kind, "Mangler") if kind is not None and not pd.isna(value) else "Mangler"
            rows.append(
                {
                    "Indikator": ind.label,
                    "Værdi": "–" if pd.isna(value) else f"{compact(float(value), 2)} {ind.unit}".strip(),
                    "Type": kind_text,
                    "Kilde": "" if rec is None else rec["source"],
                    "Skala": ind.scale_text,
                    "Kriterium": crit.label,
                    "Note": "" if rec is None else rec["note"],
                }
            )
    return pd.DataFrame(rows)
