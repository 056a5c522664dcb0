"""Command line: ``python -m selection rank`` writes exactly the CSV shortlist of the app."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from .dataset import load_dataset
from .errors import DataError, WeightError
from .export import STYLES, shortlist_csv
from .pipeline import evaluate
from .robustness_report import DEFAULT_SEED, robustness_extras


def parse_weights(text: str, defaults: dict[str, float]) -> dict[str, float]:
    """Parse 'trust=2,actors=1,need=3'; criteria not named keep their default weight."""
    weights = dict(defaults)
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "=" not in part:
            raise WeightError(f"'{part}' skal skrives som kriterium=vægt, fx need=2.")
        key, _, raw = part.partition("=")
        key = key.strip()
        if key not in defaults:
            raise WeightError(f"Ukendt kriterium '{key}'. Kendte kriterier: {', '.join(defaults)}.")
        try:
            weights[key] = float(raw.strip().replace(",", "."))
        except ValueError:
            raise WeightError(f"Vægten for '{key}' skal være et tal (fik '{raw.strip()}').") from None
    return weights


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m selection", description="Rangér forebyggelsesområder.")
    sub = parser.add_subparsers(dest="command", required=True)
    rank = sub.add_parser("rank", help="Rangér områderne og skriv kortlisten som CSV.")
    rank.add_argument("--data", type=Path, default=None, help="datamappe (standard: $SELECTION_DATA eller data/areas)")
    rank.add_argument("--weights", default="", help="fx trust=1,actors=1,need=2 (id'er fra criteria.json)")
    rank.add_argument("--top", type=int, default=3, help="antal områder på kortlisten (standard 3)")
    rank.add_argument("--out", type=Path, help="CSV-fil (standard: skriv til stdout)")
    rank.add_argument("--format", choices=sorted(STYLES), default="excel-da", help="CSV-format")
    rank.add_argument("--distance", type=float, help="afstand til aktører i meter (standard fra criteria.json)")
    rank.add_argument("--timestamp", help="fast tidsstempel (ISO 8601) for reproducerbare filer")
    rank.add_argument("--smaa", type=int, default=0, metavar="N",
                      help="tilføj robusthed: SMAA med N vægtninger og stabilitetsintervaller (appen bruger 10000)")
    rank.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"startværdi for SMAA (standard {DEFAULT_SEED})")
    for name, text in (("validate", "Kontrollér filer til import og vis rapporten (ændrer intet)."),
                       ("import", "Kontrollér og anvend en import (gemmes i datamappen).")):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("paths", nargs="+", type=Path, help="filer: GeoJSON, GPKG, zip (Shapefile), CSV, XLSX")
        cmd.add_argument("--kind", choices=["areas", "values", "actors"], help="filernes type (standard: gættes)")
        cmd.add_argument("--layer", help="lag i en GeoPackage eller ark i en XLSX-fil")
        cmd.add_argument("--crs", help="koordinatsystem for aktør-CSV med x/y, fx EPSG:25832")
        cmd.add_argument("--replace-areas", action="store_true",
                         help="områdefilen er den fulde liste: fjern områder, der ikke er i den (med værdier og indsatser)")
        cmd.add_argument("--data-dir", type=Path, default=None,
                         help="hvor importer gemmes (standard: $SELECTION_IMPORT_DIR eller .selection-data)")
    reset = sub.add_parser("reset", help="Gå tilbage til det medleverede datasæt (importen gemmes som kopi).")
    reset.add_argument("--data-dir", type=Path, default=None)
    restore = sub.add_parser("restore", help="Brug den seneste import igen efter 'reset'.")
    restore.add_argument("--data-dir", type=Path, default=None)
    add_assessment_commands(sub)
    from .report.cli import add_report_command

    add_report_command(sub)
    return parser


def add_assessment_commands(sub: argparse._SubParsersAction) -> None:
    """``assessments export|import|history`` (the store: $SELECTION_DB_URL or the SQLite file)."""
    cmd = sub.add_parser("assessments", help="Lokale vurderinger: hent ark, indlæs ark, vis historik.")
    actions = cmd.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="Skriv et vurderingsark (CSV til dansk Excel eller XLSX).")
    export.add_argument("--format", choices=["excel-da", "xlsx"], default="excel-da", help="arkets format")
    export.add_argument("--out", type=Path, required=True, help="filen, der skrives")
    load = actions.add_parser("import", help="Indlæs et udfyldt vurderingsark; hver række bliver en vurdering.")
    load.add_argument("file", type=Path, help="udfyldt ark (CSV eller XLSX)")
    load.add_argument("--assessor", required=True, help="vurderers navn (for rækker uden navn)")
    load.add_argument("--role", default="", help="rolle eller organisation (for rækker uden rolle)")
    hist = actions.add_parser("history", help="Vis alle gemte vurderinger (ældste først).")
    hist.add_argument("--area", help="kun dette område-id")
    hist.add_argument("--indicator", help="kun dette indikator-id")
    for action in (export, load, hist):
        action.add_argument("--data", type=Path, default=None, help="datamappe (standard: importen eller data/areas)")


def run_assessments(args: argparse.Namespace) -> int:
    """Run an ``assessments`` action; Danish output, errors exit 2."""
    from .assessments.cli import run_assessment_command

    return run_assessment_command(args)


def run_import(args: argparse.Namespace, apply: bool) -> int:
    """Validate (and with ``apply`` store) an import; print the Danish report."""
    from .import_store import active_data_dir, apply_import
    from .importing import validate_import

    current = load_dataset(active_data_dir(args.data_dir))
    plan = validate_import(list(args.paths), current, kinds=args.kind, layer=args.layer, crs=args.crs,
                           replace_areas=args.replace_areas)
    for f in plan.files:
        print(f"{f.name}: {f.kind} ({f.details})")
    for problem in plan.errors:
        print(f"  FEJL: {problem}")
    for problem in plan.warnings:
        print(f"  ADVARSEL: {problem}")
    if not plan.ok:
        print("Importen kan ikke bruges; intet er ændret.", file=sys.stderr)
        return 1
    for line in plan.diff.lines():
        print(f"  {line}")
    if apply:
        dataset = apply_import(plan, args.data_dir)
        print(f"Importeret. Datasættet har nu version {dataset.version}.")
    else:
        print("Ingen fejl. Kør 'python -m selection import' med de samme filer for at anvende importen.")
    return 0


def run_rank(args: argparse.Namespace) -> int:
    if args.data is None:
        from .import_store import active_data_dir

        args.data = active_data_dir()
    from .assessments.applied import dataset_with_assessments

    dataset = dataset_with_assessments(load_dataset(args.data))
    weights = parse_weights(args.weights, dataset.model.default_weights)
    if args.top < 1:
        raise WeightError("--top skal være mindst 1.")
    if args.distance is not None and args.distance < 0:
        raise WeightError("--distance skal være 0 eller større.")
    stamp = datetime.fromisoformat(args.timestamp) if args.timestamp else None
    _, result = evaluate(dataset, weights, distance_m=args.distance)
    if args.smaa < 0:
        raise WeightError("--smaa skal være 0 (ingen robusthed) eller et positivt antal vægtninger.")
    extra = robustness_extras(result, dataset, args.smaa, args.seed) if args.smaa else None
    data = shortlist_csv(result, dataset, args.top, args.format, stamp, extra)
    if args.out:
        args.out.write_bytes(data)
        print(f"Skrev {min(args.top, len(result.ranked))} områder til {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def main(argv: list[str] | None = None) -> int:
    from .store.errors import StoreError

    args = build_parser().parse_args(argv)
    try:
        if args.command == "assessments":
            return run_assessments(args)
        if args.command == "report":
            from .report.cli import run_report

            return run_report(args)
        if args.command in ("validate", "import"):
            return run_import(args, apply=args.command == "import")
        if args.command == "reset":
            from .import_store import reset_import

            backup = reset_import(args.data_dir)
            print("Det medleverede datasæt bruges igen."
                  + (f" Importen er gemt i {backup} ('python -m selection restore' gendanner den)." if backup else ""))
            return 0
        if args.command == "restore":
            from .import_store import restore_import

            dataset = restore_import(args.data_dir)
            print(f"Importen bruges igen (version {dataset.version}).")
            return 0
        return run_rank(args)
    except DataError as exc:
        print("Data kan ikke bruges:", file=sys.stderr)
        for problem in exc.report.errors:
            print(f"  FEJL: {problem}", file=sys.stderr)
        return 2
    except (WeightError, ValueError, StoreError) as exc:  # AssessmentError is a ValueError
        print(f"FEJL: {exc}", file=sys.stderr)
        return 2
