"""``python -m selection rank`` (the CSV or XLSX shortlist of the app) and ``critical`` (the values to assess first).

Both score the data in use at --weights, or at a scenario's settings (``rank --scenario/--exclude``).
Without --out and --format, a terminal gets a readable table (``terminal.table_text``); a pipe or a file gets
the CSV, byte for byte as ``--out`` would hold it. Errors are Danish exceptions for ``selection.cli.main.main``
(exit 2).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from selection.analysis.robustness.report import DEFAULT_SEED, robustness_extras, uncertain_indicators
from selection.cli import arguments
from selection.cli.files import OutputFormats, check_out, emit, warn
from selection.cli.terminal import table_text
from selection.errors import UsageError
from selection.limits import MAX_SMAA_SAMPLES
from selection.output.shortlist import (
    STYLES,
    about_sheet,
    caveat,
    priority_csv,
    priority_export_table,
    shortlist_csv,
    shortlist_table,
    table_to_xlsx,
)
from selection.ranking.evaluate import evaluate
from selection.scenarios import resolve
from selection.scenarios.query import WORD_RULES, parse_rule_text
from selection.scenarios.settings import ScenarioError, ScenarioSettings, parse_settings
from selection.text.formatting import MISSING, count, number
from selection.workspace import open_workspace

if TYPE_CHECKING:
    import pandas as pd

    from selection.data.dataset import Dataset
    from selection.data.performance import Performance
    from selection.ranking.scoring import ScoreResult

OUTPUT_FORMATS: OutputFormats = {
    ("rank", None): ([*STYLES, "xlsx"], "excel-da"),
    ("critical", None): ([*STYLES], "excel-da"),
}


def exclude_arg(text: str) -> str:
    """argparse type of ``--exclude``: a rule written as in links (checked against the data later)."""
    word = text.partition(":")[0]
    if word not in WORD_RULES or ":" not in text or len(text) > 500:
        raise argparse.ArgumentTypeError(
            f"'{text[:40]}' er ikke en regel; skriv fx listestatus:verified+inferred, minscore:need:40, "
            "minvaerdi:INDIKATOR:3, maxvaerdi:INDIKATOR:3 eller aktoer:SEKTOR:500."
        )
    return text


def add_parser(sub: argparse._SubParsersAction, command: str) -> None:
    """Add ``rank`` or ``critical`` to the command line."""
    if command == "rank":
        _add_rank(sub)
    else:
        _add_critical(sub)


def _add_rank(sub: argparse._SubParsersAction) -> None:
    rank = sub.add_parser("rank", help="Rangér områderne og skriv kortlisten som CSV.")
    rank.add_argument(
        "--data", type=arguments.folder, default=None, help="datamappe (standard: $SELECTION_DATA eller data/areas)"
    )
    rank.add_argument("--weights", default="", help=arguments.WEIGHTS_HELP)
    rank.add_argument("--top", type=arguments.top, default=3, help="antal områder på kortlisten (standard 3)")
    rank.add_argument(
        "--out",
        type=arguments.file,
        help="CSV- eller XLSX-fil (standard: en tabel i terminalen, CSV når udskriften sendes videre med |)",
    )
    rank.add_argument("--overwrite", action="store_true", help=arguments.OVERWRITE_HELP)
    rank.add_argument(
        "--format",
        choices=[*sorted(STYLES), "xlsx"],
        default=None,
        help="CSV-format, eller xlsx for et Excel-ark med forbehold, vægte og metode "
        "(standard: efter --out's filendelse, ellers excel-da)",
    )
    rank.add_argument(
        "--distance", type=arguments.distance, help="afstand til aktører i meter (standard fra criteria.json)"
    )
    rank.add_argument(
        "--timestamp", type=arguments.timestamp, help="fast tidsstempel (ISO 8601) for reproducerbare filer"
    )
    rank.add_argument(
        "--smaa",
        type=arguments.smaa,
        default=0,
        metavar="N",
        help="tilføj robusthed: SMAA med N vægtninger og stabilitetsintervaller (appen bruger 10000; "
        f"højst {MAX_SMAA_SAMPLES})",
    )
    rank.add_argument(
        "--seed", type=arguments.seed, default=DEFAULT_SEED, help=f"startværdi for SMAA (standard {DEFAULT_SEED})"
    )
    rank.add_argument(
        "--scenario",
        metavar="NAVN|NR",
        help="brug et gemt scenarie (navn eller nummer) eller et udgangspunkt fra scenarios.json (nøgle "
        "eller navn): vægte, delvægte, afstand og udelukkelsesregler",
    )
    rank.add_argument(
        "--exclude",
        type=exclude_arg,
        action="append",
        default=[],
        metavar="REGEL",
        help="udeluk områder før rangeringen (kan gentages): listestatus:verified+inferred, "
        "minscore:KRITERIUM:40, minvaerdi:INDIKATOR:3, maxvaerdi:INDIKATOR:3, aktoer:SEKTOR:500",
    )


def _add_critical(sub: argparse._SubParsersAction) -> None:
    crit = sub.add_parser("critical", help="Skriv listen over værdier, der kan ændre valget (vurder dem først).")
    crit.add_argument(
        "--data", type=arguments.folder, default=None, help="datamappe (standard: $SELECTION_DATA eller data/areas)"
    )
    crit.add_argument("--weights", default="", help=arguments.WEIGHTS_HELP)
    crit.add_argument("--top", type=arguments.top, default=3, help="kortlistens længde N (standard 3)")
    crit.add_argument(
        "--out",
        type=arguments.file,
        help="CSV-fil (standard: en tabel i terminalen, CSV når udskriften sendes videre med |)",
    )
    crit.add_argument("--overwrite", action="store_true", help=arguments.OVERWRITE_HELP)
    crit.add_argument("--format", choices=sorted(STYLES), default=None, help="CSV-format (standard excel-da)")
    crit.add_argument(
        "--distance", type=arguments.distance, help="afstand til aktører i meter (standard fra criteria.json)"
    )
    crit.add_argument(
        "--timestamp", type=arguments.timestamp, help="fast tidsstempel (ISO 8601) for reproducerbare filer"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``rank`` or ``critical``; write the CSV (or XLSX) to --out or standard output."""
    if args.command == "critical":
        return _run_critical(args)
    return _run_rank(args)


def rank_settings(args: argparse.Namespace, dataset: Dataset, weights: dict[str, float]) -> ScenarioSettings:
    """The settings ``rank`` uses: a scenario's, or --weights/--distance/--exclude."""
    model = dataset.model
    if args.scenario is not None:
        if args.weights or args.exclude or args.distance is not None:
            raise ScenarioError(
                "--scenario kan ikke bruges sammen med --weights, --distance eller --exclude: "
                "scenariet fastlægger dem selv."
            )
        from selection.storage.database import open_store, store_exists

        engine = open_store() if store_exists() else None
        try:
            _, settings = resolve.resolve(args.scenario, engine, Path(args.data), model, warn)
        finally:
            if engine is not None:
                engine.dispose()
        return settings
    rules = [parse_rule_text(text, model).to_dict() for text in args.exclude]
    distance = float(model.actor_distance_m) if args.distance is None else args.distance
    return parse_settings({"weights": weights, "distance_m": distance, "rules": rules}, model)


def _evaluated(args: argparse.Namespace, warn_store: bool = False) -> tuple[Dataset, Performance, ScoreResult]:
    """The data set in use (stored import, else bundled; stored assessments applied), scored at --weights."""
    if args.data is None:
        from selection.storage.packages import active_data_dir, import_folder_problem

        if warn_store and (problem := import_folder_problem()):
            print(f"ADVARSEL: {problem} Det medleverede datasæt bruges.", file=sys.stderr)
        args.data = active_data_dir()
    if args.out is not None:
        check_out(args.out)
    dataset = open_workspace(args.data).dataset
    weights = arguments.parse_weights(
        args.weights, dataset.model.default_weights, {c.id: c.label for c in dataset.model.criteria}
    )
    if getattr(args, "scenario", None) is not None or getattr(args, "exclude", None):
        from selection.scenarios import evaluate_settings

        perf, result = evaluate_settings(dataset, rank_settings(args, dataset, weights))
    else:
        perf, result = evaluate(dataset, weights, distance_m=args.distance)
    return dataset, perf, result


def to_terminal(args: argparse.Namespace) -> bool:
    """True when the output is read on a terminal: no --out, no --format, and standard output is a terminal.
    An XLSX workbook is never written to one (UsageError, Danish)."""
    if args.out is not None:
        return False
    if args.format == "xlsx" and sys.stdout.isatty():
        raise UsageError("Et Excel-ark kan ikke vises i terminalen; angiv en fil med --out, fx --out kortliste.xlsx.")
    return not getattr(args, "format_given", True) and sys.stdout.isatty()


def _score(value: object) -> str:
    return MISSING if not isinstance(value, (int, float)) else number(float(value), 1)


def rank_table_text(table: pd.DataFrame, dataset: Dataset, note: str) -> str:
    """The shortlist as a terminal reads it: the caveat, then rank, area, total and criterion scores (Danish
    numbers), list status and data status, and where the full table is."""
    criteria = [f"{c.label} - score (0-100)" for c in dataset.model.criteria]
    headers = [
        "Rang",
        "Område",
        "Samlet score",
        *(c.label for c in dataset.model.criteria),
        "Listestatus",
        "Datastatus",
    ]
    rows = []
    for rec in table.to_dict("records"):
        rank = rec["Rang"]
        rows.append(
            [
                "–" if rank is None or rank != rank or str(rank) == "<NA>" else str(rank),
                rec["Område"],
                _score(rec["Samlet score (0-100)"]),
                *(_score(rec[c]) for c in criteria),
                rec["Listestatus"],
                rec["Datastatus"],
            ]
        )
    right = {0, 2, *range(3, 3 + len(criteria))}
    return (
        f"{note}\n\n{table_text(headers, rows, right=right)}\n"
        "Alle kolonner (vægte, bidrag, manglende indikatorer …): --out kortliste.csv, eller send udskriften videre "
        "med | for CSV.\n"
    )


def _run_rank(args: argparse.Namespace) -> int:
    terminal = to_terminal(args)  # checked before any work
    dataset, perf, result = _evaluated(args, warn_store=True)
    extra = (
        robustness_extras(
            result, dataset, args.smaa, args.seed, perf.matrix, uncertain_indicators(dataset.model, perf.provenance)
        )
        if args.smaa
        else None
    )
    if terminal:
        table = shortlist_table(result, dataset, args.top, args.timestamp, extra, perf.provenance)
        sys.stdout.write(rank_table_text(table, dataset, caveat(table, dataset)))
        return 0
    if args.format == "xlsx":
        table = shortlist_table(result, dataset, args.top, args.timestamp, extra, perf.provenance)
        priorities = priority_export_table(result, dataset, perf, args.top, args.timestamp)
        data = table_to_xlsx(table, caveat(table, dataset), about_sheet(result, dataset), priorities)
    else:
        data = shortlist_csv(result, dataset, args.top, args.format, args.timestamp, extra, perf.provenance)
    emit(args, data, f"Skrev {count(min(args.top, len(result.ranked)), 'område', 'områder')}")
    return 0


CRITICAL_COLUMNS = ("Prioritet", "Område", "Indikator", "Nuværende værdi", "Betingelse", "Hvad sker der")


def critical_table_text(table: pd.DataFrame) -> str:
    """The values to assess first as a terminal reads them: priority, area, indicator, value now, the condition
    that changes the shortlist and what happens then."""
    if table.empty:
        return "Ingen enkeltværdi kan ændre kortlisten inden for de plausible intervaller.\n"
    rows = [
        [
            _score(v) if c == "Nuværende værdi" else ("" if v is None or v != v else v)
            for c, v in zip(CRITICAL_COLUMNS, (rec.get(c) for c in CRITICAL_COLUMNS), strict=True)
        ]
        for rec in table.to_dict("records")
    ]
    return (
        table_text(CRITICAL_COLUMNS, rows, right={0, 3}, limit=70)
        + "\nAlle kolonner (kritisk værdi, afstand, sætning …): --out vaerdier.csv, eller send udskriften videre "
        "med | for CSV.\n"
    )


def _run_critical(args: argparse.Namespace) -> int:
    """Write the assessment priority list (``selection.analysis.critical.values``) as CSV."""
    terminal = to_terminal(args)
    dataset, perf, result = _evaluated(args)
    if terminal:
        table = priority_export_table(result, dataset, perf, args.top, args.timestamp)
        sys.stdout.write(critical_table_text(table))
        return 0
    data = priority_csv(result, dataset, perf, args.top, args.format, args.timestamp)
    n_rows = data.decode(STYLES[args.format].encoding).count("\r\n") - 1
    emit(args, data, f"Skrev {count(n_rows, 'værdi', 'værdier')}")
    return 0
