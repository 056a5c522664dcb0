"""The facilitator's meeting screen (``?moede=<round>``) for a projector: how many have answered, a reveal
button, then the group's sentence, map and tables, large.

A fragment polls the store every second (``store.progress``: three aggregate queries); when a new answer
arrives or the round changes state, it reruns the page, so new answers appear within about 2 s without a
reload. Before the reveal nothing of the answers is shown, only who has answered.
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from selection.access import RUN_ROUNDS, AccessDenied
from selection.data.dataset import Dataset
from selection.errors import DataError
from selection.output.map_layers import MAP_HEIGHT_PX, ranked_base_map, ranked_layer
from selection.ranking.scoring import NOT_RANKED, weighted_indicators
from selection.rounds import store
from selection.rounds.exchange import result_file
from selection.rounds.model import MEAN, MEDIAN, STATE_TEXT, Round, RoundError
from selection.rounds.result import GroupResult, group_result
from selection.storage.database import StoreError
from ui import access, data, round_answer, sidebar, state, status
from ui.text import md, num, pct

PARAM = "moede"  # ?moede=<round number>
POLL = timedelta(seconds=1)
METHOD_CHOICES = {"Gennemsnit": MEAN, "Median": MEDIAN}
TABLE_ROWS = 15  # the group table on the projector; every area is in the files and the report

# Large, high-contrast text for a projector (legible from the back of a meeting room at 1280×720 and 1920×1080).
MEETING_CSS = """
<style>
.st-key-meeting h1 { font-size: 2.4rem !important; }
.st-key-meeting h2 { font-size: 1.7rem !important; }
.st-key-meeting p, .st-key-meeting li, .st-key-meeting label { font-size: 1.25rem !important; }
.st-key-meeting [data-testid="stTable"] td,
.st-key-meeting [data-testid="stTable"] th { font-size: 1.2rem; padding: 0.3rem 0.6rem; }
@media (min-width: 1800px) {
  .st-key-meeting p, .st-key-meeting li { font-size: 1.45rem !important; }
  .st-key-meeting [data-testid="stTable"] td, .st-key-meeting [data-testid="stTable"] th { font-size: 1.4rem; }
}
/* after the general rules: the count and the sentence stay the largest text at every width */
.st-key-meeting_count p { font-size: 2.6rem !important; font-weight: 700; line-height: 1.2; margin: 0; }
.st-key-meeting_sentence p { font-size: 1.9rem !important; font-weight: 600; line-height: 1.3; }
</style>
"""


def route(round_id: str | None = None) -> bool:
    """If the page was opened as a meeting screen: draw it (only it) and return True."""
    asked = st.query_params.get(PARAM) if round_id is None else round_id
    if asked is None:
        return False
    if not access.can(RUN_ROUNDS):
        st.error("Mødeskærmen er for mødelederen: en planlægger eller administrator.")
        return True
    try:
        item = store.get_round(data.engine(), asked)
    except (RoundError, StoreError) as exc:
        st.error(md(str(exc)))
        return True
    render(item)
    return True


def render(item: Round) -> None:
    st.markdown(MEETING_CSS, unsafe_allow_html=True)
    with st.container(key=state.MEETING.name):
        st.title(md(f"Vægtningsrunde: {item.name}"), anchor=False)
        basis = (
            f"scenariet '{item.scenario_name}'" if item.scenario_name else "vægtene på skærmen, da runden blev åbnet"
        )
        st.caption(
            md(
                f"Runde nr. {item.id} · {STATE_TEXT[item.state]} · bygger på {basis}"
                + (" · anonym: deltagerne vises som numre" if item.anonymous else "")
            )
        )
        count_col, control_col = st.columns([3, 2], vertical_alignment="center")
        with count_col:
            progress_fragment(item.id)
        if not item.revealed:
            with control_col:
                _reveal_button(item)
            st.info("Svarene er skjult, indtil du viser resultatet. Deltagerne kan stadig ændre deres svar bagefter.")
        else:
            with control_col:
                choice = st.radio(
                    "Gruppens vægte",
                    list(METHOD_CHOICES),
                    key=state.MEETING_METHOD.name,
                    horizontal=True,
                    help="Gennemsnit: middelværdien af deltagernes andele. Median: den midterste andel pr. "
                    "kriterium, omregnet så de summer til 100 %.",
                )
            _result(item, METHOD_CHOICES[choice])
        _close(item)


@st.fragment(run_every=POLL)
def progress_fragment(round_id: int) -> None:
    """How many have answered (and who, by label); reruns the page when something changed."""
    try:
        engine = data.engine()
        now = store.progress(engine, round_id)
        item = store.get_round(engine, round_id)
        answered = {s.number for s in store.submissions(engine, round_id)}
        names = store.labels(engine, item)
    except (RoundError, StoreError) as exc:
        st.error(md(str(exc)))
        return
    seen = (round_id, now.last_id, now.state)
    before = state.MEETING_SEEN.get()
    state.MEETING_SEEN.set(seen)
    if before is not None and before != seen and before[0] == round_id:
        st.rerun()  # a new answer or a new state: redraw the result (the whole page)
    with st.container(key=state.MEETING_COUNT.name):
        st.markdown(f"{now.answered} af {now.invited} har svaret")
    if names:
        st.markdown(" · ".join(f"{'✔' if n in answered else '○'} {md(label)}" for n, label in sorted(names.items())))


def _reveal_button(item: Round) -> None:
    if not item.is_open:
        return
    if st.button("Vis resultatet", type="primary", key=state.MEETING_REVEAL.name):
        try:
            store.reveal(data.engine(), access.current_actor(), item.id)
        except (AccessDenied, RoundError, StoreError) as exc:
            st.error(md(str(exc)))
        else:
            st.rerun()


def group_for(item: Round, method: str) -> tuple[Dataset, GroupResult]:
    """The data in use and the group result of the round's newest answers."""
    dataset = data.active_dataset()
    settings = store.round_settings(item, dataset.model)
    engine = data.engine()
    answers = store.submissions(engine, item.id)
    result = group_result(
        dataset, data.performance(settings.distance_m), settings, answers, store.labels(engine, item), method
    )
    return dataset, result


def _result(item: Round, method: str) -> None:
    try:
        dataset, result = group_for(item, method)
    except RoundError as exc:
        st.info(md(str(exc)))
        return
    except (DataError, StoreError) as exc:
        st.error(md(str(exc)))
        return
    if item.data_version != dataset.version:
        st.warning(
            md(
                f"Datasættet er ændret, siden runden blev åbnet (version {item.data_version} → {dataset.version}). "
                "Rangeringerne bruger data i brug nu."
            )
        )
    with st.container(key=state.MEETING_SENTENCE.name):
        st.markdown(md(result.sentence))
    model = dataset.model
    settings = store.round_settings(item, dataset.model)
    st.caption(
        md(
            f"Gruppens vægte: {result.method_text}: "
            + ", ".join(f"{model.criterion(c).label} {pct(w)}" for c, w in result.weights.items())
            + f". {result.size} {'deltager har' if result.size == 1 else 'deltagere har'} svaret. "
            + round_answer.honesty(dataset, settings, result.group)
        )
    )
    map_col, table_col = st.columns([1, 1], gap="medium")
    with map_col:
        st.header("Kort med gruppens vægte", anchor=False)
        st_folium(
            ranked_base_map(dataset.areas, sidebar.current_basemap()),
            key=state.MEETING_MAP.name,
            height=MAP_HEIGHT_PX,
            use_container_width=True,
            feature_group_to_add=ranked_layer(dataset.areas, result.group.table, ""),
            returned_objects=[],
            render=False,
        )
    with table_col:
        st.header("Rangering med gruppens vægte", anchor=False)
        st.table(group_table(result).head(TABLE_ROWS), hide_index=True)
    st.header("Hver deltagers rangering", anchor=False)
    ranks = participants_table(result)
    st.caption(
        "Rang for hvert område med hver deltagers egne vægte (tom: ikke rangeret)."
        + (
            f" De {TABLE_ROWS} bedste med gruppens vægte; alle {len(ranks)} står i filerne."
            if len(ranks) > TABLE_ROWS
            else ""
        )
    )
    st.table(ranks.head(TABLE_ROWS), hide_index=True, width="content")  # the ranks near the names
    st.header("Hvor enige er deltagerne om vægtene?", anchor=False)
    spread_chart(result, dataset)
    status.render(data.status(settings.distance_m, weighted_indicators(result.group, dataset)), dataset)
    downloads(item, dataset, result)


def downloads(item: Round, dataset: Dataset, result: GroupResult) -> None:
    """The group result as CSV for Danish Excel and as XLSX (one row per area, the notes beside it)."""
    perf = data.performance(store.round_settings(item, dataset.model).distance_m)
    stem = f"vaegtningsrunde-{item.id}-{result.method}"
    left, right = st.columns(2)
    left.download_button(
        "Hent resultatet (CSV til Excel)",
        result_file(result, item, dataset, perf, "excel-da"),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=state.ROUND_DOWNLOAD_CSV.name,
        on_click="ignore",
    )
    right.download_button(
        "Hent resultatet (XLSX)",
        result_file(result, item, dataset, perf, "xlsx"),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=state.ROUND_DOWNLOAD_XLSX.name,
        on_click="ignore",
    )


def group_table(result: GroupResult) -> pd.DataFrame:
    """Rank, area, score and 'nr. 1 for k af n' (ranked areas first)."""
    table = result.table()
    ranked = result.group.table.set_index("area_id")["status"]
    shown = table[~table["area_id"].map(ranked).isin(NOT_RANKED)]
    n = result.size
    return pd.DataFrame(
        {
            "Rang": shown["rank"].astype("Int64"),
            "Område": shown["name"],
            "Score": [num(v) for v in shown["total"]],
            "Nr. 1 for": [f"{k} af {n}" if k else "–" for k in shown["first_count"]],
        }
    )


def participants_table(result: GroupResult) -> pd.DataFrame:
    """Areas × participants: each participant's rank, beside the group's."""
    table = result.table()
    out = pd.DataFrame({"Område": table["name"], "Gruppen": table["rank"].astype("Int64")})
    for label in result.labels:
        out[label] = table[label].astype("Int64")
    return out


def spread_chart(result: GroupResult, dataset: Dataset) -> None:
    """One dot per participant per criterion (their weight), the group's weight as a bar; a table below."""
    model = dataset.model
    rows = [
        {"Kriterium": model.criterion(cid).label, "Deltager": label, "Vægt (%)": round(100 * float(w), 1)}
        for label, weights in result.participant_weights.iterrows()
        for cid, w in weights.items()
    ]
    group = [
        {"Kriterium": model.criterion(c).label, "Gruppen (%)": round(100 * w, 1)} for c, w in result.weights.items()
    ]
    spec = {
        "layer": [
            {
                "data": {"values": group},
                "mark": {"type": "tick", "thickness": 4, "size": 34, "color": "#1a1a1a"},
                "encoding": {
                    "y": {"field": "Kriterium", "type": "nominal", "title": None},
                    "x": {"field": "Gruppen (%)", "type": "quantitative", "title": "Vægt (%)"},
                    "tooltip": [{"field": "Kriterium"}, {"field": "Gruppen (%)"}],
                },
            },
            {
                "data": {"values": rows},
                "mark": {"type": "circle", "size": 160, "opacity": 0.75, "color": "#1f5f8b"},
                "encoding": {
                    "y": {"field": "Kriterium", "type": "nominal", "title": None},
                    "x": {"field": "Vægt (%)", "type": "quantitative", "scale": {"domain": [0, 100]}},
                    "tooltip": [{"field": "Deltager"}, {"field": "Kriterium"}, {"field": "Vægt (%)"}],
                },
            },
        ],
        "height": 60 * len(model.criteria),
        # Legible on a projector, and the criteria's names in full (Vega-Lite cuts labels at 180 px).
        "config": {"axis": {"labelFontSize": 16, "titleFontSize": 16, "labelLimit": 400}},
    }
    st.vega_lite_chart(spec, width="stretch")
    st.caption("Prik: én deltagers vægt. Streg: gruppens vægt. Samme tal som tabel:")
    spread = result.spread()
    st.table(
        pd.DataFrame(
            {
                "Kriterium": [model.criterion(c).label for c in spread.index],
                "Gruppen": [pct(v) for v in spread["group"]],
                "Lavest": [pct(v) for v in spread["min"]],
                "Median": [pct(v) for v in spread["median"]],
                "Højest": [pct(v) for v in spread["max"]],
            }
        ),
        hide_index=True,
        width="content",
    )


def _close(item: Round) -> None:
    if not item.is_open:
        st.info("Runden er lukket: der kan ikke længere svares, og invitationerne gælder ikke.")
        return
    with st.expander("Luk runden"):
        sure = st.checkbox(
            "Ja, luk runden: ingen kan svare mere, og alle invitationslinks holder op med at virke.",
            key=state.MEETING_CLOSE_SURE.name,
        )
        if st.button("Luk runden", key=state.MEETING_CLOSE.name, disabled=not sure):
            try:
                store.close(data.engine(), access.current_actor(), item.id)
            except (AccessDenied, RoundError, StoreError) as exc:
                st.error(md(str(exc)))
            else:
                st.rerun()
