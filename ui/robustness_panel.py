"""The Robusthed view: how the ranking holds up when people weigh the criteria differently."""

from __future__ import annotations

from itertools import permutations

import pandas as pd
import streamlit as st

from selection.dataset import Dataset
from selection.indicators import Performance
from selection.robustness import current_share, weight_sweep
from selection.limits import MAX_SMAA_SAMPLES
from selection.robustness_report import DEFAULT_SAMPLES, DEFAULT_SEED, RobustnessReport, analyse, summaries
from selection.scoring import ScoreResult

from .text import md, pct


def render(dataset: Dataset, perf: Performance, result: ScoreResult, top_n: int) -> None:
    labels = {c.id: c.label for c in dataset.model.criteria}
    names = dataset.areas["name"].to_dict()
    st.caption(
        "Hvor robust er rangeringen? Her afprøves mange andre vægtninger (SMAA-2), og det beregnes præcist, "
        "hvor meget hver vægt kan ændres, før et område skifter plads."
    )
    c1, c2, c3 = st.columns(3)
    n_samples = int(c1.number_input("Antal vægtninger (SMAA)", 1000, MAX_SMAA_SAMPLES, DEFAULT_SAMPLES, step=1000,
                                    key="smaa_n"))
    seed = int(c1.number_input("Startværdi (seed)", 0, 2**31 - 1, DEFAULT_SEED, key="smaa_seed"))
    active = [c for c in labels if result.weights[c] > 0]
    orders = [None, *permutations(active)]
    order = c2.selectbox(
        "Planlæggernes rækkefølge af kriterierne", orders, key="smaa_order",
        format_func=lambda o: "Ingen (alle vægtninger)" if o is None else " ≥ ".join(labels[c] for c in o),
    )
    margin_pp = c2.slider("Kun vægtninger inden for ± procentpoint af de nuværende", 0, 50, 0, key="smaa_margin",
                          help="0 = ingen grænse.")
    noisy = [i.id for i in dataset.model.indicators if not i.computed and _assessed(perf, i.id)]
    vary = c3.checkbox("Lad vurderinger variere ± ét skalatrin", key="smaa_noise",
                       help="Vurderede og illustrative værdier (" + ", ".join(
                           md(dataset.model.indicator(i).label) for i in noisy) + ") varierer tilfældigt i hver vægtning.")
    try:
        report = analyse(result, dataset.model, perf.matrix, n_samples, seed, order,
                         margin_pp / 100 if margin_pp else None, noisy if vary else ())
    except ValueError as exc:
        st.error(md(exc))
        return
    if report.left_out:
        st.warning("Ikke med i analysen (mangler data for et rangeret område): "
                   + ", ".join(md(labels[c]) for c in report.left_out))

    shortlisted = result.top(top_n)["area_id"].tolist()
    st.markdown("#### Opsummering for kortlisten")
    for aid, sentence in summaries(report, names, labels, shortlisted).items():
        st.markdown(f"- {md(sentence)}")
    st.caption(
        f"SMAA med {report.smaa.n_samples:,} vægtninger".replace(",", ".")
        + f", seed {report.smaa.seed}; Monte Carlo-usikkerhed højst ± {100 * report.smaa.max_std_error:.1f} "
        "procentpoint (én standardfejl)."
        + (" Vurderinger varierer ± ét skalatrin." if report.assessment_noise else "")
    )
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("#### Rangaccept: andel af vægtninger, der giver hver rang")
        heatmap(report, result, names)
    with right:
        st.markdown("#### Stabilitetsintervaller")
        stability_frame(report, names, labels, shortlisted)
        st.markdown("#### Centrale vægte (gennemsnit når området er nr. 1)")
        central = report.smaa.central_weights.dropna().rename(index=names, columns=labels)
        st.dataframe((100 * central).round(0), width="stretch")
    st.markdown("#### Følsomhed: rang når én vægt ændres (de øvrige beholder deres indbyrdes forhold)")
    cols = st.columns(len(report.scores.columns))
    for col, cid in zip(cols, report.scores.columns, strict=True):
        with col:
            sweep_chart(report, cid, labels[cid], names, shortlisted)


def _assessed(perf: Performance, indicator_id: str) -> bool:
    prov = perf.provenance[perf.provenance["indicator_id"] == indicator_id]
    return bool(len(prov)) and bool((prov["kind"] != "sourced").any())


def heatmap(report: RobustnessReport, result: ScoreResult, names: dict[str, str]) -> None:
    acc = report.smaa.acceptability
    order = [f"{int(r)}. {names[a]}" for a, r in zip(result.ranked["area_id"], result.ranked["rank"], strict=True)]
    label = dict(zip(result.ranked["area_id"], order, strict=True))
    long = pd.DataFrame([
        {"Område": label[a], "Rang": int(k), "Andel": float(acc.at[a, k]) * 100}
        for a in acc.index for k in acc.columns
    ])
    spec = {
        "height": 28 * len(order),
        "encoding": {
            "x": {"field": "Rang", "type": "ordinal", "title": "Rang"},
            "y": {"field": "Område", "type": "nominal", "sort": order, "title": None, "axis": {"labelLimit": 220}},
        },
        "layer": [
            {"mark": "rect", "transform": [{"filter": "datum.Andel > 0"}], "encoding": {"color": {
                "field": "Andel", "type": "quantitative", "title": "% af vægtninger",
                "scale": {"scheme": "blues", "domain": [0, 100]}}}},
            {"mark": {"type": "text", "fontSize": 10},
             "transform": [{"filter": "datum.Andel >= 0.5"}],
             "encoding": {"text": {"field": "Andel", "type": "quantitative", "format": ".0f"},
                          "color": {"condition": {"test": "datum.Andel > 50", "value": "white"}, "value": "black"}}},
        ],
    }
    st.vega_lite_chart(long, spec, width="stretch")


def stability_frame(report: RobustnessReport, names: dict[str, str], labels: dict[str, str], area_ids: list[str]) -> None:
    table = report.stability[report.stability["area_id"].isin(area_ids)]
    st.dataframe(pd.DataFrame({
        "Område": [names[a] for a in table["area_id"]],
        "Rang": table["rank"].astype(int),
        "Kriterium": [labels[c] for c in table["criterion"]],
        "Nu": [pct(x) for x in table["current"]],
        "Samme rang fra": [pct(x) for x in table["lo"]],
        "til": [pct(x) for x in table["hi"]],
    }), hide_index=True, width="stretch")
    st.caption("Intervallerne er beregnet præcist ud fra skæringspunkterne mellem områdernes scorelinjer.")


def sweep_chart(report: RobustnessReport, cid: str, label: str, names: dict[str, str], area_ids: list[str]) -> None:
    sweep = weight_sweep(report.scores, report.weights, cid, steps=51)
    sweep = sweep[sweep["area_id"].isin(area_ids)].assign(
        Område=lambda d: d["area_id"].map(names), Vægt=lambda d: 100 * d["weight_share"])
    now = 100 * current_share(report.weights, cid)
    spec = {
        "title": label,
        "layer": [
            {"mark": {"type": "line", "interpolate": "step-after"},
             "encoding": {
                 "x": {"field": "Vægt", "type": "quantitative", "title": f"Vægt på {label} (%)"},
                 "y": {"field": "rank", "type": "quantitative", "title": "Rang",
                       "scale": {"reverse": True, "zero": False, "nice": False}, "axis": {"tickMinStep": 1}},
                 "color": {"field": "Område", "type": "nominal", "legend": {"orient": "bottom", "columns": 1}}}},
            {"mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555"},
             "data": {"values": [{"nu": now}]}, "encoding": {"x": {"field": "nu", "type": "quantitative"}}},
        ],
    }
    st.vega_lite_chart(sweep[["Område", "Vægt", "rank"]], spec, width="stretch", height=340)
