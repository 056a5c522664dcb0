"""Indlæs data: upload official files, see the report and the preview, then confirm or go back."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from selection.access import IMPORT_DATA, RESET_DATA, AccessDenied
from selection.data.dataset import Dataset
from selection.errors import DataError, library_reason
from selection.importing import ImportPlan, list_layers, validate_import
from selection.importing.apply import apply_import, reset_import, restore_import
from selection.output.map_layers import base_map, change_layer
from selection.ranking.evaluate import evaluate
from selection.ranking.scoring import ScoreResult
from selection.storage.packages import backup_label, has_stored_import, import_backups, import_folder_problem
from selection.text.formatting import compact
from ui import access, data, state
from ui.text import md, num

KIND_CHOICES = {
    "auto": "Gæt ud fra indholdet",
    "areas": "Områder (polygoner)",
    "values": "Indikatorværdier",
    "actors": "Aktører (punkter)",
}
UPLOAD_TYPES = ["geojson", "json", "gpkg", "zip", "csv", "xlsx"]


@st.cache_resource(show_spinner="Kontrollerer filerne …", max_entries=8)
def _plan(
    key: str,
    files: tuple[tuple[str, bytes], ...],
    _current: Dataset,
    version: str,
    kinds: tuple,
    layers: tuple,
    crs: str | None,
    replace_areas: bool,
) -> ImportPlan:
    """The checked plan, cached per files, choices and current data version (``_current`` is not hashed)."""
    return validate_import(
        list(files),
        _current,
        kinds=dict(kinds) or None,
        layer=dict(layers) or None,
        crs=crs,
        replace_areas=replace_areas,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _layers(name: str, data: bytes) -> list[str]:
    return list_layers((name, data))


def render(dataset: Dataset, result: ScoreResult, weights: dict[str, float], sub_weights: dict[str, float]) -> None:
    st.caption(
        "Indlæs officielle data: områdegrænser (GeoJSON, GeoPackage eller zippet Shapefile i et hvilket som helst "
        "angivet koordinatsystem, fx EPSG:25832), indikatorværdier (CSV fra dansk Excel eller standard-CSV, XLSX; "
        "bred eller lang opstilling) og aktørregistre (punkter med en sektorkolonne). Intet ændres, før du "
        "bekræfter, og ved fejl forbliver de nuværende data uændrede."
    )
    if problem := state.IMPORT_ERROR.pop():
        st.error(md(problem))
    if problem := import_folder_problem():
        st.error(md(problem))
    if has_stored_import():
        imports = [i for i in (dataset.meta.get("imports") or []) if isinstance(i, dict)]
        st.info(
            "I brug: importerede data ("
            + ", ".join(md(i.get("file", "")) for i in imports[-5:])
            + ")."
            + (
                f" Importeret af {md(imports[-1]['imported_by'])}."
                if imports and imports[-1].get("imported_by")
                else ""
            )
        )
    if not access.can(IMPORT_DATA):
        st.info(
            "Du kan se, hvilke data der er i brug; kun en administrator kan indlæse, nulstille eller gendanne data."
        )
        return
    if has_stored_import() and access.can(RESET_DATA):
        st.button(
            "Tilbage til det medleverede datasæt",
            on_click=_reset,
            key=state.IMPORT_RESET.name,
            help="Importen slettes ikke: den gemmes som kopi og kan gendannes.",
        )
    elif access.can(RESET_DATA) and (backups := import_backups()):
        st.button(
            f"Gendan den seneste import ({md(backup_label(backups[-1]))})",
            on_click=_restore,
            key=state.IMPORT_RESTORE.name,
        )
    generation = state.UPLOAD_GENERATION.setdefault(0)
    # The drop zone's own button and size text are drawn in Danish by ui.layout (CSS).
    uploads = st.file_uploader(
        "Datafiler (GeoJSON, GeoPackage, zip med Shapefile, CSV eller XLSX)",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=state.import_files_key(generation).name,
    )
    if not uploads:
        return
    files = tuple((u.name, u.getvalue()) for u in uploads)
    names = [name for name, _ in files]
    if twins := sorted({name for name in names if names.count(name) > 1}):
        # Files are told apart by name (their type, layer and the report); two with one name cannot be.
        st.error(
            md(f"Flere af filerne hedder det samme ({', '.join(twins)}). Giv dem forskellige navne, og vælg dem igen.")
            + " Intet er indlæst."
        )
        return
    kinds, layers = {}, {}
    crs = None
    for number, (name, content) in enumerate(files):  # keys carry the position as well as the name
        cols = st.columns([2, 2, 2])
        cols[0].markdown(f"**{md(name)}**")
        kind = cols[1].selectbox(
            "Type",
            list(KIND_CHOICES),
            format_func=KIND_CHOICES.__getitem__,
            key=state.import_kind_key(number, name).name,
        )
        if kind != "auto":
            kinds[name] = kind
        if name.lower().endswith(".gpkg"):
            names = _layers(name, content)
            if len(names) > 1:
                layers[name] = cols[2].selectbox("Lag", names, key=state.import_layer_key(number, name).name)
        if name.lower().endswith((".csv", ".xlsx")) and kind in ("auto", "actors"):
            crs = (
                cols[2].text_input(
                    "Koordinatsystem (kun for aktører med x/y)",
                    "EPSG:25832",
                    key=state.import_crs_key(number, name).name,
                )
                or None
            )
    replace_areas = st.checkbox(
        "Erstat hele områdesættet: områdefilen er den fulde liste, og områder, der ikke er i den, fjernes "
        "(med deres værdier og kendte indsatser)",
        key=state.IMPORT_REPLACE_AREAS.name,
    )
    key = hashlib.sha256(b"".join(n.encode() + hashlib.sha256(d).digest() for n, d in files)).hexdigest()
    try:
        plan = _plan(
            key,
            files,
            dataset,
            dataset.version,
            tuple(sorted(kinds.items())),
            tuple(sorted(layers.items())),
            crs,
            replace_areas,
        )
    except Exception as exc:  # the last guard: any file we failed to anticipate gets a message, not a traceback
        st.error(md(unexpected(exc)))
        return
    report(plan)
    if not plan.ok:
        return
    try:
        preview(plan, result, weights, sub_weights)
    except Exception as exc:
        st.error(md(unexpected(exc)))
        return
    st.button("Anvend import", type="primary", on_click=_apply, args=(plan,), key=state.IMPORT_APPLY.name)


def report(plan: ImportPlan) -> None:
    """The validation report: what was read, errors (block) and warnings (allow)."""
    st.markdown("### Valideringsrapport")
    for f in plan.files:
        st.markdown(f"- **{md(f.name)}**: {md(KIND_CHOICES.get(f.kind, f.kind))} – {md(f.details)}")
    if plan.errors:
        st.error("**Fejl – importen kan ikke bruges:**\n\n" + "\n".join(f"- {md(p)}" for p in plan.errors))
    if plan.warnings:
        st.warning("**Advarsler:**\n\n" + "\n".join(f"- {md(p)}" for p in plan.warnings))
    if not plan.errors and not plan.warnings:
        st.success("Ingen fejl eller advarsler.")


def preview(plan: ImportPlan, result: ScoreResult, weights: dict[str, float], sub_weights: dict[str, float]) -> None:
    """What changes, and the ranking before vs after at the current weights."""
    st.markdown("### Hvad ændres")
    st.markdown("\n".join(f"- {md(line)}" for line in plan.diff.lines()))
    candidate = plan.candidate()
    _, after = evaluate(data.with_assessments(candidate), weights, sub_weights)  # as the app will rank it
    before = result.table.set_index("area_id")
    new = after.table.set_index("area_id")
    rows = []
    for aid in new.index.union(before.index, sort=False):
        b_rank = before.at[aid, "rank"] if aid in before.index else pd.NA
        a_rank = new.at[aid, "rank"] if aid in new.index else pd.NA
        rows.append(
            {
                "Område": new.at[aid, "name"] if aid in new.index else before.at[aid, "name"],
                "Rang før": b_rank,
                "Rang efter": a_rank,
                "Score før": num(before.at[aid, "total"]) if aid in before.index else "–",
                "Score efter": num(new.at[aid, "total"]) if aid in new.index else "–",
                "Ændret grænse": "ja" if aid in plan.diff.geometry_changed else "",
            }
        )
    changed = [*plan.diff.geometry_changed, *plan.diff.areas_added]
    if changed:
        st.markdown("**Grænser før (grå, stiplet) og efter (orange)**")
        m = base_map(plan.areas.loc[[a for a in changed if a in plan.areas.index]])
        st_folium(
            m,
            key=state.IMPORT_MAP.name,
            height=320,
            use_container_width=True,
            returned_objects=[],
            feature_group_to_add=change_layer(plan.current.areas, plan.areas, changed),
        )
    frame = pd.DataFrame(rows).sort_values(["Rang efter", "Område"], na_position="last")
    left, right = st.columns(2)
    with left:
        st.markdown("**Rangering før og efter (nuværende vægte)**")
        st.dataframe(frame, hide_index=True, width="stretch", key=state.IMPORT_PREVIEW.name)
    with right:
        st.markdown("**Ændrede værdier**")
        names = {**plan.current.areas["name"].to_dict(), **plan.areas["name"].to_dict()}
        indicators = {i.id: i.label for i in plan.current.model.indicators}
        changes = pd.DataFrame(
            [
                {
                    "Område": names.get(c.area_id, c.area_id),
                    "Indikator": indicators.get(c.indicator_id, c.indicator_id),
                    "Før": compact(c.old, 3),
                    "Efter": compact(c.new, 3),
                }
                for c in plan.diff.values_changed
            ]
        )
        if len(changes):
            st.dataframe(changes, hide_index=True, width="stretch")
        else:
            st.caption("Ingen værdier ændres.")


def unexpected(exc: BaseException) -> str:
    """The Danish message for a failure nobody anticipated (no traceback, no server paths)."""
    if isinstance(exc, MemoryError):
        return "Filerne kræver mere hukommelse, end serveren har; intet er ændret. Prøv med mindre filer."
    return (
        f"Filerne kan ikke læses: {library_reason(exc)}. Intet er ændret. Kontrollér, at filerne er "
        "gyldige, og prøv igen."
    )


def _apply(plan: ImportPlan) -> None:
    try:
        apply_import(plan, actor=access.current_actor(), engine=data.engine())
    except AccessDenied as exc:
        state.IMPORT_ERROR.set(str(exc))
        return
    except DataError as exc:  # e.g. another planner's import landed since the preview
        state.IMPORT_ERROR.set(str(exc))
        return
    except Exception as exc:
        state.IMPORT_ERROR.set(unexpected(exc))
        return
    state.UPLOAD_GENERATION.set(state.UPLOAD_GENERATION.get(0) + 1)
    state.IMPORT_MESSAGE.set("Importen er anvendt og gemt. Den bruges også efter genstart.")


def _restore() -> None:
    try:
        restore_import(actor=access.current_actor(), engine=data.engine())
    except (DataError, AccessDenied) as exc:
        state.IMPORT_ERROR.set(str(exc))
        return
    except Exception as exc:
        state.IMPORT_ERROR.set(unexpected(exc))
        return
    state.IMPORT_MESSAGE.set("Den seneste import bruges igen.")


def _reset() -> None:
    try:
        reset_import(actor=access.current_actor(), engine=data.engine())
    except Exception as exc:
        state.IMPORT_ERROR.set(str(exc) if isinstance(exc, (DataError, AccessDenied)) else unexpected(exc))
        return
    state.IMPORT_MESSAGE.set(
        "Det medleverede datasæt bruges igen. Importen er gemt som kopi og kan gendannes under 'Indlæs data'."
    )
