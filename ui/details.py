"""Detail panel for one area: facts with provenance, every indicator value, initiatives, actors."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from selection.actors import actors_in_pairs
from selection.dataset import KIND_LABELS, Dataset
from selection.indicators import Performance
from selection.map_layers import QUALITY_TEXT
from selection.scoring import STATUS_LABELS, ScoreResult

from .state import SELECTED
from .text import md, num

CONFIDENCE_TEXT = {"verified": "Verificeret", "inferred": "Udledt (ikke set i kilde)", "estimate": "Kandidat (skøn)"}


def render(dataset: Dataset, perf: Performance, distance_m: float) -> DeltaGenerator:
    """Draw the chosen area's details; return the slot for its rank line (``show_rank`` fills it)."""
    areas = dataset.areas
    st.selectbox(
        "Vis detaljer for område",
        dataset.area_ids,
        key=SELECTED,
        format_func=lambda a: str(areas.at[a, "name"]),
    )
    aid = st.session_state[SELECTED]
    area = areas.loc[aid]
    st.subheader(md(area["name"]), anchor=False)
    rank_slot = st.empty()
    st.markdown(_facts(area))
    st.markdown("**Indikatorværdier**")
    st.dataframe(_indicator_rows(dataset, perf, aid), hide_index=True, width="stretch")
    initiatives = dataset.initiatives[dataset.initiatives["area_id"] == aid]
    st.markdown(f"**Kendte indsatser** ({len(initiatives)})")
    if len(initiatives):
        st.dataframe(
            initiatives.rename(columns={"name": "Indsats", "type": "Type", "period": "Periode",
                                        "verification": "Verifikation", "source": "Kilde"}).drop(columns="area_id"),
            hide_index=True, width="stretch",
        )
    near = actors_in_pairs(dataset.actors, perf.actor_pairs, aid)
    st.markdown(f"**Aktører i eller inden for {distance_m:.0f} m** ({len(near)})")
    if len(near):
        labels = dataset.model.sector_labels
        st.dataframe(pd.DataFrame({
            "Aktør": near["name"],
            "Sektor": [labels.get(s, s) for s in near["sector"]],
            "Afstand (m)": near["distance_m"].astype(int),
            "Type": [KIND_LABELS.get(k, k) for k in near["kind"]],
            "Kilde": near["source"],
        }), hide_index=True, width="stretch")
    return rank_slot


def show_rank(slot: DeltaGenerator, result: ScoreResult, area_id: str) -> None:
    """The area's rank and total at the current weights (the weight-dependent part of the panel)."""
    t = result.table
    i = t["area_id"].tolist().index(area_id)
    rank, total, label = t["rank"].array[i], float(t["total"].array[i]), STATUS_LABELS[t["status"].array[i]]
    rank_text = "Ikke rangeret" if pd.isna(rank) else f"nr. {int(rank)} af {len(result.ranked)}"
    slot.markdown(f"**Rang:** {rank_text} · **Samlet score:** {num(total)}" + (f" · {label}" if label else ""))


def _facts(area: pd.Series) -> str:
    """The area's facts as escaped Markdown lines, each with its note or source."""

    def text(*parts: object) -> str:
        kept = [_plain(p) for p in parts if p is not None and not pd.isna(p) and str(p).strip()]
        return md(" – ".join(kept)) if kept else "*Ikke oplyst*"

    rows = [
        ("Bydel", text(area["bydel"], area["bydel_note"])),
        ("Boligorganisationer", text(area["housing_orgs"])),
        ("Beboere", text(area["residents"], area["residents_note"])),
        ("Boliger", text(area["dwellings"], area["dwellings_note"])),
        ("Listestatus", text(CONFIDENCE_TEXT.get(area["list_confidence"], area["list_confidence"]), area["list_status"])),
        ("Kilde til listestatus", text(area["list_source"])),
        ("Grænse", text(QUALITY_TEXT.get(area["geometry_quality"]), area["geometry_note"])),
        ("Negativ social kontrol (research)", text(area["negative_social_control"])),
    ]
    return "\n".join(f"- **{label}:** {value}" for label, value in rows)


def _plain(value: object) -> str:
    """Whole numbers without a decimal part (counts are stored as floats when some are missing)."""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}".replace(",", ".")
    return str(value)


def _indicator_rows(dataset: Dataset, perf: Performance, aid: str) -> pd.DataFrame:
    prov = perf.provenance[perf.provenance["area_id"] == aid].set_index("indicator_id")
    rows = []
    for crit in dataset.model.criteria:
        for ind in crit.indicators:
            value = perf.matrix.at[aid, ind.id]
            rec = prov.loc[ind.id] if ind.id in prov.index else None
            kind = "computed" if ind.computed else (rec["kind"] if rec is not None else None)
            if ind.computed and rec is not None:
                kind_text = f"{KIND_LABELS['computed']} ({KIND_LABELS[rec['kind']].lower()})"
            else:
                kind_text = KIND_LABELS.get(kind, "Mangler") if not pd.isna(value) else "Mangler"
            rows.append({
                "Kriterium": crit.label,
                "Indikator": ind.label,
                "Værdi": "–" if pd.isna(value) else f"{num(float(value), 1)} {ind.unit}".strip(),
                "Skala": ind.scale_text,
                "Type": kind_text,
                "Kilde": "" if rec is None else rec["source"],
                "Note": "" if rec is None else rec["note"],
            })
    return pd.DataFrame(rows)
