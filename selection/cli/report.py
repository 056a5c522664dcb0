"""``python -m selection report``: the steering group's report as PDF or HTML (Danish errors, exit 2)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from selection.analysis.robustness.report import DEFAULT_SAMPLES, DEFAULT_SEED
from selection.scenarios.compare import MAX_SCENARIOS


def add_report_command(sub: argparse._SubParsersAction) -> None:
    from selection.cli.main import (  # the command line's strict argument types
        _file,
        _folder,
        _seed,
        _smaa,
        _top,
        _whole,
    )

    cmd = sub.add_parser("report", help="Skriv rapporten til styregruppen som PDF eller HTML.")
    cmd.add_argument(
        "--format", choices=["pdf", "html"], default=None, help="rapportens format (standard: efter --out's filendelse)"
    )
    cmd.add_argument("--out", type=_file, required=True, help="filen, der skrives")
    from selection.cli.main import OVERWRITE_HELP

    cmd.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    cmd.add_argument(
        "--decision",
        type=lambda t: _whole(t, "--decision", 1, 2**63 - 1),
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
    cmd.add_argument("--top", type=_top, default=None, help="antal områder i toppen (standard 3)")
    cmd.add_argument("--weights", default=None, help="fx trust=1,actors=1,need=2 (id'er fra criteria.json)")
    cmd.add_argument(
        "--smaa",
        type=_smaa,
        default=DEFAULT_SAMPLES,
        metavar="N",
        help=f"antal vægtninger i robusthedsanalysen (standard {DEFAULT_SAMPLES})",
    )
    cmd.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"startværdi for SMAA (standard {DEFAULT_SEED})")
    cmd.add_argument("--data", type=_folder, default=None, help="datamappe (standard: importen eller data/areas)")


def run_report(args: argparse.Namespace) -> int:
    """Build the report; raise ValueError/WeightError/DataError/StoreError for the caller's Danish output."""
    from selection.data.dataset import load_dataset
    from selection.decisions import DecisionError, changes_since, get_decision
    from selection.report import render_html, render_pdf
    from selection.report.snapshot import snapshot_from_store
    from selection.storage.database import open_store, store_exists
    from selection.storage.packages import active_data_dir

    out: Path = args.out
    from selection.cli.main import _exists_text, _refuse_existing

    _refuse_existing(out, args.overwrite)
    if not out.parent.is_dir():
        raise ValueError(f"Mappen {out.parent} findes ikke.")
    if out.is_dir():
        raise ValueError(f"{out} er en mappe; angiv et filnavn.")
    if args.top is not None and args.top < 1:
        raise ValueError("--top skal være mindst 1.")
    if args.smaa < 100:
        raise ValueError("--smaa skal være mindst 100 vægtninger.")
    if len(args.scenario) > MAX_SCENARIOS:
        raise ValueError(f"Højst {MAX_SCENARIOS} scenarier kan sammenlignes (fik {len(args.scenario)}).")
    if args.scenario and args.weights is not None:
        raise ValueError("--scenario kan ikke bruges sammen med --weights: scenariet fastlægger selv vægtene.")
    data_dir = args.data if args.data is not None else active_data_dir()
    dataset = load_dataset(data_dir)
    engine = open_store() if store_exists() else None
    try:
        if args.decision is not None:
            if args.weights is not None or args.top is not None or args.scenario:
                raise ValueError(
                    "--weights, --top og --scenario kan ikke bruges med --decision: rapporten viser "
                    "beslutningens egne vægte og data."
                )
            if engine is None:
                raise DecisionError(f"Der er ingen beslutning nr. {args.decision}.")
            decision = get_decision(engine, args.decision)
            snapshot, fields = decision.snapshot, decision.report_fields()
            changes = changes_since(decision, dataset, engine)
        elif args.scenario:
            from selection.cli.scenarios import resolve_scenario

            found = [resolve_scenario(ref, engine, Path(data_dir), dataset.model) for ref in args.scenario]
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
                n_samples=args.smaa,
                seed=args.seed,
            )
            fields, changes = None, None
        else:
            from selection.cli.main import parse_weights

            weights = parse_weights(args.weights or "", dataset.model.default_weights)
            snapshot = snapshot_from_store(dataset, engine, weights, args.top or 3, n_samples=args.smaa, seed=args.seed)
            fields, changes = None, None
    finally:
        if engine is not None:
            engine.dispose()
    data = (
        render_pdf(snapshot, fields, changes)
        if args.format == "pdf"
        else render_html(snapshot, fields, changes).encode("utf-8")
    )
    try:
        _write(out, data, overwrite=args.overwrite)
    except FileExistsError:
        raise ValueError(_exists_text(out)) from None
    print(f"Skrev rapporten ({args.format.upper()}) til {out}", file=sys.stderr)
    return 0


def _write(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write through a temporary file in the same folder, so a failed write leaves no half file.

    Without ``overwrite`` an existing file is never replaced, not even one made while the command worked
    (the finished file is linked into place, which fails with FileExistsError). With it a symbolic link
    is followed (the linked file is replaced, not the link). A device or pipe such as /dev/stdout is
    written in place.
    """
    if path.exists() and not path.is_file():  # a device or pipe (through a link, e.g. /dev/stdout)
        with open(path, "wb") as fh:
            fh.write(data)
        return
    target = path.resolve() if path.is_symlink() else path
    fd, tmp = tempfile.mkstemp(prefix=".rapport-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o644)  # mkstemp made it 0600
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_new(Path(tmp), target, data)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _link_new(tmp: Path, target: Path, data: bytes) -> None:
    """Put the finished ``tmp`` at ``target`` unless something exists there (FileExistsError).

    A hard link is atomic; on a file system without hard links (some network shares) the file is
    created exclusively and written instead.
    """
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:
        with open(target, "xb") as fh:  # "x": fails if the file exists
            fh.write(data)
