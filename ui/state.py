"""Every session-state key of the app, typed: the one module that touches ``st.session_state``.

A ``Key[T]`` names one entry and the type of its value; the panels read and write the session only through
keys (``SELECTED.get()``, ``TOP_N.set(5)``), and a widget gets ``key=KEY.name``. Keys built from ids
(a criterion's weight, an assessment form's field …) come from the functions below. The key strings are
part of the page's contract: tests address widgets by them and saved sessions hold them, so they do not
change. Keys of elements that hold no value the app reads (containers, forms, the fragment, a download
button) are declared here too, as ``Key[None]``: one place for every key.

tests/app/test_state_keys.py checks that no other module touches ``st.session_state`` or passes a
string as a ``key=``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast, overload

import streamlit as st

from selection.access import Actor, Role
from selection.ranking.scoring import ScoreResult
from selection.scenarios import Rule
from ui.values import Message, Opened

T = TypeVar("T")
D = TypeVar("D")


@dataclass(frozen=True)
class Key(Generic[T]):
    """One session-state entry holding a ``T``; ``name`` is the string Streamlit knows it by (a widget's ``key=``)."""

    name: str

    @overload
    def get(self) -> T | None: ...
    @overload
    def get(self, default: D) -> T | D: ...
    def get(self, default: object = None) -> object:
        """The value, or ``default`` while none is set."""
        return st.session_state.get(self.name, default)

    def value(self) -> T:
        """The value, which must be set (KeyError otherwise)."""
        return cast("T", st.session_state[self.name])

    def set(self, value: T) -> None:
        st.session_state[self.name] = value

    @overload
    def pop(self) -> T | None: ...
    @overload
    def pop(self, default: D) -> T | D: ...
    def pop(self, default: object = None) -> object:
        """Remove the value and return it (``default`` if none was set)."""
        return st.session_state.pop(self.name, default)

    def setdefault(self, value: T) -> T:
        """The value, set to ``value`` first if none is set."""
        return cast("T", st.session_state.setdefault(self.name, value))

    def is_set(self) -> bool:
        return self.name in st.session_state

    def keep(self) -> None:
        """Write a widget's value back to the session, so Streamlit keeps it while the widget is not drawn."""
        if self.name in st.session_state:
            st.session_state[self.name] = st.session_state[self.name]


def keep(keys: Iterable[Key[Any]]) -> None:
    """``Key.keep`` for each of ``keys``."""
    for key in keys:
        key.keep()


# --- the page: views, tabs, folds, places --------------------------------------------------------------

VIEW = Key[str]("view")  # the view switch (its first value: ui.ranked_view.RANKING_VIEW)
SECTION = Key[str]("section")  # the tabs below the map and ranking (ui.layout.SECTIONS); a map click opens the first
GUIDE_FOLD = Key[bool]("fold_guide")  # the short guide's lazy popover (ui.layout.guide)
PRINT_SETTINGS = Key[None]("print_settings")  # the weights and scenario shown only on paper (ui.layout.print_only)
RANKED_FRAGMENT = Key[None]("ranked_view")  # the ranking view's weight-dependent fragment (ui.ranked_view.render)
RANKING_TABLE = Key[None]("ranking")  # the container of the ranking table beside the map
A11Y_STATUS = Key[None]("a11y_status")  # the polite status line's container (ui.a11y)
IMPORT_MESSAGE = Key[str]("_import_message")  # an import's confirmation, shown once at the top of the page


def wide_table_key(name: str) -> Key[None]:
    """A table too wide for paper (ui.layout.wide_table)."""
    return Key(f"wide_{name}")


# --- the data in use (ui.data) -------------------------------------------------------------------------

SOURCE = Key[tuple[str, str, str]]("_data_source")  # (folder, file signature, store key) read by this page run
STORE_PROBLEM = Key[str]("_store_problem")  # why the assessment store cannot be used (Danish)
LAST_VALID_WEIGHTS = Key[tuple[dict[str, float], dict[str, float] | None]]("_last_valid_weights")

# --- the chosen area and the map -----------------------------------------------------------------------

SELECTED = Key[str]("selected_area")  # the area of the detail panel and the assessment forms
MAP = Key[dict[str, Any]]("rank_map")  # the ranking map (st_folium's last returned objects)
LAST_CLICK = Key[dict[str, Any]]("_last_map_click")

# --- the sidebar: weights, sub-weights, distance, base map ---------------------------------------------


def weight_key(criterion_id: str) -> Key[int]:
    """A main weight slider (the criterion's share in whole percent)."""
    return Key(f"w_{criterion_id}")


def sub_weight_key(indicator_id: str) -> Key[float]:
    """A sub-weight slider."""
    return Key(f"sw_{indicator_id}")


DISTANCE = Key[int]("distance_m")  # actor distance (m)
TILE_URL = Key[str]("tile_url")  # 'Egen kortserver' as typed
BASEMAP = Key[str]("basemap")  # the chosen background map
MAP_SETTINGS = (DISTANCE, TILE_URL, BASEMAP)  # the widgets in 'Aktører og kort'
TILE_URL_IN_USE = Key[str | None]("_tile_url_in_use")  # the last valid 'Egen kortserver' address
LAST_SHARES = Key[dict[str, int]]("_last_weight_shares")
# Per main weight slider, the earlier values the page may still report after the code moved the slider (the
# browser sends every slider's value with each key press, before the last run's new values have reached it).
PENDING_SHARES = Key[dict[str, tuple[int, ...]]]("_pending_weight_shares")
EXACT = Key[tuple[dict[str, int], dict[str, float]]]("_exact_weights")  # (slider values, exact weights)
FULL_RERUN = Key[bool]("_weights_reset")  # 'Nulstil' changed more than the weight fragment redraws
SUB_WEIGHTS_FOLD = Key[bool]("fold_sub_weights")
ACTORS_MAP_FOLD = Key[bool]("fold_actors_map")
WEIGHTS_EQUAL = Key[bool]("weights_equal")  # 'Lige vægte'
WEIGHTS_RESET = Key[bool]("weights_reset")  # 'Nulstil'

# --- who is acting (ui.access) -------------------------------------------------------------------------

ASSESSOR_NAME = Key[str]("assessor_name")  # the signed-in name, or the name typed in local mode
ASSESSOR_ROLE = Key[str]("assessor_role")  # 'Rolle / organisation' in the Vurderinger view
ACTOR = Key[Actor]("_access_actor")
ROLE = Key[Role | None]("_access_role")
ROLE_CACHE = Key[tuple[tuple[Any, ...], Role | None, float]]("_access_role_cache")  # (who, role, time read)
ADMIN_TOGGLE = Key[bool]("access_admin_open")  # 'Brugere og roller'
LOGIN = Key[bool]("access_login")
LOGOUT = Key[bool]("access_logout")
ROLE_FORM = Key[None]("access_assign")
ROLE_PRINCIPAL = Key[str]("access_principal")
ROLE_CHOICE = Key[str | None]("access_role_choice")
ROLE_REASON = Key[str]("access_reason")

# --- scenarios, exclusion rules and links (ui.scenarios) -----------------------------------------------

SCENARIO_RULES = Key[tuple[Rule, ...]]("scenario_rules")  # the exclusion rules on screen
OPENED = Key[Opened | None]("_opened_scenario")  # the scenario last opened or saved
LAST_LINK = Key[str]("_last_link")  # the query this session wrote or followed last
LINK_NOTICE = Key[str]("_link_notice")
SCENARIO_MESSAGE = Key[tuple[bool, str]]("_scenario_message")  # (ok, Danish text), shown once
SCENARIO_FOLD = Key[bool]("fold_scenarios")  # the sidebar part's expander
SCENARIO_PICK = Key[str | None]("scn_pick")
SCENARIO_ARCHIVED = Key[bool]("scn_archived")
SCENARIO_SAVE_FORM = Key[None]("scn_save")
SCENARIO_NAME = Key[str]("scn_name")
SCENARIO_RATIONALE = Key[str]("scn_rationale")
SCENARIO_REASON = Key[str]("scn_reason")
SCENARIO_NEW_NAME = Key[str]("scn_new_name")
SCENARIO_CHANGE = Key[bool]("scn_change")
SCENARIO_RENAME = Key[bool]("scn_rename")
SCENARIO_DUPLICATE = Key[bool]("scn_duplicate")
SCENARIO_ARCHIVE = Key[bool]("scn_archive")
RULE_KIND = Key[str]("rule_kind")
RULE_ALLOWED = Key[list[str]]("rule_allowed")
RULE_TARGET = Key[str | None]("rule_target")
RULE_VALUE = Key[str]("rule_value")  # the threshold as typed (read by the strict number parser)
RULE_ADD = Key[bool]("rule_add")
RULE_PROBLEM = Key[str]("_rule_problem")
LINK_POPOVER = Key[bool]("copy_link_popover")  # 'Kopiér link' (drawn only while open)
LAST_ELIGIBLE = Key[tuple[tuple[str, str, str], ScoreResult]]("_last_eligible_ranking")
# The scenario part's widgets whose values survive while it is closed (half-typed names and reasons, the rule).
SCENARIO_KEEP = (
    SCENARIO_ARCHIVED,
    SCENARIO_NAME,
    SCENARIO_RATIONALE,
    SCENARIO_REASON,
    SCENARIO_NEW_NAME,
    RULE_KIND,
    RULE_ALLOWED,
    RULE_TARGET,
    RULE_VALUE,
)


def rule_remove_key(position: int) -> Key[bool]:
    """The 'Fjern regel' button of the rule at ``position``."""
    return Key(f"rule_remove_{position}")


# --- the Robusthed view (ui.robustness_panel) ----------------------------------------------------------

SMAA_ORDER = Key[tuple[str, ...] | None]("smaa_order")
SMAA_MARGIN = Key[int]("smaa_margin")
SMAA_NOISE = Key[bool]("smaa_noise")
SMAA_N = Key[int]("smaa_n")
SMAA_SEED = Key[int]("smaa_seed")
SMAA_SOURCE = Key[int]("smaa_source")  # weights to try: 0 random, else a weighting round's number
# carried while another view shows
ROBUSTNESS_SETTINGS = (SMAA_ORDER, SMAA_MARGIN, SMAA_NOISE, SMAA_N, SMAA_SEED, SMAA_SOURCE)
ASSESSMENT_TARGET = Key[tuple[str, str]]("assessment_target")  # (area_id, indicator_id) to assess next
CRITICAL_TABLE = Key[None]("critical_table")
CRITICAL_PICK = Key[int]("critical_pick")
CRITICAL_OPEN = Key[bool]("critical_open")
DOWNLOAD_PRIORITIES = Key[None]("download_priorities")

# --- the shortlist (ui.shortlist) ----------------------------------------------------------------------

TOP_N = Key[int]("top_n")
CSV_STYLE = Key[str]("csv_style")
WITH_ROBUSTNESS = Key[bool]("csv_robustness")
DOWNLOAD_SHORTLIST = Key[None]("download_shortlist")
DOWNLOAD_SHORTLIST_XLSX = Key[None]("download_shortlist_xlsx")
DOWNLOAD_PRIORITIES_SHORTLIST = Key[None]("download_priorities_shortlist")

# --- 'Sammenlign scenarier' (ui.compare) ---------------------------------------------------------------

COMPARE_FOLD = Key[bool]("fold_compare")  # the page's lazy expander around it
COMPARE_PICK = Key[list[str]]("compare_pick")
COMPARE_MAP_PICK = Key[str]("compare_map_pick")
COMPARE_MAP = Key[None]("compare_map")

# --- the Beslutning view and the reports (ui.decision_panel) -------------------------------------------

DECISION_FORM = Key[None]("decision_form")
DECISION_SAVED = Key[str]("_decision_saved")  # 'Beslutning nr. N er gemt.', shown once
DECISION_TOKEN = Key[str]("_decision_token")  # the form's one-time token: one submission, one decision
REPORT_ARGS = Key[dict[str, Any]]("_report_args")  # settings of the ranking on screen, for the report buttons
DECISION_DATE = Key[dt.date]("dec_date")
DECISION_AREA = Key[str]("dec_area")
DECISION_PEOPLE = Key[str]("dec_people")
DECISION_SCENARIO = Key[str]("dec_scenario")
DECISION_REASONS = Key[str]("dec_reasons")
DECISION_DISSENT = Key[str]("dec_dissent")
DECISION_CONDITIONS = Key[str]("dec_conditions")
DECISION_BY = Key[str]("dec_by")
DECISION_CORRECTS = Key[int | None]("dec_corrects")
DECISION_ROUND = Key[int | None]("dec_round")  # the weighting round the decision builds on (None: none)
REPORT_ROUND = Key[int | None]("report_round")  # the weighting round the report downloads include (None: none)
DOWNLOAD_REPORT_PDF = Key[None]("download_report_pdf")
DOWNLOAD_REPORT_HTML = Key[None]("download_report_html")


def decision_pdf_key(decision_id: int) -> Key[None]:
    return Key(f"decision_pdf_{decision_id}")


def decision_html_key(decision_id: int) -> Key[None]:
    return Key(f"decision_html_{decision_id}")


# --- Indlæs data (ui.import_panel) ---------------------------------------------------------------------

IMPORT_ERROR = Key[str]("_import_error")  # why the last import, reset or restore failed, shown once
UPLOAD_GENERATION = Key[int]("_upload_generation")  # a new number gives a fresh, empty uploader
IMPORT_RESET = Key[bool]("import_reset")
IMPORT_RESTORE = Key[bool]("import_restore")
IMPORT_REPLACE_AREAS = Key[bool]("import_replace_areas")
IMPORT_APPLY = Key[bool]("import_apply")
IMPORT_MAP = Key[None]("import_map")
IMPORT_PREVIEW = Key[None]("import_preview")


def import_files_key(generation: int) -> Key[None]:
    return Key(f"import_files_{generation}")


def import_kind_key(number: int, name: str) -> Key[str]:
    """The 'Type' choice of the ``number``-th uploaded file (position and name: two files may share a name)."""
    return Key(f"kind_{number}_{name}")


def import_layer_key(number: int, name: str) -> Key[str]:
    return Key(f"layer_{number}_{name}")


def import_crs_key(number: int, name: str) -> Key[str]:
    return Key(f"crs_{number}_{name}")


# --- Vurderinger (ui.assessments_panel, ui.assessment_sheet) -------------------------------------------

OPENED_VERSIONS = Key[dict[tuple[str, str], int]]("_assessment_opened_versions")  # the version each form stands on
# The Vurderinger view's area picker: a mirror of SELECTED (the one area being assessed), set from it on every run.
ASSESSMENT_AREA = Key[str]("assessment_area")
# Unsaved typed text per (area_id, indicator_id): field -> value; kept while another area or view is shown.
ASSESSMENT_DRAFTS = Key[dict[tuple[str, str], dict[str, Any]]]("_assessment_drafts")
ASSESSMENT_MESSAGES = Key[list[Message]]("_assessment_messages")
SHEET_GENERATION = Key[int]("_sheet_upload_generation")  # a new number gives a fresh, empty uploader
SHEET_DOWNLOAD_CSV = Key[None]("sheet_download_csv")
SHEET_DOWNLOAD_XLSX = Key[None]("sheet_download_xlsx")
SHEET_SAVE = Key[bool]("sheet_save")


def form_key(field: str, area_id: str, indicator_id: str) -> Key[Any]:
    """A field of one area x indicator's assessment form ('value', 'date', 'reason', 'evidence', 'save',
    'withdraw_reason', 'withdraw')."""
    return Key(f"assess_{field}_{area_id}_{indicator_id}")


def assessment_box_key(indicator_id: str) -> Key[None]:
    """The bordered container around one indicator's form."""
    return Key(f"assess_{indicator_id}")


def sheet_upload_key(generation: int) -> Key[None]:
    return Key(f"sheet_upload_{generation}")


# --- Vægtningsrunder: the participant's page (ui.round_answer) -------------------------------------------

ROUND_ANSWER_FRAGMENT = Key[None]("round_answer")  # the weighting and the own top 3: a slider reruns only this
ROUND_METHOD = Key[str]("round_method")  # 'Andele (%)' or 'Swing-vægtning'
ROUND_REASON = Key[str]("round_reason")
ROUND_SUBMIT = Key[bool]("round_submit")
ROUND_FILL = Key[bool]("round_fill")  # 'Justér til 100 %'
ROUND_FILLED_FROM = Key[tuple[int, int, int]]("_round_filled_from")  # (round, participant, answer id) in the form
ROUND_MESSAGE = Key[tuple[bool, str]]("_round_message")  # (ok, Danish text) after a save, shown once
ROUND_MORE_FOLD = Key[bool]("fold_round_more")  # 'Se hele din rangering og kortet'
ROUND_MAP = Key[dict[str, Any]]("round_map")
ROUND_SEAT = Key[int]("round_seat")  # a signed-in participant's choice among the rounds they are invited to


def round_share_key(criterion_id: str) -> Key[int]:
    """A criterion's share (per cent) in the participant's form."""
    return Key(f"round_share_{criterion_id}")


def round_swing_place_key(place: int) -> Key[str]:
    """The criterion at ``place`` (1 = the swing that matters most) in swing weighting."""
    return Key(f"round_swing_place_{place}")


def round_swing_rating_key(criterion_id: str) -> Key[int]:
    """A criterion's swing rating (0–100 against the most important swing)."""
    return Key(f"round_swing_rating_{criterion_id}")


def round_sub_key(indicator_id: str) -> Key[int]:
    """A sub-indicator's weight in the participant's form (rounds that let participants weigh them)."""
    return Key(f"round_sub_{indicator_id}")


# --- Vægtningsrunder: the facilitator's screen (ui.round_meeting) and the planner's view (ui.rounds_panel) --

MEETING = Key[None]("meeting")  # the meeting screen's container (its CSS makes the text large)
MEETING_COUNT = Key[None]("meeting_count")  # '5 af 7 har svaret', large
MEETING_SENTENCE = Key[None]("meeting_sentence")  # the group result in one sentence, large
MEETING_SEEN = Key[tuple[int, int, str]]("_meeting_seen")  # (round, newest answer id, state) drawn last
MEETING_METHOD = Key[str]("meeting_method")  # the group's weights: 'Gennemsnit' or 'Median'
MEETING_REVEAL = Key[bool]("meeting_reveal")
MEETING_CLOSE = Key[bool]("meeting_close")
MEETING_CLOSE_SURE = Key[bool]("meeting_close_sure")
MEETING_MAP = Key[dict[str, Any]]("meeting_map")
ROUNDS_PICK = Key[int | None]("rounds_pick")
ROUND_NEW_FORM = Key[None]("round_new")
ROUND_NEW_NAME = Key[str]("round_new_name")
ROUND_NEW_BASIS = Key[str]("round_new_basis")
ROUND_NEW_ANONYMOUS = Key[bool]("round_new_anonymous")
ROUND_NEW_SUBS = Key[bool]("round_new_subs")
ROUND_INVITE_FORM = Key[None]("round_invite")
ROUND_INVITE_NAME = Key[str]("round_invite_name")
ROUND_INVITE_EMAIL = Key[str]("round_invite_email")
ROUND_LINKS = Key[list[tuple[str, str]]]("_round_links")  # (participant, link) made just now: shown once
ROUNDS_MESSAGE = Key[tuple[bool, str]]("_rounds_message")  # (ok, Danish text), shown once
ROUND_INVITE_MESSAGE = Key[tuple[bool, str]]("_round_invite_message")  # beside the invitation form, shown once
ROUND_DOWNLOAD_CSV = Key[None]("round_download_csv")
ROUND_DOWNLOAD_XLSX = Key[None]("round_download_xlsx")
ROUND_NEW_CODE_FOR = Key[int]("round_new_code_for")  # the participant who gets a new link
ROUND_NEW_CODE = Key[bool]("round_new_code")
# a refused round form's typed values, put back into the emptied form on the next run (widget key -> value)
ROUND_FORM_RETRY = Key[dict["Key[Any]", Any]]("_round_form_retry")


# --- Registre: the registers of initiatives and actors (ui.registers_panel) ---------------------------------

REGISTER_KIND = Key[str]("register_kind")  # 'Indsatser' or 'Aktører'
REGISTER_AREA = Key[str]("register_area")  # the area the table is filtered to ('' : every area)
REGISTER_PICK_INITIATIVE = Key[str | None]("register_pick_initiative")  # the initiative whose history is shown
REGISTER_PICK_ACTOR = Key[str | None]("register_pick_actor")
REGISTER_PICK_NEXT = Key[str]("_register_pick_next")  # the record just saved: picked on the next run
REGISTER_OPENED = Key[dict[str, int]]("_register_opened")  # record id -> the version its change form was opened at
REGISTER_MESSAGE = Key[tuple[bool, str]]("_register_message")  # (ok, Danish text) after a save, shown once


def register_key(form: str, field: str) -> Key[Any]:
    """A field, button or form of the registers view: ``form`` names the form (e.g. 'new_i', 'edit_i-000001_2')."""
    return Key(f"reg_{form}_{field}")
