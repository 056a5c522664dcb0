"""The ranked map: a stable base map plus a dynamically replaced layer of ranked areas; the chosen area (a click on
the map, the detail panel's choice)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit_folium import st_folium

from selection.data.dataset import Dataset
from selection.output.basemaps import Basemap
from selection.output.map_layers import (
    LABEL_ALL_MAX,
    LABEL_TOP_N,
    MAP_HEIGHT_PX,
    area_at,
    legend_entries,
    ranked_base_map,
    ranked_layer,
)
from selection.ranking.scoring import ScoreResult
from ui import layout, state
from ui.a11y import RANKING_ANCHOR


def render(dataset: Dataset, result: ScoreResult, selected: str, basemap: Basemap) -> None:
    """Draw the map (its legend is drawn by ``legend``, which does not depend on the weights); a click on an
    area selects it."""
    st_folium(
        ranked_base_map(dataset.areas, basemap),  # geometry once per map; a weight move sends styles only
        key=state.MAP.name,
        height=MAP_HEIGHT_PX,  # the coarse map geometry is made for this height
        use_container_width=True,
        feature_group_to_add=ranked_layer(dataset.areas, result.table, selected),
        returned_objects=["last_object_clicked"],
        on_change=lambda: select_from_map_click(dataset),
        render=False,  # st_folium renders the map itself as well; the extra full-page render is unused
    )


def legend(n_areas: int = 0, with_excluded: bool = False) -> None:
    """Colour legend drawn by Streamlit (branca legends would load d3 from the internet). It depends on the
    number of areas and on whether a scenario's rules exclude any, never on the weights, so the page draws it
    outside the weight fragment (a weight move does not resend it)."""
    swatches = "".join(
        f'<span style="display:inline-block;margin-right:14px">'
        f'<span style="display:inline-block;width:14px;height:14px;background:{colour};'
        f'border:1px solid #555;vertical-align:middle;margin-right:4px"></span>{label}</span>'
        for colour, label in legend_entries()
    )
    outline = (
        '<span style="display:inline-block;margin-right:14px">'
        '<span style="display:inline-block;width:14px;height:14px;border:3px solid #000;'
        'vertical-align:middle;margin-right:4px;box-sizing:border-box"></span>Valgt område (sort kant og '
        "sort navneskilt)</span>"
        '<span style="display:inline-block;margin-right:14px">'
        '<span style="display:inline-block;width:14px;height:14px;border:1.5px dashed #333;'
        'vertical-align:middle;margin-right:4px;box-sizing:border-box"></span>Omtrentlig afgrænsning</span>'
    )
    if with_excluded:
        outline += (
            '<span style="display:inline-block;margin-right:14px">'
            '<span style="display:inline-block;width:14px;height:14px;border:2px dotted #b2182b;'
            'background:#fff;vertical-align:middle;margin-right:4px;box-sizing:border-box"></span>'
            "Udelukket af en regel (grund i værktøjstip)</span>"
        )
    st.markdown(
        f'<div data-testid="map-legend"><b>Samlet score:</b> {swatches}<br>{outline}</div>'
        '<div style="font-size:0.85em;color:#555">Tallet ved navnet er rangen. De tre bedste og det valgte område '
        "viser altid navnet; andre navne, der ville overlappe, flyttes eller skjules (hold musen over området). "
        + (
            f"Med mange områder vises kun rang og navn for de {LABEL_TOP_N} bedste og det valgte område. "
            if n_areas > LABEL_ALL_MAX
            else ""
        )
        + "Små områder har en prik. Grænserne er ikke officielle. "
        "Uden baggrundskort viser grå rammer bydelene efter datapakken (om dens områder, ikke grænser). "
        "Klik på et område for at se detaljer.</div>"
        '<div style="font-size:0.85em;color:#555" data-testid="map-text-alternative">Kortet som tekst: '
        f'<a href="#{RANKING_ANCHOR}">tabellen Rangering</a> viser de samme områder med rang og score. Med '
        "tastaturet: Tab til et område i kortet og tryk Enter, eller vælg området i feltet "
        "'Vis detaljer for område'.</div>",
        unsafe_allow_html=True,
    )


def selected_area(dataset: Dataset, first: Callable[[], str] | None = None) -> str:
    """The area shown in the detail panel (``first()``, e.g. nr. 1, until the user picks one)."""
    if state.SELECTED.get() not in dataset.areas.index:
        state.SELECTED.set(first() if first else dataset.area_ids[0])
    return state.SELECTED.value()


def show_details(area_id: str) -> None:
    """Select the area and open the details tab (from a callback: before the page is drawn)."""
    state.SELECTED.set(area_id)
    state.SECTION.set(layout.SECTIONS[0])


def select_from_map_click(dataset: Dataset) -> None:
    """Callback of the map: select the area under a new click (ignores repeats)."""
    value = state.MAP.get() or {}
    click = value.get("last_object_clicked")
    if not click or click == state.LAST_CLICK.get():
        return
    state.LAST_CLICK.set(click)
    area_id = area_at(dataset.areas, float(click["lat"]), float(click["lng"]))
    if area_id is not None and area_id != state.SELECTED.get():
        show_details(area_id)
        st.rerun()  # the detail panel lies outside the map's partial rerun: redraw the whole page
