"""The view 'Registre' (issue 28): the registers of initiatives and actors in force, their history, and beside
the lists the values the register rules compute per area (the values the ranking uses).

The records in force are the data package's own records (version 0, "datapakken") with every stored newer
version over them, as ``data.register_view`` gives them (cached per store revision, so a save is seen at once by
this view, the map, the ranking and the detail panel). Planners and administrators (``EDIT_REGISTERS``) record,
change and withdraw initiatives and actors and export or import either register; a change of a package record
stores its version 1. Everyone else reads. Every text from the registers is shown through ``md`` (literally)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from selection import workspace
from selection.access import EDIT_REGISTERS, AccessDenied
from selection.assessments.wording import time_text
from selection.data.dataset import Dataset
from selection.errors import DataError
from selection.registers import exchange, store
from selection.registers.in_force import Computed, Registers, compute
from selection.registers.model import Actor as ActorRecord
from selection.registers.model import Initiative, RegisterError
from selection.registers.rules import ActorCommitment, InitiativeBreadth, InitiativeTrust, RuleResult
from selection.registers.store import Entry, RegisterConflict, RegisterImportError
from selection.storage.database import StoreError
from ui import access, data, state
from ui.text import md

VIEW = "Registre"
INITIATIVES, ACTORS = "Indsatser", "Aktører"
ALL_AREAS = ""
MISSING = "mangler"
FILES = {
    "excel-da": ("Hent som CSV (dansk Excel)", "csv", "text/csv"),
    "xlsx": ("Hent som Excel (.xlsx)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
NO_SECTOR = re.compile(r"Sektor: '' findes ikke; mulige: [^.]*\.")  # check_actor's words when none is chosen
SENTENCE = re.compile(r"(?<=\.)\s+(?=[A-ZÆØÅ])")  # where one problem of a refusal ends and the next begins
SAVED_NOTHING = " Intet er gemt."
SHORT_NAME = 70  # characters of a record's name in a choice or a fold's label
SHORT_LABELS = {InitiativeTrust: "Tillid", InitiativeBreadth: "Målgrupper", ActorCommitment: "Motivation"}


@dataclass(frozen=True)
class _Page:
    """What every part of the view needs: the store, the registers in force, the rules' results, the names."""

    engine: Any
    registers: Registers
    computed: Mapping[str, Computed]
    dataset: Dataset
    names: dict[str, str]  # area id -> name
    sectors: dict[str, str]  # sector id -> label
    area: str  # the area the view is filtered to (ALL_AREAS: every area)
    editor: bool

    def rules(self, kind: str) -> list[Computed]:
        """The computed indicators of one register (actors: the actor rule; initiatives: the others)."""
        return [c for c in self.computed.values() if isinstance(c.rule, ActorCommitment) == (kind == ACTORS)]


def render(dataset: Dataset) -> None:
    """The two registers beside the values they give each area; for planners the forms, downloads and import."""
    if message := state.REGISTER_MESSAGE.pop():
        (st.success if message[0] else st.error)(md(message[1]))
    try:
        engine = data.engine()
        registers, computed = _in_force(dataset)
    except StoreError as exc:
        st.error(md(str(exc)))
        return
    except DataError as exc:
        st.error("Registrene kan ikke læses:\n\n" + "\n".join(f"- {md(p)}" for p in exc.report.errors))
        return
    editor = access.can(EDIT_REGISTERS)
    st.markdown(
        "Registrene samler, hvilke indsatser og aktører der er i hvert område, og hvorfor beboerne har tillid til "
        "dem. Rangeringen beregner kriterierne ud fra dem. Hver ændring gemmes som en ny version; intet slettes."
    )
    if not editor:
        st.info("Du kan se registrene. Kun en planlægger eller en administrator kan registrere og rette.")
    if registers.problems:
        st.caption(md("Rækker i datapakken, der ikke kunne læses som registreringer: " + " ".join(registers.problems)))
    names: dict[str, str] = {str(k): str(v) for k, v in dataset.areas["name"].to_dict().items()}
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    kind = left.radio("Register", [INITIATIVES, ACTORS], key=state.REGISTER_KIND.name, horizontal=True)
    area = right.selectbox(
        "Område",
        [ALL_AREAS, *names],
        format_func=lambda a: names.get(a, a) if a else "Alle områder",
        key=state.REGISTER_AREA.name,
    )
    page = _Page(engine, registers, computed, dataset, names, dataset.model.sector_labels, str(area or ""), editor)
    try:
        if kind == INITIATIVES:
            _initiatives(page)
        else:
            _actors(page)
    except (StoreError, RegisterError) as exc:
        st.error(md(str(exc)))


def _in_force(dataset: Dataset) -> tuple[Registers, Mapping[str, Computed]]:
    """The registers in force and the rules' results of this page run (cached per store revision)."""
    view = data.register_view()
    if view is not None:
        return view
    return _without_rules(*data.current_source(), _dataset=dataset)


@st.cache_resource(show_spinner=False, max_entries=4)
def _without_rules(
    directory: str, signature: str, store_key: str, *, _dataset: Dataset
) -> tuple[Registers, dict[str, Computed]]:
    """A package none of whose indicators is computed from the registers: its records, listed without values."""
    engine = None if store_key == data.NO_STORE else data.engine()
    registers = workspace.register_state(_dataset, engine)
    return registers, compute(_dataset, registers)


# ---------------------------------------------------------------- shared parts


def _area_text(area_ids: Sequence[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(a, a) for a in area_ids)


def _who(entry: Entry[Any]) -> str:
    return entry.stored_by or entry.record.recorded_by


def _short(text: str, limit: int = SHORT_NAME) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _listed(page: _Page, kind: str, shown: int, table: Callable[[], pd.DataFrame]) -> None:
    """The register's records in force (of the chosen area) and, beside them, the values they give."""
    lists, values = st.columns([3, 2], gap="medium")
    where = f"i {page.names.get(page.area, page.area)}" if page.area else "i alle områder"
    noun = "indsatser" if kind == INITIATIVES else "aktører"
    with lists:
        st.markdown(f"**{md(kind)} {md(where)}** ({shown})")
        if shown:
            st.dataframe(
                table(),
                hide_index=True,
                width="stretch",
                column_config={"Navn": st.column_config.TextColumn(width="medium")},
            )
        else:
            st.info(f"Der er ingen {noun} i registret" + (" for dette område." if page.area else "."))
    with values:
        _values(page, kind)


def _values(page: _Page, kind: str) -> None:
    """The chosen area's values with provenance and what counted, or every area's values in one table."""
    rules = page.rules(kind)
    if not rules:
        st.markdown("**Beregnede værdier**")
        st.caption("Datapakkens kriterier beregner ingen værdi fra dette register; registreringerne vises kun.")
        return
    if not page.area:
        st.markdown("**Beregnet pr. område**")
        headers = {c.indicator_id: _header(page, c) for c in rules}
        rows = [
            {"Område": name, **{headers[c.indicator_id]: _number_text(c.results.get(aid)) for c in rules}}
            for aid, name in page.names.items()
        ]
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            width="stretch",
            column_config={headers[c.indicator_id]: st.column_config.TextColumn(help=_label(page, c)) for c in rules},
        )
        st.caption("Vælg et område for at se, hvilke registreringer der talte med. Rangeringen bruger værdierne.")
        return
    st.markdown(f"**Beregnet for {md(page.names.get(page.area, page.area))}**")
    for c in rules:
        result = c.results.get(page.area) or RuleResult(None)
        text = _value_text(page, c, result)
        if result.missing:
            st.markdown(f"{md(_label(page, c))}: **{md(text)}** ({md(_why_missing(result))})")
            if result.contributions:
                st.caption(md(result.provenance))
        else:
            st.markdown(f"{md(_label(page, c))}: **{md(text)}**")
            st.caption(md(result.provenance + (f"; {result.summary}" if result.summary else "")))
        if result.contributions:
            with st.expander(f"Hvad talte med ({len(result.contributions)})"):
                st.markdown("\n".join(f"- {md(x.text)}" for x in result.contributions))
    st.caption("Rangeringen, kortet og områdets detaljer bruger disse værdier.")


def _label(page: _Page, c: Computed) -> str:
    return page.dataset.model.indicator(c.indicator_id).label


def _header(page: _Page, c: Computed) -> str:
    """A short column header: 'Tillid (point)' (the indicator's label is the column's help)."""
    short = SHORT_LABELS.get(type(c.rule), _label(page, c))
    unit = page.dataset.model.indicator(c.indicator_id).unit
    return f"{short} ({unit})" if unit else short


def _number_text(result: RuleResult | None) -> str:
    """'1,57', or 'mangler (motivation ikke kendt)'."""
    result = result or RuleResult(None)
    return f"{MISSING} ({_why_missing(result)})" if result.value is None else result.value_text(2)


def _why_missing(result: RuleResult) -> str:
    """'ingen registreringer', or the rule's word when records exist but give no value ('motivation ikke kendt')."""
    return result.summary if result.contributions and result.summary else result.provenance


def _value_text(page: _Page, c: Computed, result: RuleResult | None) -> str:
    """'2,52 point', '33,3 %' or 'mangler'."""
    if result is None or result.value is None:
        return MISSING
    unit = page.dataset.model.indicator(c.indicator_id).unit
    return f"{result.value_text(2)} {unit}".rstrip()


def _pick(key: state.Key[str | None], label: str, entries: Sequence[Entry[Any]]) -> Entry[Any] | None:
    """The record whose history (and, for planners, change form) is shown; none until one is chosen."""
    if not entries:
        return None
    by_id = {e.id: e for e in entries}
    if (saved := state.REGISTER_PICK_NEXT.pop()) in by_id:
        key.set(saved)
    if key.get() not in by_id:
        key.pop()
    chosen = st.selectbox(
        label,
        list(by_id),
        index=None,
        format_func=lambda rid: f"{_short(by_id[rid].record.name)} ({rid})",
        key=key.name,
        placeholder="Vælg for at se historikken" + (" og rette" if access.can(EDIT_REGISTERS) else ""),
    )
    return by_id.get(str(chosen)) if chosen is not None else None


def _history(entries: Sequence[Entry[Any]], page: _Page, status_list: str, status: Callable[[Any], str]) -> None:
    vocabulary = page.registers.vocabulary
    st.subheader(md(f"Historik: {_short(entries[-1].record.name)}"), anchor=False)
    rows = []
    for e in entries:
        if e.withdrawn:
            what = "Trukket tilbage"
        elif e.version == 0:
            what = "I datapakken"
        elif e.version == 1 and not entries[0].from_package:
            what = "Registreret"
        else:
            what = "Ændret"
        rows.append(
            {
                "Version": e.version,
                "Hændelse": what,
                "Tidspunkt": time_text(e.recorded_at) if e.recorded_at else "–",
                "Af": _who(e),
                "Årsag": e.change_reason or e.record.reason,
                "Status" if status_list == "statuses" else "Motivation": vocabulary[status_list].label(
                    status(e.record)
                ),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _package_note(entry: Entry[Any]) -> None:
    if entry.from_package:
        st.caption(
            "Registreringen kommer fra datapakken (version 0). Retter du den, gemmes version 1 med din årsag; "
            "datapakkens fil ændres ikke."
        )


def _refused(message: str) -> None:
    """A refused record: 'X kan ikke gemmes:' with each problem on its own line, then 'Intet er gemt.' (one
    paragraph of five problems is hard to work through)."""
    head, found, rest = message.partition(" kan ikke gemmes: ")
    problems = SENTENCE.split(rest.removesuffix(SAVED_NOTHING).strip()) if found else []
    if len(problems) < 2:
        st.error(md(message))
        return
    st.error(
        md(f"{head} kan ikke gemmes:")
        + "\n\n"
        + "\n".join(f"- {md(p)}" for p in problems)
        + f"\n\n{md(SAVED_NOTHING.strip())}"
    )


def _opened_version(entry: Entry[Any] | None) -> int | None:
    """The version the planner opened the record's change form at: a change made by someone else meanwhile is then
    refused (RegisterConflict) instead of being overwritten, and the typed values stay until it is."""
    if entry is None:
        return None
    opened = dict(state.REGISTER_OPENED.get({}))
    version = opened.setdefault(entry.id, entry.version)
    state.REGISTER_OPENED.set(opened)
    return version


def _forget_opened(entry: Entry[Any] | None) -> None:
    if entry is not None:
        opened = dict(state.REGISTER_OPENED.get({}))
        opened.pop(entry.id, None)
        state.REGISTER_OPENED.set(opened)


def _new_generation(tag: str) -> state.Key[Any]:
    return state.register_key(f"new_{tag}", "generation")


def _new_form(tag: str) -> str:
    """The name of the form for a new record ('new_i0', 'new_i1', …): a new name after each save, so the browser
    draws new, empty fields (a removed key would leave the typed text on screen, ready to be sent again)."""
    return f"new_{tag}{_new_generation(tag).get(0)}"


def _saved(entry: Entry[Any] | None, saved: Entry[Any], what: str, form: str, fields: Sequence[str]) -> None:
    """After a save: empty the form, pick the record, say what was stored, and run the page again (the ranking
    recomputes). A refused form keeps what was typed, so only the problem needs correcting."""
    for field in fields:
        state.register_key(form, field).pop()
    if entry is None:  # the next new-record form is a new one (an edit form is named by its version already)
        tag = form.removeprefix("new_").rstrip("0123456789")
        _new_generation(tag).set(_new_generation(tag).get(0) + 1)
    _forget_opened(entry)
    state.REGISTER_PICK_NEXT.set(saved.id)
    verb = "registreret" if entry is None else "ændret"
    state.REGISTER_MESSAGE.set(
        (True, f"{what} '{_short(saved.record.name)}' er {verb} ({saved.id}, version {saved.version}).")
    )
    st.rerun()


def _conflict(entry: Entry[Any] | None, exc: RegisterConflict) -> None:
    """The record changed since the form was opened: the form opens again at the newest version."""
    _forget_opened(entry)
    state.REGISTER_MESSAGE.set((False, f"{exc} Formularen viser nu den nyeste version."))
    st.rerun()


def _withdraw_form(page: _Page, entry: Entry[Any], withdraw: Any, base: Sequence[Any]) -> None:
    opened = _opened_version(entry)
    form = f"withdraw_{entry.id}_{opened}"
    with st.form(state.register_key(form, "form").name, border=False):
        reason = st.text_input("Årsag til tilbagetrækningen", key=state.register_key(form, "reason").name)
        if not st.form_submit_button("Træk tilbage"):
            return
    try:
        done = withdraw(
            page.engine,
            access.current_actor(),
            entry.id,
            expected_version=opened,
            change_reason=reason,
            base=base,
        )
    except RegisterConflict as exc:
        _conflict(entry, exc)
        return
    except (AccessDenied, RegisterError, StoreError) as exc:
        st.error(md(str(exc)))
        return
    _forget_opened(entry)
    state.REGISTER_MESSAGE.set(
        (True, f"'{_short(done.record.name)}' ({done.id}) er trukket tilbage; den står i historikken.")
    )
    st.rerun()


# ---------------------------------------------------------------- initiatives


def _initiatives(page: _Page) -> None:
    vocabulary = page.registers.vocabulary
    entries = list(page.registers.initiatives)
    shown = [e for e in entries if not page.area or page.area in e.record.area_ids]
    _listed(page, INITIATIVES, len(shown), lambda: _initiative_table(shown, page))
    picked = _pick(state.REGISTER_PICK_INITIATIVE, "Vælg indsats", shown)
    base = page.registers.package.initiatives
    if picked is not None:
        _history(store.initiative_history(page.engine, picked.id, base=base), page, "statuses", lambda r: r.status)
    if not page.editor:
        return
    with st.expander("Registrér en ny indsats"):
        _initiative_form(page, None)
    if picked is not None:
        with st.expander(md(f"Ret eller træk tilbage: {_short(picked.record.name)} ({picked.id})")):
            _package_note(picked)
            _initiative_form(page, picked)
            _withdraw_form(page, picked, store.withdraw_initiative, base)
    _exchange(
        page,
        INITIATIVES,
        lambda fmt: exchange.export_initiatives(entries, vocabulary, fmt),
        lambda content, name: exchange.import_initiatives(
            page.engine, access.current_actor(), vocabulary, list(page.names), content, name=name, base=base
        ),
    )


def _initiative_table(entries: Sequence[Entry[Initiative]], page: _Page) -> pd.DataFrame:
    vocabulary = page.registers.vocabulary
    rows = []
    for e in entries:
        r = e.record
        rows.append(
            {
                "Navn": r.name,
                "Områder": _area_text(r.area_ids, page.names),
                "Status": vocabulary["statuses"].label(r.status),
                "Relevans": vocabulary["relevance"].label(r.relevance),
                "Belæg for tillid": vocabulary["trust_evidence"].label(r.trust_evidence),
                "Start": r.start.strftime("%d-%m-%Y") if r.start else "",
                "Type": vocabulary["initiative_types"].label(r.type),
                "Operatør": vocabulary["operators"].label(r.operator),
                "Verifikation": vocabulary["verification"].label(r.verification),
                "Version": e.version,
                "Registreret af": _who(e),
                "Id": r.id,
            }
        )
    return pd.DataFrame(rows)


def _initiative_form(page: _Page, entry: Entry[Initiative] | None) -> None:
    vocabulary, names = page.registers.vocabulary, page.names
    opened = _opened_version(entry)
    form = _new_form("i") if entry is None else f"edit_{entry.id}_{opened}"
    old = entry.record if entry is not None else None

    fields: list[str] = []

    def key(field: str) -> str:
        fields.append(field)
        return state.register_key(form, field).name

    def choice(where: Any, field: str, label: str, vocab: str, current: str | None) -> Any:
        options = list(vocabulary[vocab].labels)
        index = options.index(current) if current in options else None
        return where.selectbox(
            label, options, index=index, format_func=vocabulary[vocab].label, key=key(field), placeholder="Vælg"
        )

    with st.form(key("form"), border=False, clear_on_submit=False):
        left, right = st.columns(2)
        name = left.text_input("Navn", value=old.name if old else "", key=key("name"), max_chars=200)
        areas = right.multiselect(
            "Områder",
            list(names),
            default=[a for a in old.area_ids if a in names] if old else [],
            format_func=lambda a: names.get(a, a),
            key=key("areas"),
            placeholder="Vælg et eller flere",
        )
        kind = choice(left, "type", "Type", "initiative_types", old.type if old else None)
        operator = choice(right, "operator", "Operatør", "operators", old.operator if old else None)
        groups = st.multiselect(
            "Målgrupper",
            list(vocabulary["target_groups"].labels),
            default=list(old.target_groups) if old else [],
            format_func=vocabulary["target_groups"].label,
            key=key("groups"),
            placeholder="Vælg en eller flere",
        )
        left, right = st.columns(2)
        start = left.date_input(
            "Start (valgfri)", value=old.start if old else None, key=key("start"), format="DD-MM-YYYY"
        )
        end = right.date_input("Slut (valgfri)", value=old.end if old else None, key=key("end"), format="DD-MM-YYYY")
        status = choice(left, "status", "Status", "statuses", old.status if old else None)
        relevance = choice(
            right, "relevance", "Relevans for negativ social kontrol", "relevance", old.relevance if old else None
        )
        evidence = choice(
            left, "evidence", "Belæg for beboernes tillid", "trust_evidence", old.trust_evidence if old else None
        )
        verification = choice(right, "verification", "Verifikation", "verification", old.verification if old else None)
        evidence_text = st.text_area(
            "Belæg (tekst eller link)", value=old.evidence_text if old else "", key=key("evidence_text"), height=68
        )
        source = st.text_input("Kilde", value=old.source if old else "", key=key("source"))
        reason = st.text_area(
            "Begrundelse for registreringen", value=old.reason if old else "", key=key("reason"), height=68
        )
        change_reason = (
            st.text_area("Årsag til ændringen (skal udfyldes)", key=key("change_reason"), height=68)
            if entry is not None
            else ""
        )
        if not st.form_submit_button("Gem ændringen" if entry else "Registrér indsatsen", type="primary"):
            return
    raw: dict[str, object] = {
        "area_ids": areas,
        "name": name,
        "type": kind,
        "operator": operator,
        "target_groups": groups,
        "start": start if isinstance(start, date) else None,
        "end": end if isinstance(end, date) else None,
        "status": status,
        "relevance": relevance,
        "trust_evidence": evidence,
        "evidence_text": evidence_text,
        "source": source,
        "verification": verification,
        "reason": reason,
    }
    _write(
        entry,
        lambda who: store.record_initiative(
            page.engine,
            who,
            vocabulary,
            list(names),
            raw | {"recorded_by": who.identity.name},
            record_id=entry.id if entry else None,
            expected_version=opened,
            change_reason=change_reason,
            base=page.registers.package.initiatives,
        ),
        "Indsatsen",
        form,
        fields,
    )


# ---------------------------------------------------------------- actors


def _actors(page: _Page) -> None:
    vocabulary = page.registers.vocabulary
    entries = list(page.registers.actors)
    shown = [e for e in entries if not page.area or page.area in e.record.area_ids]
    _listed(page, ACTORS, len(shown), lambda: _actor_table(shown, page))
    picked = _pick(state.REGISTER_PICK_ACTOR, "Vælg aktør", shown)
    base = page.registers.package.actors
    if picked is not None:
        _history(store.actor_history(page.engine, picked.id, base=base), page, "motivation", lambda r: r.motivation)
    if not page.editor:
        return
    with st.expander("Registrér en ny aktør"):
        _actor_form(page, None)
    if picked is not None:
        with st.expander(md(f"Ret eller træk tilbage: {_short(picked.record.name)} ({picked.id})")):
            _package_note(picked)
            _actor_form(page, picked)
            _withdraw_form(page, picked, store.withdraw_actor, base)
    _exchange(
        page,
        ACTORS,
        lambda fmt: exchange.export_actors(entries, vocabulary, page.sectors, fmt),
        lambda content, name: exchange.import_actors(
            page.engine,
            access.current_actor(),
            vocabulary,
            page.sectors,
            list(page.names),
            content,
            name=name,
            base=base,
        ),
    )


def _actor_table(entries: Sequence[Entry[ActorRecord]], page: _Page) -> pd.DataFrame:
    vocabulary = page.registers.vocabulary
    rows = []
    for e in entries:
        r = e.record
        rows.append(
            {
                "Navn": r.name,
                "Sektor": page.sectors.get(r.sector, r.sector),
                "Områder": _area_text(r.area_ids, page.names),
                "Motivation": vocabulary["motivation"].label(r.motivation),
                "Oplyst via": vocabulary["learned_via"].label(r.learned_via) if r.learned_via else "",
                "Kompetence i negativ social kontrol": "ja" if r.nsk_competence else "nej",
                "Verifikation": vocabulary["verification"].label(r.verification),
                "Version": e.version,
                "Registreret af": _who(e),
                "Id": r.id,
            }
        )
    return pd.DataFrame(rows)


def _actor_form(page: _Page, entry: Entry[ActorRecord] | None) -> None:
    vocabulary, names, sectors = page.registers.vocabulary, page.names, page.sectors
    opened = _opened_version(entry)
    form = _new_form("a") if entry is None else f"edit_{entry.id}_{opened}"
    old = entry.record if entry is not None else None

    fields: list[str] = []

    def key(field: str) -> str:
        fields.append(field)
        return state.register_key(form, field).name

    def choice(where: Any, field: str, label: str, vocab: str, current: str | None) -> Any:
        options = list(vocabulary[vocab].labels)
        index = options.index(current) if current in options else None
        return where.selectbox(
            label, options, index=index, format_func=vocabulary[vocab].label, key=key(field), placeholder="Vælg"
        )

    with st.form(key("form"), border=False, clear_on_submit=False):
        left, right = st.columns(2)
        name = left.text_input("Navn", value=old.name if old else "", key=key("name"), max_chars=200)
        sector_ids = list(sectors)
        sector = right.selectbox(
            "Sektor",
            sector_ids,
            index=sector_ids.index(old.sector) if old and old.sector in sector_ids else None,
            format_func=lambda s: sectors.get(s, s),
            key=key("sector"),
            placeholder="Vælg",
        )
        areas = left.multiselect(
            "Områder, aktøren hører til",
            list(names),
            default=[a for a in old.area_ids if a in names] if old else [],
            format_func=lambda a: names.get(a, a),
            key=key("areas"),
            placeholder="Vælg et eller flere",
        )
        relation = right.text_input(
            "Forhold til området (valgfrit)", value=old.relation if old else "", key=key("relation")
        )
        motivation = choice(left, "motivation", "Motivation", "motivation", old.motivation if old else "unknown")
        learned = choice(
            right, "learned_via", "Hvor motivationen blev oplyst", "learned_via", old.learned_via if old else None
        )
        motivation_reason = st.text_area(
            "Begrundelse for motivationen (skal udfyldes, når den er kendt)",
            value=old.motivation_reason if old else "",
            key=key("motivation_reason"),
            height=68,
        )
        competence = st.checkbox(
            "Kompetence i negativ social kontrol (fx deltaget i temadage for boligsocialt personale)",
            value=bool(old.nsk_competence) if old else False,
            key=key("competence"),
        )
        competence_text = st.text_area(
            "Kompetencen (valgfri)", value=old.competence_text if old else "", key=key("competence_text"), height=68
        )
        left, right = st.columns(2)
        source = left.text_input("Kilde", value=old.source if old else "", key=key("source"))
        verification = choice(right, "verification", "Verifikation", "verification", old.verification if old else None)
        reason = st.text_area(
            "Begrundelse for registreringen", value=old.reason if old else "", key=key("reason"), height=68
        )
        change_reason = (
            st.text_area("Årsag til ændringen (skal udfyldes)", key=key("change_reason"), height=68)
            if entry is not None
            else ""
        )
        if not st.form_submit_button("Gem ændringen" if entry else "Registrér aktøren", type="primary"):
            return
    raw: dict[str, object] = {
        "sector": sector or "",
        "name": name,
        "lon": old.lon if old else None,  # the form keeps a record's point; a new actor is placed by its areas
        "lat": old.lat if old else None,
        "area_ids": areas,
        "relation": relation,
        "motivation": motivation or "unknown",
        "motivation_reason": motivation_reason,
        "learned_via": learned or "",
        "nsk_competence": bool(competence),
        "competence_text": competence_text,
        "source": source,
        "verification": verification,
        "reason": reason,
    }
    _write(
        entry,
        lambda who: store.record_actor(
            page.engine,
            who,
            vocabulary,
            list(sectors),
            list(names),
            raw | {"recorded_by": who.identity.name},
            record_id=entry.id if entry else None,
            expected_version=opened,
            change_reason=change_reason,
            base=page.registers.package.actors,
        ),
        "Aktøren",
        form,
        fields,
        explain=lambda text: NO_SECTOR.sub("Sektor: vælg en sektor.", text),  # the choice, not the list of ids
    )


def _write(
    entry: Entry[Any] | None,
    write: Callable[[Any], Entry[Any]],
    what: str,
    form: str,
    fields: Sequence[str],
    explain: Callable[[str], str] = lambda text: text,
) -> None:
    """Store a record as the signed-in person (``write(actor)``); a conflict or a refusal is shown in Danish and
    keeps the form as typed, a save confirms it."""
    try:
        saved = write(access.current_actor())
    except RegisterConflict as exc:
        _conflict(entry, exc)
        return
    except (AccessDenied, RegisterError, StoreError) as exc:
        _refused(explain(str(exc)))
        return
    _saved(entry, saved, what, form, fields)


# ---------------------------------------------------------------- files


@st.cache_resource(show_spinner=False, max_entries=8)
def _file(source: tuple[str, str, str], kind: str, fmt: str, *, _export: Any) -> tuple[bytes | str, str]:
    """(the file, '') or (b'', the Danish problem): made once per store revision, not on every page run."""
    try:
        return _export(fmt), ""
    except RegisterError as exc:
        return b"", str(exc)


def _exchange(page: _Page, kind: str, export: Any, import_file: Any) -> None:
    st.subheader(f"{kind}: hent og indlæs", anchor=False)
    tag = "i" if kind == INITIATIVES else "a"
    columns = st.columns(len(FILES))
    for column, (fmt, (label, suffix, mime)) in zip(columns, FILES.items(), strict=True):
        content, problem = _file(data.current_source(), kind, fmt, _export=export)
        if problem:
            column.error(md(problem))
            continue
        column.download_button(
            label,
            content,
            file_name=f"{kind.lower()}.{suffix}",
            mime=mime,
            key=state.register_key(f"download_{tag}", fmt).name,
        )
    with st.form(state.register_key(f"import_{tag}", "form").name, border=False, clear_on_submit=True):
        upload = st.file_uploader(
            "Indlæs en fil (CSV eller .xlsx). Alt eller intet: er der et problem, gemmes intet.",
            type=["csv", "xlsx"],
            key=state.register_key(f"import_{tag}", "file").name,
        )
        if not st.form_submit_button("Indlæs filen"):
            return
    if upload is None:
        st.error("Vælg en fil først.")
        return
    try:
        outcome = import_file(upload.getvalue(), upload.name)
    except RegisterImportError as exc:
        st.error(
            md(f"{upload.name} kan ikke indlæses ({len(exc.problems)} problemer). Intet er gemt.")
            + "\n\n"
            + "\n".join(f"- {md(p)}" for p in exc.problems)
        )
        return
    except (AccessDenied, RegisterError, StoreError) as exc:
        st.error(md(str(exc)))
        return
    state.REGISTER_MESSAGE.set(
        (
            True,
            f"{upload.name} er indlæst: {len(outcome.added)} nye, {len(outcome.changed)} ændrede og "
            f"{len(outcome.unchanged)} uændrede.",
        )
    )
    st.rerun()
