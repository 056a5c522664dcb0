"""Scenarios in the app: open, save, duplicate, rename, archive; the exclusion-rule editor; links.

The on-screen settings live in the session (sliders, ``state.SCENARIO_RULES``); ``apply`` puts a scenario's settings
there before the widgets are drawn. The URL follows what is on screen (``sync_link``): ``?scenarie=``
while an opened scenario is unchanged, readable parameters otherwise; ``restore_link`` reads a link
(first load, back/forward) and shows a Danish notice for one it cannot use. Every write goes through
``selection.scenarios.saved`` as the acting identity (``access.current_actor``), which checks the role
again; the write controls are shown only to a role that may save scenarios (not a Læser, not in
read-only mode). The author is the signed-in name, or in local mode the name typed once in the sidebar.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pandas as pd
import streamlit as st

from selection import workspace
from selection.access import SAVE_SCENARIO, AccessDenied
from selection.data.criteria import CriteriaModel
from selection.data.dataset import LIST_CONFIDENCES
from selection.data.status import LIST_CONFIDENCE_LABELS
from selection.ranking.scoring import STATUS_EXCLUDED, ScoreResult
from selection.scenarios import (
    Robustness,
    Rule,
    ScenarioError,
    ScenarioSettings,
    all_excluded,
    apply_exclusions,
    default_settings,
    describe,
    parse_rule,
    saved,
)
from selection.scenarios.defaults import DefaultScenario, load_defaults
from selection.scenarios.query import parse_query, query_string, query_text, scenario_query, settings_query
from selection.scenarios.rules import ACTOR_SECTOR, KIND_LABELS, LIST_STATUS, MAX_RULES, MAX_VALUE, MIN_SCORE, MIN_VALUE
from selection.storage.database import StoreError
from selection.storage.packages import active_data_dir
from selection.text.formatting import count, integer, moment_text, timestamp
from selection.text.number_parser import NumberError, parse_number
from ui import access, data, layout, sidebar, state
from ui.state import sub_weight_key
from ui.text import md
from ui.values import Opened, Settings


@st.cache_resource(show_spinner=False, max_entries=4)
def _defaults(directory: str, signature: str, _model: CriteriaModel) -> tuple[list[DefaultScenario], list[str]]:
    return load_defaults(active_data_dir(), _model)


def starting_points(model: CriteriaModel) -> list[DefaultScenario]:
    """The data package's starting points (problems with the file are shown once in the sidebar)."""
    directory, signature, _ = data.current_source()
    found, problems = _defaults(directory, signature, model)
    for problem in problems:
        st.sidebar.warning(md(problem))
    return found


def current(model: CriteriaModel, settings: Settings) -> ScenarioSettings:
    """The on-screen settings as a scenario (weights, sub-weights, distance, rules, robustness)."""
    order = state.SMAA_ORDER.get()
    base = Robustness()
    robustness = Robustness(
        samples=int(state.SMAA_N.get(base.samples)),
        seed=int(state.SMAA_SEED.get(base.seed)),
        margin_pp=int(state.SMAA_MARGIN.get(base.margin_pp)),
        vary_values=bool(state.SMAA_NOISE.get(base.vary_values)),
        order=tuple(order) if order and len(order) >= 2 else None,
    )
    return ScenarioSettings(
        dict(settings.weights),
        dict(settings.sub_weights),
        float(settings.distance_m),
        tuple(state.SCENARIO_RULES.get(())),
        robustness,
    )


def apply(model: CriteriaModel, settings: ScenarioSettings) -> list[str]:
    """Put ``settings`` on screen (call before the widgets are drawn); Danish notes for what had to be fitted."""
    notes: list[str] = []
    sidebar._set_exact(settings.weights)
    state.LAST_SHARES.pop()
    shown, scaled = sidebar.slider_sub_weights(model, settings.sub_weights)  # scaled within a criterion, not cut
    notes.extend(
        f"Delvægtene for {label} er skaleret ned, så den største er {sidebar.SUB_MAX:g} (skyderens højeste); "
        "forholdet mellem dem, og dermed rangeringen, er det samme."
        for label in scaled
    )
    for iid, value in shown.items():
        sub_weight_key(iid).set(value)
    distance = min(max(int(round(settings.distance_m / 50) * 50), 0), 2000)
    if distance != settings.distance_m:
        notes.append(f"Afstanden til aktører er vist som {distance} m (skyderen går i trin af 50 m op til 2000 m).")
    state.DISTANCE.set(distance)
    state.SCENARIO_RULES.set(tuple(settings.rules))
    r = settings.robustness
    active = {c for c, w in settings.weights.items() if w > 0}
    order = r.order if r.order and set(r.order) == active and len(r.order) == len(active) else None
    # the Robusthed view's widgets (an order must be one of its choices)
    state.SMAA_N.set(r.samples)
    state.SMAA_SEED.set(r.seed)
    state.SMAA_MARGIN.set(r.margin_pp)
    state.SMAA_NOISE.set(r.vary_values)
    state.SMAA_ORDER.set(order)
    return notes


def _open(model: CriteriaModel, ref: str, name: str, version: int | None, settings: ScenarioSettings) -> None:
    notes = apply(model, settings)
    state.OPENED.set(Opened(ref, name, version, settings.key()))
    if notes:
        state.SCENARIO_MESSAGE.set((False, " ".join(notes)))


def _lookup(model: CriteriaModel, ref: str) -> tuple[str, int | None, ScenarioSettings]:
    """(name, version, settings) of a starting point (key) or a stored scenario (number); ScenarioError/StoreError."""
    for d in starting_points(model):
        if d.key == ref:
            return d.name, None, d.settings
    if not ref.isdigit():
        raise ScenarioError(f"Der er intet udgangspunkt med nøglen '{ref[:60]}'.")
    found = saved.get_scenario(data.engine(), int(ref))
    return found.name, found.version, found.settings(model)


def restore_link(model: CriteriaModel) -> None:
    """Follow the URL when it is not the one this session wrote (a fresh link, back or forward)."""
    params = st.query_params
    query = {k: params.get_all(k) for k in params}
    text = query_text(query)
    if text == state.LAST_LINK.get():
        return
    state.LAST_LINK.set(text)
    request = parse_query(query, model)
    if (ref := request.scenario) is not None:
        try:
            name, version, settings = _lookup(model, ref)
        except (ScenarioError, StoreError) as exc:
            state.LINK_NOTICE.set(f"Linket kunne ikke bruges: {exc} Standardindstillingerne vises.")
            request = parse_query({}, model)
        else:
            _open(model, ref, name, version, settings)
            return
    if request.notice:
        state.LINK_NOTICE.set(request.notice)
    notes = apply(model, request.settings or default_settings(model))
    state.OPENED.pop()
    if notes:
        state.LINK_NOTICE.set(" ".join([state.LINK_NOTICE.get() or "", *notes]).strip())


def show_link_notice() -> None:
    if notice := state.LINK_NOTICE.pop():
        st.warning(md(notice), icon=":material/link_off:")


def sync_link(model: CriteriaModel, on_screen: ScenarioSettings) -> None:
    """Write the URL for what is on screen, only when it changed (a history entry per change)."""
    opened = state.OPENED.get()
    query = scenario_query(opened.ref) if opened and opened.key == on_screen.key() else settings_query(on_screen, model)
    text = query_text(query)
    if text != state.LAST_LINK.get():
        state.LAST_LINK.set(text)
        st.query_params.from_dict({k: v if len(v) > 1 else v[0] for k, v in query.items()})


# --- sidebar panel -------------------------------------------------------------------------------------


def _say(ok: bool, text: str) -> None:
    state.SCENARIO_MESSAGE.set((ok, text))


def _author() -> str:
    """The signed-in name, or the name typed once in the sidebar (local mode): as for assessments."""
    return str(state.ASSESSOR_NAME.get(""))


def _now(model: CriteriaModel) -> ScenarioSettings:
    """The settings on screen when a button is pressed (the weight fragment may have moved them since)."""
    return current(model, sidebar.current_settings(model))


def _save_new(model: CriteriaModel) -> None:
    on_screen = _now(model)
    try:
        made = saved.save_new(
            data.engine(),
            model,
            state.SCENARIO_NAME.get(""),
            state.SCENARIO_RATIONALE.get(""),
            on_screen,
            _author(),
            actor=access.current_actor(),
        )
    except (ScenarioError, StoreError, AccessDenied) as exc:
        _say(False, str(exc))
        return
    state.OPENED.set(Opened(str(made.id), made.name, made.version, on_screen.key()))
    state.SCENARIO_NAME.set("")
    state.SCENARIO_RATIONALE.set("")
    _say(True, f"Gemt som scenarie nr. {made.id}: {made.name}.")


def _write(model: CriteriaModel, action: str) -> None:
    opened = state.OPENED.get()
    if opened is None or opened.version is None:
        return
    on_screen = _now(model)
    if action == "change" and opened.key == on_screen.key():
        _say(False, "Indstillingerne er de samme som i det åbne scenarie; der er intet at gemme.")
        return
    try:
        engine = data.engine()
        actor = access.current_actor()
        found = saved.get_scenario(engine, int(opened.ref), opened.version)
        new_name = state.SCENARIO_NEW_NAME.get("")
        if action == "change":
            made = saved.save_change(
                engine, model, found, on_screen, state.SCENARIO_REASON.get(""), _author(), actor=actor
            )
        elif action == "rename":
            made = saved.rename(engine, model, found, new_name, _author(), actor=actor)
        elif action == "duplicate":
            made = saved.duplicate(engine, model, found, new_name, _author(), actor=actor)
        else:
            made = saved.set_archived(engine, model, found, True, _author(), actor=actor)
    except saved.ScenarioConflict as exc:
        _stand_on_newer(model, opened, exc)
        return
    except (ScenarioError, StoreError, AccessDenied) as exc:
        _say(False, str(exc))
        return
    key = on_screen.key() if action == "change" else opened.key
    state.OPENED.set(None if made.archived else Opened(str(made.id), made.name, made.version, key))
    words = {
        "change": f"gemt som version {made.version}",
        "rename": "omdøbt",
        "duplicate": "kopieret",
        "archive": "arkiveret (det kan stadig ses i historikken)",
    }[action]
    _say(True, f"Scenarie nr. {made.id} ({made.name}) er {words}.")


def _stand_on_newer(model: CriteriaModel, opened: Opened, conflict: ScenarioError) -> None:
    """A save refused because someone saved a newer version: the open scenario now stands on that version,
    while the settings and text on screen stay, so pressing the button again saves them on top of it."""
    try:
        newer = saved.get_scenario(data.engine(), int(opened.ref))
        state.OPENED.set(Opened(opened.ref, newer.name, newer.version, newer.settings(model).key()))
    except (ScenarioError, StoreError) as exc:
        _say(False, f"{conflict} {exc}")
        return
    _say(
        False,
        f"{conflict} Dine indstillinger og din tekst står stadig på skærmen; se version {newer.version} i "
        "historikken, og tryk igen, hvis du vil gemme dem som en ny version oven på den.",
    )


def _choose(model: CriteriaModel) -> None:
    ref = state.SCENARIO_PICK.get()
    if not ref:
        return
    try:
        name, version, settings = _lookup(model, ref)
    except (ScenarioError, StoreError) as exc:
        _say(False, str(exc))
        return
    _open(model, ref, name, version, settings)
    _say(True, f"Åbnet: {name}.")


def scenario_options(model: CriteriaModel, archived: bool = False) -> tuple[dict[str, str], str | None]:
    """ref -> label of every starting point and stored scenario (archived ones if asked); plus a store problem."""
    options = {d.key: f"{d.name} (udgangspunkt)" for d in starting_points(model)}
    try:
        for s in saved.list_scenarios(data.engine(), include_archived=archived):
            options[str(s.id)] = f"{s.name} (nr. {s.id}, version {s.version}{', arkiveret' if s.archived else ''})"
    except StoreError as exc:
        return options, str(exc)
    return options, None


def render(model: CriteriaModel, settings: Settings) -> None:
    """The 'Scenarier' part of the sidebar (open, save, change, rename, duplicate, archive, rules)."""
    if state.SCENARIO_MESSAGE.get():
        state.SCENARIO_FOLD.set(True)  # a confirmation or an error is shown where the user acted
    state.RULE_ALLOWED.setdefault(["verified", "inferred"])
    with layout.folded(
        "Scenarier og udelukkelse", key=state.SCENARIO_FOLD, keep=state.SCENARIO_KEEP, parent=st.sidebar
    ) as box:
        if not box.open:
            return
        on_screen = current(model, settings)
        opened = state.OPENED.get()
        if message := state.SCENARIO_MESSAGE.pop():
            (st.success if message[0] else st.error)(md(message[1]))
        if opened:
            changed = opened.key != on_screen.key()
            st.caption(md(f"Åbent scenarie: {opened.name}" + (" (ændret, ikke gemt)" if changed else "")))
        options, problem = scenario_options(model, archived=bool(state.SCENARIO_ARCHIVED.get()))
        if problem:
            st.error(md(f"Gemte scenarier kan ikke læses: {problem}"))
        st.selectbox(
            "Åbn scenarie",
            list(options),
            index=None,
            key=state.SCENARIO_PICK.name,
            format_func=lambda r: options.get(r, r),
            placeholder="Vælg et scenarie",
            on_change=_choose,
            args=(model,),
        )
        st.checkbox("Vis også arkiverede scenarier", key=state.SCENARIO_ARCHIVED.name)
        writer = access.can(SAVE_SCENARIO)
        if writer:
            who = _author().strip()
            st.caption(md(f"Du gemmer som: {who}") if who else "Skriv dit navn i sidepanelet, før du gemmer.")
            with st.form(state.SCENARIO_SAVE_FORM.name, clear_on_submit=False, border=False):
                st.text_input("Scenariets navn", key=state.SCENARIO_NAME.name, max_chars=saved.MAX_NAME)
                st.text_area(
                    "Begrundelse (skal udfyldes)",
                    key=state.SCENARIO_RATIONALE.name,
                    height=80,
                    max_chars=saved.MAX_TEXT,
                )
                st.form_submit_button("Gem som scenarie", on_click=_save_new, args=(model,))
        elif access.actor_policy().read_only:
            st.caption("Skrivebeskyttet visning: scenarier kan åbnes, sammenlignes og deles med link, men ikke gemmes.")
        else:
            st.caption(
                "Du kan åbne og sammenligne scenarier og dele links, men din rolle giver ikke adgang til at "
                "gemme scenarier."
            )
        if opened and opened.version is not None:
            if writer:
                st.text_input("Årsag til ændringen", key=state.SCENARIO_REASON.name, max_chars=saved.MAX_TEXT)
                st.button(
                    "Gem ændring som ny version",
                    key=state.SCENARIO_CHANGE.name,
                    on_click=_write,
                    args=(model, "change"),
                )
                st.text_input(
                    "Nyt navn (omdøb eller kopiér)", key=state.SCENARIO_NEW_NAME.name, max_chars=saved.MAX_NAME
                )
                # One row that wraps, each button as wide as its label: three equal columns cut the labels
                # to 'O…' and 'Ko…' in the sidebar (issue 29, class 17).
                with st.container(horizontal=True, gap="small"):
                    st.button("Omdøb", key=state.SCENARIO_RENAME.name, on_click=_write, args=(model, "rename"))
                    st.button("Kopiér", key=state.SCENARIO_DUPLICATE.name, on_click=_write, args=(model, "duplicate"))
                    st.button(
                        "Arkivér",
                        key=state.SCENARIO_ARCHIVE.name,
                        on_click=_write,
                        args=(model, "archive"),
                        help="Arkiverede scenarier slettes aldrig; de kan ses i historikken.",
                    )
            show_history(int(opened.ref))
        rules_editor(model)


def show_history(scenario_id: int) -> None:
    """Every version of the open scenario (who, when, why), oldest first."""
    try:
        versions = saved.history(data.engine(), scenario_id)
    except (ScenarioError, StoreError) as exc:
        st.error(md(str(exc)))
        return
    st.caption("Historik")
    st.dataframe(
        pd.DataFrame(
            {
                "Version": [v.version for v in versions],
                "Navn": [v.name for v in versions],
                "Tidspunkt": [timestamp(v.recorded_at) for v in versions],
                "Af": [v.author for v in versions],
                "Gemt af (identitet)": [v.stored_by or "(før log-ind: navnet som skrevet)" for v in versions],
                "Ændring": [v.change_reason or "Oprettet" for v in versions],
            }
        ),
        hide_index=True,
        width="stretch",
    )


# --- rules editor --------------------------------------------------------------------------------------


def _add_rule(model: CriteriaModel) -> None:
    kind = state.RULE_KIND.get()
    try:
        value = None if kind == LIST_STATUS else parse_number(state.RULE_VALUE.get(), "auto")
    except NumberError as exc:
        state.RULE_PROBLEM.set(f"Grænsen: {exc}")
        return
    raw: dict[str, object]
    if kind == LIST_STATUS:
        raw = {"kind": kind, "allowed": list(state.RULE_ALLOWED.get() or [])}
    elif kind == MIN_SCORE:
        raw = {"kind": kind, "criterion": state.RULE_TARGET.get(), "min": value}
    elif kind == ACTOR_SECTOR:
        raw = {"kind": kind, "sector": state.RULE_TARGET.get(), "distance_m": value}
    else:
        raw = {
            "kind": kind,
            "indicator": state.RULE_TARGET.get(),
            ("min" if kind == MIN_VALUE else "max"): value,
        }
    rules = tuple(state.SCENARIO_RULES.get(()))
    try:
        if value is None and kind != LIST_STATUS:
            raise ScenarioError("Skriv et tal i feltet 'Grænse'.")
        if len(rules) >= MAX_RULES:
            raise ScenarioError(f"Højst {MAX_RULES} udelukkelsesregler.")
        rule = parse_rule(raw, model)
    except ValueError as exc:
        state.RULE_PROBLEM.set(str(exc))
        return
    if rule not in rules:
        state.SCENARIO_RULES.set((*rules, rule))


def _remove_rule(rule: Rule) -> None:
    state.SCENARIO_RULES.set(tuple(r for r in state.SCENARIO_RULES.get(()) if r != rule))


def rules_editor(model: CriteriaModel) -> None:
    st.markdown("**Udelukkelsesregler** (før rangeringen)")
    rules = tuple(state.SCENARIO_RULES.get(()))
    if not rules:
        st.caption("Ingen regler: alle områder rangeres.")
    for k, rule in enumerate(rules):
        # Numbered, each with a worded button under it: a '✕' glyph is missing from the fonts of some systems
        # (an empty box) and a narrow column cut its label; 'Fjern regel 2' says which rule it removes.
        st.markdown(f"{k + 1}\\. {md(describe(rule, model))}")
        st.button(
            f"Fjern regel {k + 1}",
            icon=":material/close:",
            type="tertiary",
            key=state.rule_remove_key(k).name,
            on_click=_remove_rule,
            args=(rule,),
        )
    kind = st.selectbox("Ny regel", list(KIND_LABELS), format_func=KIND_LABELS.__getitem__, key=state.RULE_KIND.name)
    if kind == LIST_STATUS:
        st.multiselect(
            "Tilladt listestatus",
            list(LIST_CONFIDENCES),
            format_func=LIST_CONFIDENCE_LABELS.__getitem__,
            key=state.RULE_ALLOWED.name,  # starts as verified + inferred (set in render)
        )
    else:
        if kind == MIN_SCORE:
            targets = {c.id: c.label for c in model.criteria}
        elif kind == ACTOR_SECTOR:
            targets = dict(model.sector_labels)
        else:
            targets = {i.id: f"{i.label} ({i.scale_text})" for i in model.indicators}
        if state.RULE_TARGET.get() not in targets:
            state.RULE_TARGET.set(next(iter(targets), None))
        st.selectbox(
            {MIN_SCORE: "Kriterium", ACTOR_SECTOR: "Aktørsektor"}.get(kind, "Indikator"),
            list(targets),
            format_func=lambda t: targets.get(t, t),
            key=state.RULE_TARGET.name,
        )
        label = {
            MIN_SCORE: "Grænse: mindst (0–100)",
            ACTOR_SECTOR: "Grænse: inden for (m)",
            MIN_VALUE: "Grænse: mindst",
            MAX_VALUE: "Grænse: højst",
        }[kind]
        # text, read by the strict number parser: "2,5" and "2.5" are 2.5 (a number field drops the comma)
        st.text_input(label, key=state.RULE_VALUE.name, max_chars=40, placeholder="fx 40 eller 2,5")
    st.button("Tilføj regel", key=state.RULE_ADD.name, on_click=_add_rule, args=(model,))
    if problem := state.RULE_PROBLEM.pop():
        st.error(md(problem))


def exclusions(settings: Settings) -> dict[str, str]:
    """area_id -> reason for the areas the on-screen rules exclude (cached; the weights never change it)."""
    return data.excluded_areas(settings.distance_m, settings.sub_weights, tuple(state.SCENARIO_RULES.get(())))


def copy_link(model: CriteriaModel, on_screen: ScenarioSettings) -> None:
    """'Kopiér link': the page's address for what is on screen, with a copy button (st.code's own)."""
    # Lazy: the link is built and drawn only while the popover is open, so a weight move does not resend it.
    with st.popover(
        "Kopiér link", icon=":material/link:", width="stretch", key=state.LINK_POPOVER.name, on_change="rerun"
    ) as pop:
        if not pop.open:
            return
        opened = state.OPENED.get()
        if opened is not None and opened.key == on_screen.key():
            query = scenario_query(opened.ref)  # the saved scenario as it is on screen: its short link
        else:
            query = settings_query(on_screen, model)
        base = st.context.url or ""
        base = base + "/" if base and not urlparse(base).path else base  # 'http://host:8501' -> 'http://host:8501/'
        link = base + "?" + query_string(query)
        st.caption("Linket åbner samme vægte, delvægte, afstand og regler (eller det gemte scenarie):")
        st.code(link, language=None, wrap_lines=True)


def screened(model: CriteriaModel, result: ScoreResult, settings: Settings) -> tuple[ScoreResult, str | None]:
    """The ranking with the on-screen rules applied; if they exclude every area, the last ranking that had
    eligible areas and a Danish message naming the rules that did it."""
    rules = tuple(state.SCENARIO_RULES.get(()))
    source = data.current_source()  # the kept ranking is of these data (an import or an assessment changes them)
    if not rules:
        state.LAST_ELIGIBLE.set((source, result))
        return result, None
    out = apply_exclusions(result, exclusions(settings))
    if not all_excluded(out):
        state.LAST_ELIGIBLE.set((source, out))
        return out, None
    names = "; ".join(describe(r, model) for r in rules)
    kept_source, kept = state.LAST_ELIGIBLE.get((None, None))
    return (
        kept if kept is not None and kept_source == source else result,
        f"Reglerne udelukker alle områder ({names}). Fjern eller lemp en regel. Rangeringen nedenfor er den "
        "seneste, hvor der var områder tilbage.",
    )


def robustness_note(result: ScoreResult) -> None:
    """Say that robustness covers the eligible areas only when rules exclude some."""
    n_out = int((result.table["status"] == STATUS_EXCLUDED).sum())
    if n_out:
        st.info(
            f"Robustheden er beregnet over {count(len(result.ranked), 'område', 'områder')}, som reglerne ikke "
            f"udelukker ({integer(n_out)} er udelukket)."
        )


@st.cache_resource(show_spinner=False, max_entries=16)
def _changed_since(source: tuple[str, str, str], ref: str, version: int) -> str | None:
    """The sentence on what was stored since the scenario's version was saved (cached per data source: the
    package folder in use, its files' signature and the store revision; an import changes the first two)."""
    if source[2] == data.NO_STORE:
        return None
    engine = data.engine()
    made = saved.get_scenario(engine, int(ref), version)
    counts = workspace.stored_since(engine, made.recorded_at)
    return workspace.changed_since_sentence(counts, f"scenariet «{made.name}» blev gemt", moment_text(made.recorded_at))


def changed_since_saved(on_screen: ScenarioSettings) -> str | None:
    """When the scenario on screen is a saved one, unchanged: what was stored since it was saved (issue 29,
    class 13: a link shows today's data, and says so), else None."""
    opened = state.OPENED.get()
    if opened is None or opened.version is None or not opened.ref.isdigit():
        return None
    if opened.key != on_screen.key():
        return None
    try:
        return _changed_since(data.current_source(), opened.ref, int(opened.version))
    except (ScenarioError, StoreError):
        return None
