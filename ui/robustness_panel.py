"""The Robusthed view: how the ranking holds up when people weigh the criteria differently."""

from __future__ import annotations

from itertools import permutations

import pandas as pd
import streamlit as st

from selection.analysis.critical.combined import CombinedFlip, combined_flip, combined_sentence
from selection.analysis.critical.priorities import out_of_reach, priority_list
from selection.analysis.critical.values import critical_values
from selection.analysis.critical.wording import empty_reason, kind_text, out_of_reach_sentence, value_text
from selection.analysis.robustness.heatmap import heatmap_data
from selection.analysis.robustness.report import (
    DEFAULT_SAMPLES,
    DEFAULT_SEED,
    RobustnessReport,
    analyse,
    analysis_key,
    summaries,
    typical_weights,
    uncertain_indicators,
    varied_text,
)
from selection.analysis.robustness.sensitivity import current_share, weight_sweep
from selection.data.dataset import Dataset
from selection.data.performance import Performance
from selection.limits import MAX_SMAA_SAMPLES
from selection.memo import per_frame
from selection.output.shortlist import STYLES, priority_csv
from selection.output.text_alternatives import acceptability_summary, sweep_summary
from selection.ranking.scoring import ScoreResult
from selection.rounds import store
from selection.rounds.model import Round, RoundError
from selection.rounds.result import weight_matrix
from selection.storage.database import StoreError, store_exists
from selection.text.formatting import count, frame_text, integer, number, points, with_locale
from ui import access, data, map_panel, state
from ui.ranked_view import RANKING_VIEW
from ui.text import md, pct

ASSESSMENT_VIEW = "Vurderinger"  # the assessments view (built separately); used when it exists
TOP_SENTENCES = 5


def start_settings(orders: list, noisy: list[str]) -> None:
    """The analysis settings' starting values (the widgets take theirs from the session, so app.py can carry
    them while another view is shown); an order that no longer fits the weighted criteria is dropped."""
    if state.SMAA_ORDER.get() not in orders:
        state.SMAA_ORDER.set(None)
    state.SMAA_MARGIN.setdefault(0)
    state.SMAA_NOISE.setdefault(bool(noisy))
    state.SMAA_N.setdefault(DEFAULT_SAMPLES)
    state.SMAA_SEED.setdefault(DEFAULT_SEED)


def render(dataset: Dataset, perf: Performance, result: ScoreResult, top_n: int) -> None:
    labels = {c.id: c.label for c in dataset.model.criteria}
    names = dataset.areas["name"].to_dict()
    st.caption(
        "Hvor robust er rangeringen? Her afprøves mange andre vægtninger (SMAA-2), og det beregnes præcist, "
        "hvor meget hver vægt kan ændres, før et område skifter plads."
    )
    if why := empty_reason(result):  # no area ranked (e.g. all excluded by the scenario's rules), or only one
        st.info(md(why))
        if not len(result.ranked):
            return
    try:
        rounds = weight_rounds()
    except StoreError as exc:
        st.error(md(exc))
        rounds = []
    source = source_choice(rounds)
    c1, c2, c3 = st.columns(3)
    active = [c for c in labels if result.weights[c] > 0]
    orders = [None, *permutations(active)]
    noisy = uncertain_indicators(dataset.model, perf.provenance)
    start_settings(orders, noisy)
    given, given_text = None, ""
    if source is not None:
        item, _ = source
        try:
            given = participant_weights(item, dataset.model.criterion_ids)
        except (StoreError, RoundError) as exc:
            st.error(md(exc))
            return
        given_text = (
            f"deltagernes vægte i runde nr. {item.id} '{item.name}' ({count(len(given), 'deltager', 'deltagere')}, "
            "én vægtning hver)"
        )
        st.caption(
            md(
                f"Afprøver {given_text} i stedet for tilfældige vægte. Vægtene bruges på rangeringen på skærmen "
                "(delvægte, afstand og udelukkelsesregler som nu); andelene nedenfor er andele af deltagerne."
            )
        )
    order = c1.selectbox(
        "Planlæggernes rækkefølge af kriterierne",
        orders,
        key=state.SMAA_ORDER.name,
        format_func=lambda o: "Ingen (alle vægtninger)" if o is None else " ≥ ".join(labels[c] for c in o),
        placeholder="Ingen (alle vægtninger)",  # Streamlit shows the placeholder, not format_func, for None
        disabled=given is not None,
    )
    margin_pp = int(
        c2.slider(
            "Kun vægtninger tæt på de nuværende (0 = ingen grænse)",
            0,
            50,
            key=state.SMAA_MARGIN.name,
            format="± %d procentpoint",
            help="Hver vægt må højst afvige så mange procentpoint fra den nuværende.",
            disabled=given is not None,
        )
    )
    vary = c3.checkbox(
        "Usikre værdier varierer (± ét skalatrin, eller vurderernes spænd hvor de er uenige)",
        key=state.SMAA_NOISE.name,
        disabled=not noisy,
        help="Vurderede og illustrative værdier varierer tilfældigt i hver vægtning (gælder "
        "varmekortet; opsummeringen viser begge dele). Usikre indikatorer: "
        + (", ".join(md(dataset.model.indicator(i).label) for i in noisy) or "ingen")
        + ".",
    )
    with st.expander("Avanceret"):
        a1, a2 = st.columns(2)
        n_samples = int(
            a1.number_input("Antal tilfældige vægtninger", 1000, MAX_SMAA_SAMPLES, step=1000, key=state.SMAA_N.name)
        )
        seed = int(a2.number_input("Startværdi for tilfældige tal (seed)", 0, 2**31 - 1, key=state.SMAA_SEED.name))
    if given is not None:  # the participants' weights replace the random draw: no order, no margin
        order, margin_pp = None, 0
    margin = margin_pp / 100 if margin_pp else None
    ranges = data.assessor_ranges(dataset) if noisy else None

    def both() -> tuple[RobustnessReport, RobustnessReport | None]:
        plain = analyse(result, dataset.model, perf.matrix, n_samples, seed, order, margin, weight_samples=given)
        if not noisy:
            return plain, None
        varied = analyse(
            result,
            dataset.model,
            perf.matrix,
            n_samples,
            seed,
            order,
            margin,
            noisy,
            value_ranges=ranges,
            weight_samples=given,
        )
        return plain, varied

    try:  # kept per matrix and settings: another rerun of this view (a button, a view switch) runs no SMAA
        report, noisy_report = per_frame(
            "robustness.analyses",
            perf.matrix,
            both,
            analysis_key(result, n_samples, seed, order, margin, noisy, ranges, given),
        )
    except ValueError as exc:
        st.error(md(exc))
        return
    if report.left_out:
        st.warning(
            "Ikke med i analysen (mangler data for et rangeret område): "
            + ", ".join(md(labels[c]) for c in report.left_out)
        )

    shortlisted = result.top(top_n)["area_id"].tolist()
    st.markdown("### Opsummering for kortlisten")
    for sentence in summaries(report, names, labels, shortlisted, noisy_report).values():
        st.markdown(f"- {md(sentence)}")
    if given is not None:
        draws = integer(noisy_report.smaa.n_samples // len(given)) if noisy_report is not None else ""
        st.caption(
            md(f"Afprøvet med {given_text}.")
            + (
                f" Med usikre værdier afprøves hver deltagers vægte med {draws} tilfældige udfald af værdierne. "
                + noise_text(noisy_report.assessor_ranges)
                if noisy_report is not None
                else ""
            )
        )
    else:
        st.caption(
            f"Afprøvet med {integer(report.smaa.n_samples)} tilfældige vægtninger"
            + (" i planlæggernes rækkefølge" if order else "")
            + (f" inden for ± {margin_pp} procentpoint af de nuværende" if margin_pp else "")
            + f"; tilfældighedens usikkerhed er højst ± {points(100 * report.smaa.max_std_error)} (én standardfejl)."
            + (" " + noise_text(noisy_report.assessor_ranges) if noisy_report is not None else "")
        )
    shown = noisy_report if (vary and noisy_report is not None) else report
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.markdown("### Hvor ofte får hvert område hver rang?")
        st.caption("Andel af de afprøvede vægtninger (%), når " + varied_text(shown.assessment_noise) + " varieres.")
        heatmap(shown, result, names)
    with right:
        st.markdown("### Typiske vægte, når området er nr. 1")
        st.caption(
            "Gennemsnitlig vægt (%) af hvert kriterium i de vægtninger, hvor området bliver nr. 1 "
            "(kun vægtene varieret)."
        )
        typical, n_winners = typical_weights(report)
        if n_winners > len(typical):
            st.caption(
                f"Viser de {len(typical)} områder, der oftest er nr. 1, af de {integer(n_winners)}, der er nr. 1 i "
                "mindst én vægtning."
            )
        central = (100 * typical).rename(index=names, columns=labels).T
        st.dataframe(frame_text(central.reset_index(names="Kriterium"), 0), hide_index=True, width="stretch")
    st.markdown("### Hvor meget kan vægtene ændres, før rangen skifter?")
    stability_frame(report, names, labels, shortlisted)
    st.markdown("### Følsomhed: rang når én vægt ændres (de øvrige beholder deres indbyrdes forhold)")
    st.caption(
        f"Den stiplede lodrette linje er den nuværende vægt. Rang {SWEEP_FLOOR} og lavere vises samlet "
        f"nederst som '{SWEEP_FLOOR} eller lavere'."
    )
    cols = st.columns(len(report.scores.columns))
    for col, cid in zip(cols, report.scores.columns, strict=True):
        with col:
            sweep_chart(report, cid, labels[cid], names, shortlisted)
    critical_section(dataset, perf, result, top_n)


MAX_ROUND_CHOICES = 5  # rounds offered as weights to try, newest first
RANDOM = 0  # the radio's value for random weights (round numbers start at 1)


def weight_rounds() -> list[tuple[Round, int]]:
    """The rounds whose participants' weights the user may try, newest first, with how many answered: the
    result has been revealed, or the user runs rounds (``store.may_see_result``); at least one answer."""
    if not store_exists():
        return []
    engine = data.engine()
    actor = access.current_actor()
    out: list[tuple[Round, int]] = []
    for item in reversed(store.list_rounds(engine)):
        if len(out) >= MAX_ROUND_CHOICES:
            break
        if not store.may_see_result(engine, actor, item):
            continue
        answered = store.progress(engine, item.id).answered
        if answered:
            out.append((item, answered))
    return out


def source_choice(rounds: list[tuple[Round, int]]) -> tuple[Round, int] | None:
    """'Vægte at afprøve': random weights, or the participants' weights of a round (None: random). Drawn only
    when there is a round the user may use."""
    if not rounds:
        return None
    by_id = {item.id: (item, n) for item, n in rounds}
    if state.SMAA_SOURCE.get(RANDOM) not in (RANDOM, *by_id):
        state.SMAA_SOURCE.set(RANDOM)
    state.SMAA_SOURCE.setdefault(RANDOM)

    def text(value: int) -> str:
        if value == RANDOM:
            return "Tilfældige vægte"
        item, n = by_id[value]
        hidden = "" if item.revealed else "; resultatet er ikke vist endnu, kun for mødelederen"
        return md(  # radio options are Markdown: the round's name is text
            f"Deltagernes vægte i runde nr. {item.id} '{item.name}' ({count(n, 'deltager', 'deltagere')}{hidden})"
        )

    pick = st.radio("Vægte at afprøve", [RANDOM, *by_id], key=state.SMAA_SOURCE.name, format_func=text)
    return by_id.get(pick) if pick != RANDOM else None


def participant_weights(item: Round, ids: list[str]) -> pd.DataFrame:
    """The participants' newest weights of a round (rows) × the criteria, checked again that the user may see them."""
    engine = data.engine()
    store.check_may_see_result(engine, access.current_actor(), store.get_round(engine, item.id))
    return weight_matrix(store.submissions(engine, item.id), ids)


def noise_text(n_ranges: int) -> str:
    """How the assessed values varied: ± one step, and where assessors disagree, over their range."""
    if not n_ranges:
        return "Vurderinger varierer ± ét skalatrin (ingen værdier, hvor to eller flere vurderere er uenige)."
    values = "værdi" if n_ranges == 1 else "værdier"
    return (
        f"Vurderinger varierer ± ét skalatrin; {n_ranges} {values}, hvor to eller flere vurderere er uenige, "
        "varierer i stedet inden for vurderernes spænd (laveste til højeste vurdering)."
    )


def heatmap(report: RobustnessReport, result: ScoreResult, names: dict[str, str]) -> None:
    acc = report.smaa.acceptability
    label = {a: f"{int(r)}. {names[a]}" for a, r in zip(result.ranked["area_id"], result.ranked["rank"], strict=True)}
    data = heatmap_data(acc, list(result.ranked["area_id"]), label)
    long, order = data.long, data.rows
    spec = {
        "height": 28 * len(order),
        "encoding": {
            "x": {"field": "Rang", "type": "ordinal", "sort": data.columns, "title": "Rang", "axis": {"labelAngle": 0}},
            "y": {"field": "Område", "type": "nominal", "sort": order, "title": None, "axis": {"labelLimit": 220}},
        },
        "layer": [
            {
                "mark": "rect",
                "transform": [{"filter": "datum.Andel > 0"}],
                "encoding": {
                    "color": {
                        "field": "Andel",
                        "type": "quantitative",
                        "title": "% af vægtninger",
                        "legend": {"format": ".0f"},
                        "scale": {"scheme": "blues", "domain": [0, 100]},
                    }
                },
            },
            {
                "mark": {"type": "text", "fontSize": 10},
                "transform": [{"filter": "datum.Andel >= 0.5"}],
                "encoding": {
                    "text": {"field": "Andel", "type": "quantitative", "format": ".0f"},
                    # white only on the dark blues: black text on the lighter ones keeps ≥ 4.5:1
                    "color": {"condition": {"test": "datum.Andel > 70", "value": "white"}, "value": "black"},
                },
            },
        ],
    }
    st.caption(md(acceptability_summary(acc, names)))  # text alternative
    if data.cut:
        st.caption(md(data.cut_text()))
    st.vega_lite_chart(long, with_locale(spec), width="stretch")


def stability_frame(
    report: RobustnessReport, names: dict[str, str], labels: dict[str, str], area_ids: list[str]
) -> None:
    table = report.stability[report.stability["area_id"].isin(area_ids)]
    st.dataframe(
        pd.DataFrame(
            {
                "Område": [names[a] for a in table["area_id"]],
                "Kriterium": [labels[c] for c in table["criterion"]],
                "Vægt nu": [pct(x) for x in table["current"]],
                "Samme rang fra": [pct(x) for x in table["lo"]],
                "til": [pct(x) for x in table["hi"]],
                "Rang": table["rank"].astype(int),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "Område": st.column_config.TextColumn(width="small"),
            "Kriterium": st.column_config.TextColumn(width="small"),
        },
    )
    st.caption(
        "Området beholder sin rang, så længe kriteriets vægt ligger i intervallet og de øvrige vægte "
        "beholder deres indbyrdes forhold. Beregnet præcist, ikke ved prøver."
    )


SWEEP_FLOOR = 5  # ranks below this are drawn at the floor, labelled "5 eller lavere"
# Okabe–Ito colours (and others): distinct for the common colour-vision deficiencies (not two near-identical
# blues), each line ≥ 3:1 against the white background (WCAG 1.4.11; tests/app/test_contrast.py).
AREA_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#8C510A", "#7B3294", "#666666")


def sweep_chart(report: RobustnessReport, cid: str, label: str, names: dict[str, str], area_ids: list[str]) -> None:
    """Rank of each shortlisted area as one criterion's weight goes from 0 to 100 %."""
    sweep = weight_sweep(report.scores, report.weights, cid, steps=51)
    sweep = sweep[sweep["area_id"].isin(area_ids)].assign(
        Område=lambda d: d["area_id"].map(names),
        Vægt=lambda d: 100 * d["weight_share"],
        Rang=lambda d: d["rank"].clip(upper=SWEEP_FLOOR),
    )
    now = 100 * current_share(report.weights, cid)
    order = [names[a] for a in area_ids]
    floor = SWEEP_FLOOR if len(report.scores) > SWEEP_FLOOR else len(report.scores)
    rank_labels = (
        f"datum.value >= {SWEEP_FLOOR} ? '{SWEEP_FLOOR} eller lavere' : datum.value"
        if floor == SWEEP_FLOOR
        else "datum.value"
    )
    spec = {
        "title": {"text": label, "subtitle": f"Stiplet linje = nuværende vægt ({number(now, 0)} %)"},
        "layer": [
            {
                "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2.5},
                "encoding": {
                    "x": {
                        "field": "Vægt",
                        "type": "quantitative",
                        "title": "Kriteriets vægt (%)",
                        "scale": {"domain": [0, 100]},
                    },
                    "y": {
                        "field": "Rang",
                        "type": "quantitative",
                        "title": "Rang",
                        "scale": {"reverse": True, "domain": [1, floor], "nice": False},
                        "axis": {"values": list(range(1, floor + 1)), "labelExpr": rank_labels},
                    },
                    "color": {
                        "field": "Område",
                        "type": "nominal",
                        "sort": order,
                        "scale": {"domain": order, "range": list(AREA_COLOURS[: len(order)])},
                        "legend": {"orient": "bottom", "columns": 1, "title": None, "labelLimit": 260},
                    },
                },
            },
            {
                "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#555"},
                "data": {"values": [{"nu": now}]},
                "encoding": {"x": {"field": "nu", "type": "quantitative"}},
            },
        ],
    }
    st.vega_lite_chart(sweep[["Område", "Vægt", "Rang"]], with_locale(spec), width="stretch", height=300)
    st.caption(md(sweep_summary(sweep, names, label, area_ids)))  # the chart's text alternative


def critical_section(dataset: Dataset, perf: Performance, result: ScoreResult, top_n: int) -> None:
    """'Hvilke værdier afgør valget?': the values whose plausible range can change nr. 1 or the top N."""
    st.markdown("### Hvilke værdier afgør valget?")
    st.caption(
        "Hver værdi er prøvet for sig med alle andre værdier og vægtene uændret; den kritiske værdi er beregnet "
        "præcist. Listen viser de værdier, hvis plausible spænd når en kritisk værdi, der ændrer nr. 1 eller "
        f"top {top_n}: illustrative pladsholdere og manglende værdier kan ligge hvor som helst på skalaen, en "
        "enkelt vurdering ± ét skalatrin, flere vurderinger inden for vurderingernes spænd, beregnet aktørdækning "
        "± én sektor. Kildebelagte værdier regnes for faste."
    )
    names = dataset.areas["name"].to_dict()
    table = critical_values(perf.matrix, dataset.model, result, perf.provenance, top_n)
    plist = priority_list(table, dataset.model, names, top_n)
    flip = combined_flip(perf.matrix, dataset.model, result, perf.provenance, table)
    if fixed := out_of_reach_sentence([names.get(a, a) for a in out_of_reach(table, top_n)], top_n):
        st.caption(md(fixed))
    if plist.empty:
        st.info(f"Ingen plausibel ændring af en enkelt værdi ændrer nr. 1 eller top {top_n}.")
        _combined(flip, dataset, names)
        return
    for sentence in plist["sentence"].head(TOP_SENTENCES):
        st.markdown(f"- {md(sentence)}")
    effect = {"first": "Nr. 1", "top": f"Top {top_n}"}
    st.dataframe(
        pd.DataFrame(
            {
                "Prioritet": plist["priority"],
                "Område": plist["area"],
                "Indikator": plist["indicator"],
                "Nuværende værdi": [
                    value_text(v, u, dataset.model.indicator(i).values)
                    for v, u, i in zip(plist["value"], plist["unit"], plist["indicator_id"], strict=True)
                ],
                "Type": [kind_text(r["kind"], r["source_kind"], r) for r in plist.to_dict("records")],
                "Ændrer": [effect[e] for e in plist["effect"]],
                "Kritisk værdi": plist["condition"],
                "Hvad sker der": plist["what"],
                "Afstand (skalatrin)": [value_text(x) for x in plist["distance_steps"]],
            }
        ),
        hide_index=True,
        width="stretch",
        key=state.CRITICAL_TABLE.name,
    )
    options = list(range(len(plist)))
    left, mid, right = st.columns([3, 1, 1], vertical_alignment="bottom")
    pick = left.selectbox(
        "Værdi at se nærmere på",
        options,
        key=state.CRITICAL_PICK.name,
        format_func=lambda i: f"{plist['priority'].iat[i]}. {plist['area'].iat[i]} – {plist['indicator'].iat[i]}",
    )
    mid.button(
        "Vis området i detaljepanelet",
        key=state.CRITICAL_OPEN.name,
        on_click=_open_value,
        args=(str(plist["area_id"].iat[pick]), str(plist["indicator_id"].iat[pick])),
    )
    style = state.CSV_STYLE.get(next(iter(STYLES)))
    right.download_button(
        "Download listen (CSV)",
        data=lambda: priority_csv(result, dataset, perf, top_n, style),
        file_name=f"vurderingsprioriteter_top{top_n}.csv",
        mime="text/csv",
        key=state.DOWNLOAD_PRIORITIES.name,
        on_click="ignore",  # no rerun: the other downloads keep their files
    )

    _combined(flip, dataset, names)


def _combined(flip: CombinedFlip | None, dataset: Dataset, names: dict[str, str]) -> None:
    """The smallest combined change of plausible values in two areas that changes nr. 1 (linprog)."""
    if flip is None:
        st.caption(
            "Ingen kombination af plausible ændringer i nr. 1 og ét andet område gør et andet område alene til nr. 1."
        )
        return
    st.markdown(
        "**Mindste samlede ændring, der giver et andet nr. 1** (flere værdier i to områder på én gang, "
        "inden for deres plausible spænd, målt i skalatrin): " + md(combined_sentence(flip, dataset.model, names))
    )


def _open_value(area_id: str, indicator_id: str) -> None:
    """Show the chosen value: select its area in the detail panel of the ranking view.

    Hook for the assessments view: the chosen value is kept in ``state.ASSESSMENT_TARGET``; when a view
    named ``ASSESSMENT_VIEW`` exists, it can open the assessment form for that value instead.
    """
    state.ASSESSMENT_TARGET.set((area_id, indicator_id))
    map_panel.show_details(area_id)
    state.VIEW.set(RANKING_VIEW)
