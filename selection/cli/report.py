"""``python -m selection report``: the steering group's report as PDF or HTML (Danish errors, exit 2)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from selection.analysis.robustness.report import DEFAULT_SAMPLES, DEFAULT_SEED
from selection.cli import arguments
from selection.cli.files import FORMAT_SUFFIXES, OutputFormats, exists_text, warn, write_file
from selection.errors import UsageError
from selection.scenarios.compare import MAX_SCENARIOS
from selection.text.formatting import local_today

OUTPUT_FORMATS: OutputFormats = {("report", None): (["pdf", "html"], None)}  # no --out: pdf
MAX_DEFAULT_NAMES = 99  # rapport-2026-12-07.pdf, rapport-2026-12-07-2.pdf … rapport-2026-12-07-99.pdf


def default_names(fmt: str, folder: Path | None = None) -> list[Path]:
    """The names a report without --out is given, in the order tried: 'rapport-<today in Copenhagen>.pdf' in
    the current folder, then '-2', '-3' … (a report made earlier the same day is never replaced)."""
    stem, suffix = f"rapport-{local_today().isoformat()}", FORMAT_SUFFIXES[fmt]
    where = Path() if folder is None else folder
    return [where / f"{stem}{'' if n == 1 else f'-{n}'}{suffix}" for n in range(1, MAX_DEFAULT_NAMES + 1)]


def _write_default(data: bytes, fmt: str, overwrite: bool) -> Path:
    """Write to the first free default name (with --overwrite: the first one, replaced)."""
    names = default_names(fmt)
    if overwrite:
        write_file(names[0], data, overwrite=True)
        return names[0]
    for name in names:
        if name.exists() or name.is_symlink():
            continue
        try:
            write_file(name, data, overwrite=False)
        except FileExistsError:  # made meanwhile by someone else: the next name
            continue
        return name
    raise UsageError(
        f"Der findes allerede {MAX_DEFAULT_NAMES} rapporter fra i dag i mappen ({names[0].name} …); "
        "angiv et filnavn med --out."
    )


def add_parser(sub: argparse._SubParsersAction, command: str) -> None:
    """Add ``report``."""
    cmd = sub.add_parser(command, help="Skriv rapporten til styregruppen som PDF eller HTML.")
    cmd.add_argument(
        "--format",
        choices=["pdf", "html"],
        default=None,
        help="rapportens format (standard: efter --out's filendelse, ellers pdf)",
    )
    cmd.add_argument(
        "--out",
        type=arguments.file,
        default=None,
        help="filen, der skrives (standard: rapport-ÅÅÅÅ-MM-DD.pdf med dagens dato i den aktuelle mappe; findes "
        "den, bruges rapport-ÅÅÅÅ-MM-DD-2.pdf osv., så intet overskrives)",
    )
    cmd.add_argument("--overwrite", action="store_true", help=arguments.OVERWRITE_HELP)
    cmd.add_argument(
        "--decision",
        type=lambda t: arguments.whole(t, "--decision", 1, 2**63 - 1),
        metavar="N",
        help="rapport over beslutning nr. N (viser data, som de var, da beslutningen blev truffet)",
    )
    cmd.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAVN|NR",
        help="rapport med et gemt scenarie (navn eller nummer) eller et udgangspunkt fra scenarios.json; "
        f"gentag for at sammenligne op til {MAX_SCENARIOS} (det første er rapportens eget)",
    )
    cmd.add_argument(
        "--round",
        default=None,
        metavar="NAVN|NR",
        help="tag afsnittet 'Styregruppens vægtning' med fra en vægtningsrunde (navn eller nummer), hvis "
        "resultat er vist",
    )
    cmd.add_argument("--top", type=arguments.top, default=None, help="antal områder i toppen (standard 3)")
    cmd.add_argument("--weights", default=None, help=arguments.WEIGHTS_HELP)
    cmd.add_argument(
        "--smaa",
        type=arguments.smaa,
        default=DEFAULT_SAMPLES,
        metavar="N",
        help=f"antal vægtninger i robusthedsanalysen (standard {DEFAULT_SAMPLES})",
    )
    cmd.add_argument(
        "--seed", type=arguments.seed, default=DEFAULT_SEED, help=f"startværdi for SMAA (standard {DEFAULT_SEED})"
    )
    cmd.add_argument(
        "--data", type=arguments.folder, default=None, help="datamappe (standard: importen eller data/areas)"
    )


def run(args: argparse.Namespace) -> int:
    """Build the report; raise ValueError/WeightError/DataError/StoreError for the caller's Danish output."""
    from selection.data.dataset import load_dataset
    from selection.decisions import DecisionError, changes_since, get_decision
    from selection.report import render_html, render_pdf
    from selection.report.snapshot import snapshot_from_store
    from selection.report.weighting import find_revealed
    from selection.storage.database import open_store, store_exists
    from selection.storage.packages import active_data_dir

    out: Path | None = args.out  # checked (writable, no existing file without --overwrite) by files.resolve_output
    if args.top is not None and args.top < 1:
        raise UsageError("--top skal være mindst 1.")
    if args.smaa < 100:
        raise UsageError("--smaa skal være mindst 100 vægtninger.")
    if len(args.scenario) > MAX_SCENARIOS:
        raise UsageError(f"Højst {MAX_SCENARIOS} scenarier kan sammenlignes (fik {len(args.scenario)}).")
    if args.scenario and args.weights is not None:
        raise UsageError("--scenario kan ikke bruges sammen med --weights: scenariet fastlægger selv vægtene.")
    if args.decision is not None and args.round is not None:
        raise UsageError(
            "--round kan ikke bruges med --decision: rapporten viser den vægtningsrunde, beslutningen bygger på."
        )
    data_dir = args.data if args.data is not None else active_data_dir()
    dataset = load_dataset(data_dir)
    engine = open_store() if store_exists() else None
    try:
        weighting_round = find_revealed(engine, args.round) if args.round is not None else None
        if args.decision is not None:
            if args.weights is not None or args.top is not None or args.scenario:
                raise UsageError(
                    "--weights, --top og --scenario kan ikke bruges med --decision: rapporten viser "
                    "beslutningens egne vægte og data."
                )
            if engine is None:
                raise DecisionError(f"Der er ingen beslutning nr. {args.decision}.")
            decision = get_decision(engine, args.decision)
            snapshot, fields = decision.snapshot, decision.report_fields()
            changes = changes_since(decision, dataset, engine)
        elif args.scenario:
            from selection.scenarios.resolve import resolve_scenario

            found = [resolve_scenario(ref, engine, Path(data_dir), dataset.model, warn) for ref in args.scenario]
            record, main = found[0]
            compare_with = [(rec["name"], settings) for rec, settings in found] if len(found) > 1 else ()
            snapshot = snapshot_from_store(
                dataset,
                engine,
                main.weights,
                args.top or 3,
                sub_weights=main.sub_weights,
                distance_m=main.distance_m,
                rules=main.rules,
                scenario=record,
                compare_with=compare_with,
                weighting_round=weighting_round,
                n_samples=args.smaa,
                seed=args.seed,
            )
            fields, changes = None, None
        else:
            weights = arguments.parse_weights(
                args.weights or "", dataset.model.default_weights, {c.id: c.label for c in dataset.model.criteria}
            )
            snapshot = snapshot_from_store(
                dataset,
                engine,
                weights,
                args.top or 3,
                weighting_round=weighting_round,
                n_samples=args.smaa,
                seed=args.seed,
            )
            fields, changes = None, None
    finally:
        if engine is not None:
            engine.dispose()
    data = (
        render_pdf(snapshot, fields, changes)
        if args.format == "pdf"
        else render_html(snapshot, fields, changes).encode("utf-8")
    )
    if out is None:
        out = _write_default(data, args.format, args.overwrite)
    else:
        try:
            write_file(out, data, overwrite=args.overwrite)
        except FileExistsError:
            raise UsageError(exists_text(out)) from None
    print(f"Skrev rapporten ({args.format.upper()}) til {out}", file=sys.stderr)
    return 0
