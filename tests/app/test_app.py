"""Page flow with Streamlit's AppTest (no browser): sliders, table, map arguments, details."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from selection.data.dataset import load_dataset
from selection.output.map_layers import score_colour
from selection.ranking.evaluate import evaluate
from tests.support.factory import make_package
from tests.support.folds import DETAILS, SHORTLIST, open_folds, open_section
from tests.support.fragments import run_fragment
from tests.support.markup import shown
from ui.ranked_view import RANKING_VIEW
from ui.state import RANKED_FRAGMENT

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = make_package(tmp_path / "pkg")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    return folder


def run_app() -> AppTest:
    at = open_folds(AppTest.from_file(APP, default_timeout=60)).run()  # every folded part drawn, as if opened
    assert not at.exception, at.exception
    return at


def ranking(at: AppTest) -> list[str]:
    table = next(df.value for df in at.dataframe if "Rang" in df.value.columns)
    return list(table["Område"])


def map_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def set_weights(at: AppTest, **weights: int) -> AppTest:
    """Move weight sliders as a browser would: in the ranking view the sliders belong to the ranked
    fragment, so only it reruns (AppTest's tree then holds only what it drew); elsewhere the page."""
    for cid, value in weights.items():
        at.slider(key=f"w_{cid}").set_value(value)
    if at.session_state["view"] == RANKING_VIEW:
        run_fragment(at, RANKED_FRAGMENT.name)
    else:
        at.run()
    assert not at.exception, at.exception
    return at


def test_page_shows_ranking_status_and_map(package: Path) -> None:
    at = run_app()
    assert "negativ social kontrol" in at.title[0].value
    status = at.warning[0].value
    assert "3 områder" in status
    assert "illustrative" in status
    assert ranking(at) == ["Alfa", "Bravo", "Charlie"]
    args = map_args(at)
    assert all(link.startswith("/app/static/") for link in args["js_links"] + args["css_links"])
    assert args["js_links"], "Leaflet must be loaded from the local copy"


def test_sliders_reorder_table_and_recolour_map_without_new_key(package: Path) -> None:
    at = run_app()
    before = map_args(at)
    set_weights(at, trust=0, actors=0, need=100)
    dataset = load_dataset(package)
    _, expected = evaluate(dataset, {"trust": 0, "actors": 0, "need": 100})
    assert ranking(at) == list(expected.table["name"])
    assert ranking(at) != ["Alfa", "Bravo", "Charlie"]
    after = map_args(at)
    assert after["key"] == before["key"], "the map must not remount when weights change"
    assert after["feature_group"] != before["feature_group"]
    for total in expected.table["total"]:
        assert score_colour(total) in after["feature_group"]


def shares(at: AppTest) -> list[int]:
    return [at.slider(key=f"w_{c}").value for c in ("trust", "actors", "need")]


def test_equal_and_reset_buttons(package: Path) -> None:
    at = run_app()
    assert shares(at) == [34, 33, 33], "default shares add up to 100"
    assert at.button(key="weights_equal").disabled, "'Lige vægte' cannot look like it does something on equal weights"
    set_weights(at, trust=10, actors=90, need=0)
    assert not at.button(key="weights_equal").disabled
    at.button(key="weights_equal").click().run()
    assert shares(at) == [34, 33, 33]
    assert at.button(key="weights_equal").disabled
    set_weights(at, trust=5)
    assert shares(at) == [5, 48, 47], "the others keep their proportions and the shares add up to 100"
    at.button(key="weights_reset").click().run()
    assert shares(at) == [34, 33, 33]


def test_moving_one_share_rebalances_the_others(package: Path) -> None:
    at = run_app()
    set_weights(at, trust=0, actors=0, need=100)
    set_weights(at, need=0)  # the others were 0: they share the rest equally
    assert shares(at) == [50, 50, 0]
    assert not at.error
    _, expected = evaluate(load_dataset(package), {"trust": 50, "actors": 50, "need": 0})
    assert ranking(at) == list(expected.table["name"])
    set_weights(at, trust=80)
    assert shares(at) == [80, 20, 0]


def test_selected_area_opens_its_details(package: Path) -> None:
    at = run_app()
    at.session_state["selected_area"] = "c"
    at.run()
    assert any(shown(h.value) == "Charlie" for h in at.subheader)
    indicator_table = next(df.value for df in at.dataframe if "Indikator" in df.value.columns)
    assert {"Kildebelagt", "Illustrativ"} & set(indicator_table["Type"])


def test_shortlist_download_present(package: Path) -> None:
    at = run_app()
    assert not at.get("download_button"), "the shortlist's tab is not the one shown first"
    at = open_section(at, SHORTLIST).run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Download kortliste (CSV)",
        "Download kortliste (Excel, XLSX)",
        "Download vurderingsprioriteter (CSV)",
        "Hent rapport (PDF)",
        "Hent rapport (HTML)",
    ]


def test_on_screen_shortlist_is_the_file_content_with_names(package: Path) -> None:
    from selection.output.shortlist import shortlist_columns

    at = open_section(run_app(), SHORTLIST).run()
    dataset = load_dataset(package)
    shown = next(df.value for df in at.dataframe if "Listestatus" in df.value.columns)
    assert list(shown.columns) == shortlist_columns(dataset)
    assert list(shown["Område"]) == ["Alfa", "Bravo", "Charlie"]
    assert any(w.value.startswith("FORBEHOLD") for w in at.warning), "the caveat is shown above the table"
    at.checkbox(key="csv_robustness").check().run()
    shown = next(df.value for df in at.dataframe if "Listestatus" in df.value.columns)
    assert any(c.startswith("Andel som nr. 1 (%) når kun vægtene varieres") for c in shown.columns)
    assert any(c.startswith("Samme rang så længe") for c in shown.columns)


def test_bad_data_package_shows_danish_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = make_package(tmp_path / "pkg")
    (folder / "values.csv").write_text("area_id,indicator_id,value,kind\na,t1,9,sourced\n", encoding="utf-8")
    monkeypatch.setenv("SELECTION_DATA", str(folder))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "uden for skalaen" in shown(at.error[0].value)
    assert "values.csv" in shown(at.error[0].value)


def test_robustness_view_summarises_the_shortlist(package: Path) -> None:
    at = run_app()
    at.segmented_control(key="view").set_value("Robusthed").run()
    assert not at.exception, at.exception
    sentences = [m.value.replace("\\", "") for m in at.markdown if "vægtninger" in m.value]
    headline = next(s for s in sentences if s.startswith("- Alfa er nr. 1"))
    assert "når kun vægtene varieres" in headline, headline
    assert "når også de vurderede og illustrative værdier varierer ± ét skalatrin" in headline, headline
    assert not at.get("component_instance"), "the map is not drawn in the robustness view"
    assert at.checkbox(key="smaa_noise").value, "value uncertainty is on by default while values are uncertain"
    assert any("vurderede og illustrative værdier" in c.value for c in at.caption)
    at.checkbox(key="smaa_noise").uncheck().run()
    assert not at.exception
    assert any("når kun vægtene varieres" in c.value for c in at.caption)


def test_weight_change_reruns_only_the_weight_dependent_part(package: Path) -> None:
    at = run_app()
    assert any("Indikator" in df.value.columns for df in at.dataframe)
    set_weights(at, trust=0, actors=0, need=100)
    _, expected = evaluate(load_dataset(package), {"trust": 0, "actors": 0, "need": 100})
    # AppTest's tree holds only what the last run drew: the ranked fragment, not the detail tables.
    assert not any("Indikator" in df.value.columns for df in at.dataframe), "details must not be rebuilt"
    assert ranking(at) == list(expected.table["name"])
    first = expected.table.set_index("area_id").loc["a"]
    assert any(m.value.startswith(f"**Rang:** nr. {int(first['rank'])} af 3") for m in at.markdown)
    assert sum(shares(at)) == 100
    assert "3 områder" in at.warning[0].value


def test_weight_move_sends_the_map_before_working_out_the_data_status(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map is the first thing a weight move updates; the data-status counts (a new set of weighted
    indicators costs about 10 ms) are worked out after it, and the notice still follows the weights."""
    import ui.data
    import ui.map_panel

    at = run_app()
    before = at.warning[0].value
    calls: list[str] = []
    draw_map, count = ui.map_panel.st_folium, ui.data.status
    monkeypatch.setattr(ui.map_panel, "st_folium", lambda *a, **k: calls.append("map") or draw_map(*a, **k))
    monkeypatch.setattr(ui.data, "status", lambda *a, **k: calls.append("status") or count(*a, **k))
    set_weights(at, trust=0, actors=0, need=100)
    assert calls == ["map", "status"]
    # Only the need criterion carries weight now: the notice counts its values, not all of them.
    assert at.warning[0].value != before


def test_weight_change_in_robustness_view_updates_the_view(package: Path) -> None:
    at = run_app()
    at.segmented_control(key="view").set_value("Robusthed").run()

    def summary() -> list[str]:  # one sentence per shortlisted area, in rank order
        return [m.value.replace("\\", "") for m in at.markdown if "af de afprøvede vægtninger" in m.value]

    assert summary()[0].startswith("- Alfa er nr. 1")
    set_weights(at, trust=0, actors=0, need=100)
    _, expected = evaluate(load_dataset(package), {"trust": 0, "actors": 0, "need": 100})
    top = expected.table["name"].iloc[0]
    assert top != "Alfa"
    assert summary()[0].startswith(f"- {top} er nr. 1"), summary()


def test_import_view_replaces_the_area_set_then_resets_and_restores(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.factory import area_features

    monkeypatch.setenv("SELECTION_IMPORT_DIR", str(tmp_path / "store"))
    official = area_features()
    official["features"] = [f for f in official["features"] if f["properties"]["area_id"] != "b"]
    at = run_app()
    at.segmented_control(key="view").set_value("Indlæs data").run()
    at.get("file_uploader")[0].set_value([("officiel.geojson", json.dumps(official).encode(), "application/json")])
    at.run()
    assert not at.exception, at.exception
    assert any("Områder fjernet: 0" in shown(m.value) for m in at.markdown), "by default areas are kept"
    at.checkbox(key="import_replace_areas").check().run()
    assert any("Områder fjernet: 1 (b)" in shown(m.value) for m in at.markdown)
    at.button(key="import_apply").click().run()
    assert any("Importen er anvendt" in s.value for s in at.success)
    assert ranking(at.segmented_control(key="view").set_value("Rangering og kort").run()) == ["Alfa", "Charlie"]

    at.segmented_control(key="view").set_value("Indlæs data").run()
    at.button(key="import_reset").click().run()
    assert "kan gendannes" in at.success[0].value
    assert at.button(key="import_restore"), "the import set aside can be brought back"
    at.button(key="import_restore").click().run()
    assert any("bruges igen" in s.value for s in at.success)
    assert ranking(at.segmented_control(key="view").set_value("Rangering og kort").run()) == ["Alfa", "Charlie"]


def test_background_maps_say_what_leaves_the_machine(package: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAFORSYNINGEN_TOKEN", raising=False)
    at = run_app()
    radio = at.radio(key="basemap")
    assert radio.value == "none"
    assert "intet forlader maskinen" in radio.options[0]
    assert not any("Skærmkort" in o for o in radio.options)
    assert any("DATAFORSYNINGEN_TOKEN" in c.value for c in at.caption), "absent token: option hidden with a note"
    assert all("sender forespørgsler ud af maskinen" in o for o in radio.options[1:])
    at.text_input(key="tile_url").set_value("https://kort.example.dk/{{7*7}}/{z}/{x}/{y}").run()
    assert any("Egen kortserver kan ikke bruges" in e.value for e in at.error)
    assert at.radio(key="basemap").value == "none"
    at.text_input(key="tile_url").set_value("https://kort.example.dk/{z}/{x}/{y}.png").run()
    assert any("Egen kortserver" in o for o in at.radio(key="basemap").options)
    at.radio(key="basemap").set_value("custom").run()
    assert "kort.example.dk/{z}/{x}/{y}.png" in json.dumps(map_args(at))
    # A typo in the address in use is refused and leaves the map and the choice as they were.
    at.text_input(key="tile_url").set_value("https://kort.example.dk/{z}/{x}/{y}.png'><b>").run()
    assert any("bruger fortsat den forrige adresse" in e.value for e in at.error)
    assert at.radio(key="basemap").value == "custom"
    assert "kort.example.dk/{z}/{x}/{y}.png" in json.dumps(map_args(at))
    assert "<b>" not in json.dumps(map_args(at))
    at.text_input(key="tile_url").set_value("").run()  # emptying the field removes the choice
    assert at.radio(key="basemap").value == "none"
    assert not any("Egen kortserver" in o for o in at.radio(key="basemap").options)

    monkeypatch.setenv("DATAFORSYNINGEN_TOKEN", "abcdef123456")
    at = run_app()
    assert any("Skærmkort fra Dataforsyningen" in o for o in at.radio(key="basemap").options)
    at.radio(key="basemap").set_value("skaermkort").run()
    assert "topo_skaermkort_DAF" in json.dumps(map_args(at))


def test_the_robustness_view_keeps_its_analysis_until_a_setting_changes(
    package: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SMAA runs once per ranking and setting: another rerun of the view (a button, coming back) reuses it."""
    from ui import robustness_panel

    calls: list[int] = []
    real = robustness_panel.analyse
    monkeypatch.setattr(robustness_panel, "analyse", lambda *a, **k: calls.append(1) or real(*a, **k))
    at = run_app()
    at.segmented_control(key="view").set_value("Robusthed").run()  # analysed now or by an earlier test
    before = len(calls)
    at.run()
    at.segmented_control(key="view").set_value(RANKING_VIEW).run()
    at.segmented_control(key="view").set_value("Robusthed").run()
    assert len(calls) == before, "the same ranking and settings are not analysed again"
    assert not at.exception
    at.number_input(key="smaa_seed").set_value(424242).run()  # a draw no other test used
    assert len(calls) > before, "a new seed is analysed"
    assert not at.exception
    # The analysis settings stay while another view is shown (Streamlit forgets widgets it did not draw).
    order = at.selectbox(key="smaa_order").options[1]
    at.selectbox(key="smaa_order").select_index(1).run()
    at.slider(key="smaa_margin").set_value(20).run()
    after = len(calls)
    at.segmented_control(key="view").set_value(RANKING_VIEW).run()
    at.segmented_control(key="view").set_value("Robusthed").run()
    assert at.number_input(key="smaa_seed").value == 424242
    assert at.selectbox(key="smaa_order").value is not None
    assert at.selectbox(key="smaa_order").format_func(at.selectbox(key="smaa_order").value) == order
    assert at.slider(key="smaa_margin").value == 20
    assert len(calls) == after, "and the analysis made with them is the one shown again"
    assert not at.exception
    assert not [w.value for w in at.warning if "Session State" in w.value]  # no default-value clash


def test_robustness_view_shows_which_values_decide(package: Path) -> None:
    from selection.analysis.critical.priorities import priority_list
    from selection.analysis.critical.values import critical_values

    at = open_section(run_app(), SHORTLIST).run()
    at.number_input(key="top_n").set_value(2).run()
    at.segmented_control(key="view").set_value("Robusthed").run()
    assert not at.exception, at.exception
    assert any(m.value == "### Hvilke værdier afgør valget?" for m in at.markdown)
    dataset = load_dataset(package)
    perf, result = evaluate(dataset)
    plist = priority_list(
        critical_values(perf.matrix, dataset.model, result, perf.provenance, 2),
        dataset.model,
        dataset.areas["name"].to_dict(),
        2,
    )
    assert len(plist), "the test package has placeholders that can change the top 2"
    table = next(df.value for df in at.dataframe if "Kritisk værdi" in df.value.columns)
    assert list(table["Område"]) == list(plist["area"])
    sentences = [m.value.replace("\\", "") for m in at.markdown if m.value.replace("\\", "").startswith("- Hvis '")]
    assert sentences[0] == f"- {plist['sentence'].iloc[0]}"
    assert any(m.value.startswith("**Mindste samlede ændring") for m in at.markdown)
    # The control per row opens the chosen value's area in the detail panel of the ranking view.
    last = len(plist) - 1
    at.selectbox(key="critical_pick").set_value(last).run()
    at.button(key="critical_open").click().run()
    assert not at.exception, at.exception
    assert at.session_state["view"] == "Rangering og kort"
    assert at.session_state["section"] == DETAILS, "the details tab opens, although the shortlist's was chosen"
    assert at.session_state["selected_area"] == plist["area_id"].iloc[last]
    assert any(h.value == plist["area"].iloc[last] for h in at.subheader)
    critical = next(m.value for m in at.markdown if m.value.startswith("**Kritiske værdier**"))
    assert f"- **{plist['indicator'].iloc[last]}**" in critical.replace("\\", "")
    assert plist["condition"].iloc[last] in critical.replace("\\", "")
