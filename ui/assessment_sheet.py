"""Vurderingsark: download the assessment sheet, fill it in offline, upload it; all rows are saved or none."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from selection.access import ASSESS_ON_BEHALF, AccessDenied
from selection.assessments import AssessmentError, aggregate, record_assessments, value_versions
from selection.assessments.sheet import assessment_sheet, read_assessment_sheet
from selection.assessments.wording import number_text
from selection.data.dataset import Dataset
from selection.storage.database import StoreError
from selection.text.formatting import count
from ui import access, assessment_messages, data, state
from ui.text import md

UPLOAD_TYPES = ["csv", "xlsx"]
MAX_SHOWN_PROBLEMS = 50
SHEET_PLACE = "sheet"  # where this tab's messages are shown
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(package: Dataset, latest: pd.DataFrame, writer: bool = True) -> None:
    """Downloads (Danish Excel CSV, XLSX) and, for a role that may assess (``writer``), the upload with its
    check, preview and save."""
    st.caption(
        "Hent arket med alle områder og vurderingsindikatorer (skala, skalaens betydning, nuværende værdi og "
        "spænd), udfyld 'Ny værdi' og 'Begrundelse' for de værdier, du vil vurdere, og indlæs det her. Hver "
        "udfyldt række bliver en vurdering med filen som dokumentation. Er blot én række ugyldig, gemmes intet."
    )

    for message in assessment_messages.pop(SHEET_PLACE):
        (st.success if message.ok else st.error)(md(message.text))

    def sheet(fmt: str) -> bytes:  # built on click: the version column is read from the store then
        return assessment_sheet(package, aggregate(latest), fmt, value_versions(data.engine()))

    left, right = st.columns(2)
    left.download_button(
        "Hent vurderingsark (dansk Excel-CSV)",
        data=lambda: sheet("excel-da"),
        file_name="vurderingsark.csv",
        mime="text/csv",
        key=state.SHEET_DOWNLOAD_CSV.name,
        on_click="ignore",
    )  # no rerun: the other download keeps its file
    right.download_button(
        "Hent vurderingsark (XLSX)",
        data=lambda: sheet("xlsx"),
        file_name="vurderingsark.xlsx",
        mime=XLSX_MIME,
        key=state.SHEET_DOWNLOAD_XLSX.name,
        on_click="ignore",
    )
    if not writer:
        st.caption("Din rolle giver ikke adgang til at indlæse et udfyldt ark.")
        return
    generation = state.SHEET_GENERATION.setdefault(0)
    upload = st.file_uploader(
        "Indlæs et udfyldt vurderingsark",
        type=UPLOAD_TYPES,
        key=state.sheet_upload_key(generation).name,
        help="Rækker uden vurderers navn får navnet og rollen, du har skrevet øverst. En række, der nævner en "
        "anden vurderer, gemmes som registreret af dig på vegne af vedkommende; den erstatter ikke nogens egen "
        "vurdering.",
    )
    if upload is None:
        return
    name = str(state.ASSESSOR_NAME.get(""))
    role = str(state.ASSESSOR_ROLE.get(""))
    news, report = read_assessment_sheet(
        upload.getvalue(), upload.name, package.model, package, name, role, recorder=name
    )
    for warning in report.warnings:
        st.caption(md(f"Advarsel: {warning}"))
    if report.errors:
        problems(report.errors)
        return
    labels = {i.id: i.label for i in package.model.indicators}
    names = package.areas["name"].to_dict()
    st.info(
        f"{len(news)} vurdering{'er' if len(news) != 1 else ''} klar til at blive gemt "
        f"({report.skipped} tomme rækker springes over). Kontrollér dem, og tryk Gem."
    )
    others = sorted({n.assessor_name for n in news if n.on_behalf})
    if others:
        behalf = f"{count(sum(n.on_behalf for n in news), 'række', 'rækker')} nævner en anden vurderer end dig"
        if not access.can(ASSESS_ON_BEHALF):
            st.error(
                md(
                    f"{behalf} ({', '.join(others)}). Din rolle må ikke registrere vurderinger på vegne af andre: "
                    "udfyld kun dine egne vurderinger, eller lad vurdererne indlæse deres ark selv. Intet er gemt."
                )
            )
            return
        st.warning(
            md(
                f"{behalf}: de gemmes som registreret af {name or 'dig'} på vegne af {', '.join(others)}. "
                "Begge navne står i historikken, og de erstatter ikke nogens egen vurdering."
            )
        )
    st.dataframe(
        pd.DataFrame(
            {
                "Række": report.rows,
                "Område": [names[n.area_id] for n in news],
                "Indikator": [labels[n.indicator_id] for n in news],
                "Værdi": [number_text(n.value) for n in news],
                "Vurderer": [n.assessor_name for n in news],
                "Registreret af": [name if n.on_behalf else "" for n in news],
                "Begrundelse": [n.reason for n in news],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if st.button(
        f"Gem {len(news)} vurdering{'er' if len(news) != 1 else ''} fra arket",
        type="primary",
        key=state.SHEET_SAVE.name,
    ):
        try:
            saved = record_assessments(
                data.engine(),
                news,
                package.model,
                package.area_ids,
                report.versions,
                [f"{upload.name} · række {n}" for n in report.rows],
                actor=access.current_actor(),
            )
        except (AssessmentError, StoreError, AccessDenied) as exc:
            assessment_messages.push(False, f"{exc} Intet fra arket er gemt.", SHEET_PLACE)
        else:
            assessment_messages.push(
                True, f"{count(len(saved), 'vurdering', 'vurderinger')} fra {upload.name} er gemt.", SHEET_PLACE
            )
            state.SHEET_GENERATION.set(generation + 1)  # a fresh, empty uploader
        st.rerun()


def problems(errors: list) -> None:
    """The sheet's problems, each naming its row, escaped; nothing was saved."""
    shown = [f"- {md(p)}" for p in errors[:MAX_SHOWN_PROBLEMS]]
    more = len(errors) - len(shown)
    st.error(
        "Arket kan ikke indlæses, og intet er gemt. Ret rækkerne og indlæs arket igen:\n\n"
        + "\n".join(shown)
        + (f"\n\n… og {more} problemer mere." if more > 0 else "")
    )
