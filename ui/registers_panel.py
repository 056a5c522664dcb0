"""The view 'Registre' (issue 28): the registers of initiatives and actors, their history, and the values the
register rules compute per area (shown for information: the ranking does not use them yet).

Planners and administrators (``EDIT_REGISTERS``) record, change and withdraw initiatives and export or import
either register; everyone else reads. Every text from the registers is shown through ``md`` (literally)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from selection.access import EDIT_REGISTERS, AccessDenied
from selection.assessments.wording import time_text
from selection.data.dataset import Dataset
from selection.errors import DataError
from selection.registers import exchange, store
from selection.registers.model import Actor as ActorRecord
from selection.registers.model import Initiative, RegisterError
from selection.registers.rules import (
    ActorCommitment,
    InitiativeBreadth,
    InitiativeTrust,
    RuleResult,
    evaluate_area,
)
from selection.registers.store import Entry, RegisterConflict, RegisterImportError
from selection.registers.vocabulary import Vocabulary, load_vocabulary
from selection.storage.database import StoreError
from selection.storage.packages import active_data_dir
from ui import access, data, state
from ui.text import md

VIEW = "Registre"
INITIATIVES, ACTORS = "Indsatser", "Aktører"
ALL_AREAS = ""
NOT_RANKED = "Vises til orientering; rangeringen bruger endnu datapakkens værdi."
FILES = {
    "excel-da": ("Hent som CSV (dansk Excel)", "csv", "text/csv"),
    "xlsx": ("Hent som Excel (.xlsx)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def render(dataset: Dataset) -> None:
    """The two registers; for planners with the forms, the downloads and the import."""
    if message := state.REGISTER_MESSAGE.pop():
        (st.success if message[0] else st.error)(md(message[1]))
    try:
        engine = data.engine()
        vocabulary = load_vocabulary(active_data_dir())
    except StoreError as exc:
        st.error(md(str(exc)))
        return
    except DataError as exc:
        st.error("Registrenes lister kan ikke læses:\n\n" + "\n".join(f"- {md(p)}" for p in exc.report.errors))
        return
    editor = access.can(EDIT_REGISTERS)
    st.markdown(
        "Registrene samler, hvilke indsatser og aktører der er i hvert område, og hvorfor beboerne har tillid til "
        "dem. Hver ændring gemmes som en ny version; intet slettes."
    )
    if not editor:
        st.info("Du kan se registrene. Kun en planlægger eller en administrator kan registrere og rette.")
    kind = st.radio("Register", [INITIATIVES, ACTORS], key=state.REGISTER_KIND.name, horizontal=True)
    names: dict[str, str] = {str(k): str(v) for k, v in dataset.areas["name"].to_dict().items()}
    area = st.selectbox(
        "Område",
        [ALL_AREAS, *names],
        format_func=lambda a: names.get(a, a) if a else "Alle områder",
        key=state.REGISTER_AREA.name,
    )
    try:
        if kind == INITIATIVES:
            _initiatives(engine, vocabulary, names, area, editor)
        else:
            _actors(engine, vocabulary, names, dataset.model.sector_labels, area, editor)
    except (StoreError, RegisterError) as exc:
        st.error(md(str(exc)))


# ---------------------------------------------------------------- initiatives


def _area_text(area_ids: Sequence[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(a, a) for a in area_ids)


def _who(entry: Entry[Any]) -> str:
    return entry.stored_by or entry.record.recorded_by


def _initiatives(engine: Any, vocabulary: Vocabulary, names: dict[str, str], area: str, editor: bool) -> None:
    entries = store.current_initiatives(engine)
    shown = [e for e in entries if not area or area in e.record.area_ids]
    if shown:
        st.dataframe(_initiative_table(shown, vocabulary, names), hide_index=True, width="stretch")
    else:
        st.info("Der er ingen indsatser i registret" + (" for dette område." if area else "."))
    if area:
        records = [e.record for e in entries]
        trust = evaluate_area(InitiativeTrust(), records, area, vocabulary, today=date.today())
        breadth = evaluate_area(InitiativeBreadth(), records, area, vocabulary, today=date.today())
        _computed("Tillid beregnet fra registret", trust)
        st.markdown(md(f"Målgrupper nået af relevante aktive indsatser: {_percent(breadth)}"))
        st.caption(NOT_RANKED)
    else:
        st.caption("Vælg et område for at se den tillid, registret giver det.")
    picked = _pick(state.REGISTER_PICK_INITIATIVE, "Vælg indsats", shown)
    if picked is not None:
        _history(store.initiative_history(engine, picked.id), vocabulary, "statuses", lambda r: r.status)
    if not editor:
        return
    with st.expander("Registrér en ny indsats"):
        _initiative_form(engine, vocabulary, names, None)
    if picked is not None:
        with st.expander(md(f"Ret eller træk tilbage: {picked.record.name} ({picked.id})")):
            _initiative_form(engine, vocabulary, names, picked)
            _withdraw_form(engine, picked, store.withdraw_initiative)
    _exchange(
        engine,
        INITIATIVES,
        lambda fmt: exchange.export_initiatives(entries, vocabulary, fmt),
        lambda content, name: exchange.import_initiatives(
            engine, access.current_actor(), vocabulary, list(names), content, name=name
        ),
    )


def _percent(result: RuleResult) -> str:
    return result.value_text() + ("" if result.missing else " %")


def _computed(label: str, result: RuleResult) -> None:
    """'Tillid beregnet fra registret: 2,5 (beregnet fra 5 registreringer (3 kildebelagte))' and what counted."""
    line = f"{label}: {result.value_text()}"
    if not result.missing:
        line += f" ({result.provenance})"
    st.markdown(f"**{md(line)}**")
    if result.summary:
        st.caption(md(result.summary))
    for c in result.contributions:
        st.markdown("- " + md(c.text))


def _initiative_table(entries: Sequence[Entry[Initiative]], vocabulary: Vocabulary, names: dict[str, str]) -> Any:
    rows = []
    for e in entries:
        r = e.record
        rows.append(
            {
                "Id": r.id,
                "Navn": r.name,
                "Områder": _area_text(r.area_ids, names),
                "Type": vocabulary["initiative_types"].label(r.type),
                "Operatør": vocabulary["operators"].label(r.operator),
                "Status": vocabulary["statuses"].label(r.status),
                "Relevans": vocabulary["relevance"].label(r.relevance),
                "Belæg for tillid": vocabulary["trust_evidence"].label(r.trust_evidence),
                "Verifikation": vocabulary["verification"].label(r.verification),
                "Version": e.version,
                "Registreret af": _who(e),
            }
        )
    return pd.DataFrame(rows)


def _pick(key: state.Key[str | None], label: str, entries: Sequence[Entry[Any]]) -> Entry[Any] | None:
    if not entries:
        return None
    by_id = {e.id: e for e in entries}
    if (saved := state.REGISTER_PICK_NEXT.pop()) in by_id:
        key.set(saved)
    if key.get() not in by_id:
        key.pop()
    chosen = st.selectbox(label, list(by_id), format_func=lambda rid: f"{rid} · {by_id[rid].record.name}", key=key.name)
    return by_id.get(str(chosen)) if chosen is not None else None


def _history(entries: Sequence[Entry[Any]], vocabulary: Vocabulary, status_list: str, status: Any) -> None:
    st.subheader(md(f"Historik: {entries[-1].record.name}"), anchor=False)
    rows = []
    for e in entries:
        if e.withdrawn:
            what = "Trukket tilbage"
        elif e.version == 1:
            what = "Registreret"
        else:
            what = "Ændret"
        rows.append(
            {
                "Version": e.version,
                "Hændelse": what,
                "Tidspunkt": time_text(e.recorded_at),
                "Af": _who(e),
                "Årsag": e.change_reason or e.record.reason,
                "Status" if status_list == "statuses" else "Motivation": vocabulary[status_list].label(
                    status(e.record)
                ),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _initiative_form(
    engine: Any, vocabulary: Vocabulary, names: dict[str, str], entry: Entry[Initiative] | None
) -> None:
    opened = _opened_version(entry)
    form = "new_i" if entry is None else f"edit_{entry.id}_{opened}"
    old = entry.record if entry is not None else None

    def key(field: str) -> str:
        return state.register_key(form, field).name

    def choice(field: str, label: str, vocab: str, current: str | None) -> Any:
        options = list(vocabulary[vocab].labels)
        index = options.index(current) if current in options else None
        return st.selectbox(
            label, options, index=index, format_func=vocabulary[vocab].label, key=key(field), placeholder="Vælg"
        )

    with st.form(key("form"), border=False, clear_on_submit=entry is None):
        areas = st.multiselect(
            "Områder",
            list(names),
            default=list(old.area_ids) if old else [],
            format_func=lambda a: names.get(a, a),
            key=key("areas"),
        )
        name = st.text_input("Navn", value=old.name if old else "", key=key("name"), max_chars=200)
        kind = choice("type", "Type", "initiative_types", old.type if old else None)
        operator = choice("operator", "Operatør", "operators", old.operator if old else None)
        groups = st.multiselect(
            "Målgrupper",
            list(vocabulary["target_groups"].labels),
            default=list(old.target_groups) if old else [],
            format_func=vocabulary["target_groups"].label,
            key=key("groups"),
        )
        left, right = st.columns(2)
        start = left.date_input(
            "Start (valgfri)", value=old.start if old else None, key=key("start"), format="DD-MM-YYYY"
        )
        end = right.date_input("Slut (valgfri)", value=old.end if old else None, key=key("end"), format="DD-MM-YYYY")
        status = choice("status", "Status", "statuses", old.status if old else None)
        relevance = choice(
            "relevance", "Relevans for negativ social kontrol", "relevance", old.relevance if old else None
        )
        evidence = choice(
            "evidence", "Belæg for beboernes tillid", "trust_evidence", old.trust_evidence if old else None
        )
        evidence_text = st.text_area(
            "Belæg (tekst eller link)", value=old.evidence_text if old else "", key=key("evidence_text")
        )
        source = st.text_input("Kilde", value=old.source if old else "", key=key("source"))
        verification = choice("verification", "Verifikation", "verification", old.verification if old else None)
        reason = st.text_area("Begrundelse for registreringen", value=old.reason if old else "", key=key("reason"))
        change_reason = (
            st.text_area("Årsag til ændringen (skal udfyldes)", key=key("change_reason")) if entry is not None else ""
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
    try:
        actor = access.current_actor()
        raw["recorded_by"] = actor.identity.name
        saved = store.record_initiative(
            engine,
            actor,
            vocabulary,
            list(names),
            raw,
            record_id=entry.id if entry else None,
            expected_version=opened,
            change_reason=change_reason,
        )
    except RegisterConflict as exc:  # the form is opened again at the newest version
        _forget_opened(entry)
        state.REGISTER_MESSAGE.set((False, f"{exc} Formularen viser nu den nyeste version."))
        st.rerun()
    except (AccessDenied, RegisterError, StoreError) as exc:
        st.error(md(str(exc)))
        return
    _forget_opened(entry)
    state.REGISTER_PICK_NEXT.set(saved.id)
    verb = "registreret" if entry is None else "ændret"
    state.REGISTER_MESSAGE.set(
        (True, f"Indsatsen '{saved.record.name}' er {verb} ({saved.id}, version {saved.version}).")
    )
    st.rerun()


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


def _withdraw_form(engine: Any, entry: Entry[Any], withdraw: Any) -> None:
    opened = _opened_version(entry)
    form = f"withdraw_{entry.id}_{opened}"
    with st.form(state.register_key(form, "form").name, border=False):
        reason = st.text_input("Årsag til tilbagetrækningen", key=state.register_key(form, "reason").name)
        if not st.form_submit_button("Træk tilbage"):
            return
    try:
        done = withdraw(engine, access.current_actor(), entry.id, expected_version=entry.version, change_reason=reason)
    except (AccessDenied, RegisterError, StoreError) as exc:
        st.error(md(str(exc)))
        return
    _forget_opened(entry)
    state.REGISTER_MESSAGE.set((True, f"'{done.record.name}' ({done.id}) er trukket tilbage; den står i historikken."))
    st.rerun()


# ---------------------------------------------------------------- actors


def _actors(
    engine: Any,
    vocabulary: Vocabulary,
    names: dict[str, str],
    sectors: dict[str, str],
    area: str,
    editor: bool,
) -> None:
    entries = store.current_actors(engine)
    shown = [e for e in entries if not area or area in e.record.area_ids]
    if shown:
        st.dataframe(_actor_table(shown, vocabulary, names, sectors), hide_index=True, width="stretch")
    else:
        st.info("Der er ingen aktører i registret" + (" for dette område." if area else "."))
    if area:
        result = evaluate_area(
            ActorCommitment(), [e.record for e in entries], area, vocabulary, today=date.today(), sector_labels=sectors
        )
        _computed("Aktørernes motivation beregnet fra registret", result)
        st.caption(NOT_RANKED)
    else:
        st.caption("Vælg et område for at se den motivation, registret giver det.")
    picked = _pick(state.REGISTER_PICK_ACTOR, "Vælg aktør", shown)
    if picked is not None:
        _history(store.actor_history(engine, picked.id), vocabulary, "motivation", lambda r: r.motivation)
    if not editor:
        return
    if picked is not None:
        with st.expander(md(f"Træk tilbage: {picked.record.name} ({picked.id})")):
            _withdraw_form(engine, picked, store.withdraw_actor)
    _exchange(
        engine,
        ACTORS,
        lambda fmt: exchange.export_actors(entries, vocabulary, sectors, fmt),
        lambda content, name: exchange.import_actors(
            engine, access.current_actor(), vocabulary, sectors, list(names), content, name=name
        ),
    )


def _actor_table(
    entries: Sequence[Entry[ActorRecord]], vocabulary: Vocabulary, names: dict[str, str], sectors: dict[str, str]
) -> Any:
    rows = []
    for e in entries:
        r = e.record
        rows.append(
            {
                "Id": r.id,
                "Navn": r.name,
                "Sektor": sectors.get(r.sector, r.sector),
                "Områder": _area_text(r.area_ids, names),
                "Motivation": vocabulary["motivation"].label(r.motivation),
                "Oplyst via": vocabulary["learned_via"].label(r.learned_via) if r.learned_via else "",
                "Kompetence i negativ social kontrol": "ja" if r.nsk_competence else "nej",
                "Verifikation": vocabulary["verification"].label(r.verification),
                "Version": e.version,
                "Registreret af": _who(e),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- files


def _exchange(engine: Any, kind: str, export: Any, import_file: Any) -> None:
    st.subheader(f"{kind}: hent og indlæs", anchor=False)
    tag = "i" if kind == INITIATIVES else "a"
    columns = st.columns(len(FILES))
    for column, (fmt, (label, suffix, mime)) in zip(columns, FILES.items(), strict=True):
        try:
            content = export(fmt)
        except RegisterError as exc:
            column.error(md(str(exc)))
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
