"""``python -m selection validate|import|reset|restore``: check and apply imports, go back to the bundled data and back.

Errors are Danish exceptions for ``selection.cli.main.main`` (exit 2); an import that cannot be used exits 1.
"""

from __future__ import annotations

import argparse
import sys

from selection.cli import arguments
from selection.data.dataset import load_dataset
from selection.errors import DataError

HELP = {
    "validate": "Kontrollér filer til import og vis rapporten (ændrer intet).",
    "import": "Kontrollér og anvend en import (gemmes i datamappen).",
    "reset": "Gå tilbage til det medleverede datasæt (importen gemmes som kopi).",
    "restore": "Brug den seneste import igen efter 'reset'.",
}


def add_parser(sub: argparse._SubParsersAction, command: str) -> None:
    """Add ``validate``, ``import``, ``reset`` or ``restore`` to the command line."""
    cmd = sub.add_parser(command, help=HELP[command])
    if command in ("reset", "restore"):
        cmd.add_argument("--data-dir", type=arguments.folder, default=None, help="importmappen")
        arguments.add_user(cmd)
        return
    cmd.add_argument("paths", nargs="+", type=arguments.file, help="filer: GeoJSON, GPKG, zip (Shapefile), CSV, XLSX")
    cmd.add_argument("--kind", choices=["areas", "values", "actors"], help="filernes type (standard: gættes)")
    cmd.add_argument("--layer", help="lag i en GeoPackage eller ark i en XLSX-fil")
    cmd.add_argument("--crs", help="koordinatsystem for aktør-CSV med x/y, fx EPSG:25832")
    cmd.add_argument(
        "--replace-areas",
        action="store_true",
        help="områdefilen er den fulde liste: fjern områder, der ikke er i den (med værdier og indsatser)",
    )
    cmd.add_argument(
        "--data-dir",
        type=arguments.folder,
        default=None,
        help="hvor importer gemmes (standard: $SELECTION_IMPORT_DIR eller .selection-data)",
    )
    arguments.add_user(cmd)


def run(args: argparse.Namespace) -> int:
    """Run ``validate``, ``import``, ``reset`` or ``restore``."""
    if args.command in ("validate", "import"):
        return run_import(args, apply=args.command == "import")
    if args.command == "reset":
        from selection.importing.apply import reset_import

        backup = reset_import(args.data_dir, actor=arguments.cli_actor(args))
        print(
            "Det medleverede datasæt bruges igen."
            + (f" Importen er gemt i {backup} ('python -m selection restore' gendanner den)." if backup else "")
        )
        return 0
    from selection.importing.apply import restore_import

    dataset = restore_import(args.data_dir, actor=arguments.cli_actor(args))
    print(f"Importen bruges igen (version {dataset.version}).")
    return 0


def run_import(args: argparse.Namespace, apply: bool) -> int:
    """Validate (and with ``apply`` store) an import; print the Danish report."""
    from selection.importing import validate_import
    from selection.importing.apply import apply_import
    from selection.storage.packages import active_data_dir, import_folder_problem

    if apply and (problem := import_folder_problem(args.data_dir)):
        raise DataError(problem)
    current = load_dataset(active_data_dir(args.data_dir))
    plan = validate_import(
        list(args.paths), current, kinds=args.kind, layer=args.layer, crs=args.crs, replace_areas=args.replace_areas
    )
    for f in plan.files:
        print(f"{f.name}: {f.kind} ({f.details})")
    for finding in plan.errors:
        print(f"  FEJL: {finding}")
    for finding in plan.warnings:
        print(f"  ADVARSEL: {finding}")
    if not plan.ok:
        print("Importen kan ikke bruges; intet er ændret.", file=sys.stderr)
        return 1
    for line in plan.diff.lines():
        print(f"  {line}")
    if apply:
        dataset = apply_import(plan, args.data_dir, actor=arguments.cli_actor(args))
        print(f"Importeret. Datasættet har nu version {dataset.version}.")
    else:
        print("Ingen fejl. Kør 'python -m selection import' med de samme filer for at anvende importen.")
    return 0
