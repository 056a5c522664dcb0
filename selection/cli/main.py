"""Command line: ``python -m selection rank`` writes exactly the CSV shortlist of the app."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from selection import config
from selection.analysis.robustness.report import DEFAULT_SEED, robustness_extras, uncertain_indicators
from selection.data.dataset import load_dataset
from selection.errors import DataError, UsageError, WeightError, library_reason, os_reason
from selection.limits import MAX_DISTANCE_M, MAX_SMAA_SAMPLES, MAX_WEIGHT, smaa_samples_problem
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
from selection.storage.database.errors import StoreError
from selection.text.formatting import count
from selection.text.number_parser import NumberError, parse_number
from selection.workspace import open_workspace

if TYPE_CHECKING:
    from selection.access import Actor
    from selection.data.dataset import Dataset
    from selection.data.performance import Performance
    from selection.ranking.scoring import ScoreResult

# argparse's own messages (argparse looks them up with gettext); anything else falls back to English.
ARGPARSE_DANISH = {
    "usage: ": "brug: ",
    "positional arguments": "argumenter",
    "options": "tilvalg",
    "show this help message and exit": "vis denne hjælp og afslut",
    "%(prog)s: error: %(message)s\n": "%(prog)s: FEJL: %(message)s\n",
    "the following arguments are required: %s": "disse argumenter mangler: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg: %(value)r (vælg mellem %(choices)s)",
    "invalid %(type)s value: %(value)r": "ugyldig værdi: %(value)r",
    "expected one argument": "mangler en værdi",
    "expected at least one argument": "mangler mindst én værdi",
    "expected at most one argument": "højst én værdi",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt tilvalg: %(option)s kan være %(matches)s",
    "not allowed with argument %s": "kan ikke bruges sammen med %s",
    "ignored explicit argument %r": "ignoreret værdi %r",
    "one of the arguments %s is required": "et af argumenterne %s skal angives",
    "unexpected option string: %s": "uventet tilvalg: %s",
}


@contextlib.contextmanager
def _danish_argparse() -> Iterator[None]:
    """argparse's messages in Danish while the command line is parsed (and help is printed)."""
    # argparse looks its messages up through a private gettext alias that typeshed does not declare.
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: ARGPARSE_DANISH.get(text, original(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


def parse_weights(text: str, defaults: dict[str, float]) -> dict[str, float]:
    """Parse 'trust=2,actors=1,need=3'; criteria not named keep their default weight."""
    weights = dict(defaults)
    named: set[str] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        if "=" not in part:
            raise WeightError(f"'{part}' skal skrives som kriterium=vægt, fx need=2.")
        key, _, raw = part.partition("=")
        key = key.strip()
        if key not in defaults:
            raise WeightError(f"Ukendt kriterium '{key}'. Kendte kriterier: {', '.join(defaults)}.")
        if key in named:
            raise WeightError(f"Kriteriet '{key}' står flere gange i --weights; angiv hver vægt én gang.")
        named.add(key)
        try:
            value = parse_number(raw.strip(), "standard")
        except NumberError as exc:
            raise WeightError(f"Vægten for '{key}' skal være et tal: {exc}") from None
        if value is None:
            raise WeightError(f"Vægten for '{key}' mangler (skriv fx {key}=2).")
        if value < 0:
            raise WeightError(f"Vægten for '{key}' må ikke være negativ (fik {raw.strip()[:40]}).")
        if value > MAX_WEIGHT:
            raise WeightError(
                f"Vægten for '{key}' er for stor: højst {MAX_WEIGHT:,.0f}".replace(",", ".")
                + f" (fik {raw.strip()[:40]}); kun forholdet mellem vægtene betyder noget."
            )
        weights[key] = value
    return weights


def _number_arg(text: str, what: str) -> float:
    try:
        value = parse_number(text, "standard")
    except NumberError as exc:
        raise argparse.ArgumentTypeError(f"{what}: {exc}") from None
    if value is None:
        raise argparse.ArgumentTypeError(f"{what} mangler en værdi.")
    return value


def _distance(text: str) -> float:
    value = _number_arg(text, "afstanden")
    if not 0 <= value <= MAX_DISTANCE_M:
        raise argparse.ArgumentTypeError(
            f"afstanden skal være mellem 0 og {MAX_DISTANCE_M:,.0f} m".replace(",", ".") + f" (fik {text[:40]})."
        )
    return value


def _whole(text: str, what: str, low: int, high: int) -> int:
    value = _number_arg(text, what)
    if not float(value).is_integer() or not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"{what} skal være et helt tal mellem {low:,} og {high:,}".replace(",", ".") + f" (fik {text[:40]})."
        )
    return int(value)


def _top(text: str) -> int:
    return _whole(text, "--top", 1, 10_000)


def _smaa(text: str) -> int:
    value = _whole(text, "antal vægtninger", 0, 2**63)
    if problem := smaa_samples_problem(value):
        raise argparse.ArgumentTypeError(problem)
    return value


def _seed(text: str) -> int:
    return _whole(text, "startværdien", 0, 2**32 - 1)


def _timestamp(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text[:40]}' er ikke et tidspunkt i ISO 8601-format, fx 2026-11-23T10:00:00+01:00."
        ) from None


OVERWRITE_HELP = "erstat filen, hvis den findes (ellers nægtes det: en gemt fil overskrives aldrig ved et uheld)"


def _folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("mappenavnet er tomt.")
    return Path(text)


def _file(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("filnavnet er tomt.")
    return Path(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m selection", description="Rangér forebyggelsesområder.")
    sub = parser.add_subparsers(dest="command", required=True, title="kommandoer", metavar="KOMMANDO")
    rank = sub.add_parser("rank", help="Rangér områderne og skriv kortlisten som CSV.")
    rank.add_argument(
        "--data", type=_folder, default=None, help="datamappe (standard: $SELECTION_DATA eller data/areas)"
    )
    rank.add_argument("--weights", default="", help="fx trust=1,actors=1,need=2 (id'er fra criteria.json)")
    rank.add_argument("--top", type=_top, default=3, help="antal områder på kortlisten (standard 3)")
    rank.add_argument("--out", type=_file, help="CSV-fil (standard: skriv til stdout)")
    rank.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    rank.add_argument(
        "--format",
        choices=[*sorted(STYLES), "xlsx"],
        default=None,
        help="CSV-format, eller xlsx for et Excel-ark med forbehold, vægte og metode "
        "(standard: efter --out's filendelse, ellers excel-da)",
    )
    rank.add_argument("--distance", type=_distance, help="afstand til aktører i meter (standard fra criteria.json)")
    rank.add_argument("--timestamp", type=_timestamp, help="fast tidsstempel (ISO 8601) for reproducerbare filer")
    rank.add_argument(
        "--smaa",
        type=_smaa,
        default=0,
        metavar="N",
        help="tilføj robusthed: SMAA med N vægtninger og stabilitetsintervaller (appen bruger 10000; "
        f"højst {MAX_SMAA_SAMPLES})",
    )
    rank.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"startværdi for SMAA (standard {DEFAULT_SEED})")
    from selection.cli.scenarios import add_rank_options, add_scenario_command

    add_rank_options(rank)
    add_scenario_command(sub)
    for name, text in (
        ("validate", "Kontrollér filer til import og vis rapporten (ændrer intet)."),
        ("import", "Kontrollér og anvend en import (gemmes i datamappen)."),
    ):
        cmd = sub.add_parser(name, help=text)
        cmd.add_argument("paths", nargs="+", type=_file, help="filer: GeoJSON, GPKG, zip (Shapefile), CSV, XLSX")
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
            type=_folder,
            default=None,
            help="hvor importer gemmes (standard: $SELECTION_IMPORT_DIR eller .selection-data)",
        )
        _add_user(cmd)
    crit = sub.add_parser("critical", help="Skriv listen over værdier, der kan ændre valget (vurder dem først).")
    crit.add_argument(
        "--data", type=_folder, default=None, help="datamappe (standard: $SELECTION_DATA eller data/areas)"
    )
    crit.add_argument("--weights", default="", help="fx trust=1,actors=1,need=2 (id'er fra criteria.json)")
    crit.add_argument("--top", type=_top, default=3, help="kortlistens længde N (standard 3)")
    crit.add_argument("--out", type=_file, help="CSV-fil (standard: skriv til stdout)")
    crit.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    crit.add_argument("--format", choices=sorted(STYLES), default=None, help="CSV-format (standard excel-da)")
    crit.add_argument("--distance", type=_distance, help="afstand til aktører i meter (standard fra criteria.json)")
    crit.add_argument("--timestamp", type=_timestamp, help="fast tidsstempel (ISO 8601) for reproducerbare filer")
    reset = sub.add_parser("reset", help="Gå tilbage til det medleverede datasæt (importen gemmes som kopi).")
    reset.add_argument("--data-dir", type=_folder, default=None, help="importmappen")
    restore = sub.add_parser("restore", help="Brug den seneste import igen efter 'reset'.")
    restore.add_argument("--data-dir", type=_folder, default=None, help="importmappen")
    for cmd in (reset, restore):
        _add_user(cmd)
    add_assessment_commands(sub)
    from selection.cli.roles import add_roles_command

    add_roles_command(sub, _add_user)
    from selection.cli.report import add_report_command

    add_report_command(sub)
    return parser


def add_assessment_commands(sub: argparse._SubParsersAction) -> None:
    """``assessments export|import|history`` (the store: $SELECTION_DB_URL or the SQLite file)."""
    cmd = sub.add_parser("assessments", help="Lokale vurderinger: hent ark, indlæs ark, vis historik.")
    actions = cmd.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="Skriv et vurderingsark (CSV til dansk Excel eller XLSX).")
    export.add_argument(
        "--format",
        choices=["excel-da", "xlsx"],
        default=None,
        help="arkets format (standard: efter --out's filendelse, ellers excel-da)",
    )
    export.add_argument("--out", type=_file, required=True, help="filen, der skrives")
    export.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    load = actions.add_parser("import", help="Indlæs et udfyldt vurderingsark; hver række bliver en vurdering.")
    load.add_argument("file", type=_file, help="udfyldt ark (CSV eller XLSX)")
    load.add_argument("--assessor", required=True, help="vurderers navn (for rækker uden navn)")
    load.add_argument("--role", default="", help="rolle eller organisation (for rækker uden rolle)")
    _add_user(load)
    hist = actions.add_parser("history", help="Vis alle gemte vurderinger (ældste først).")
    hist.add_argument("--area", help="kun dette område-id")
    hist.add_argument("--indicator", help="kun dette indikator-id")
    for action in (export, load, hist):
        action.add_argument(
            "--data", type=_folder, default=None, help="datamappe (standard: importen eller data/areas)"
        )


def _add_user(cmd: argparse.ArgumentParser) -> None:
    """``--user``: the local administrator the change is recorded under (standard: the OS user)."""
    cmd.add_argument(
        "--user",
        default=None,
        help="navnet, ændringen registreres under som lokal administrator "
        "(standard: $SELECTION_USER eller styresystemets brugernavn)",
    )


def cli_actor(args: argparse.Namespace) -> Actor:
    """The command line acts as a named local administrator under the environment's access policy."""
    from selection.access import Actor, cli_identity, policy_from_settings

    return Actor(cli_identity(getattr(args, "user", None)), policy_from_settings(config.value))


def run_assessments(args: argparse.Namespace) -> int:
    """Run an ``assessments`` action; Danish output, errors exit 2."""
    from selection.cli.assessments import run_assessment_command

    return run_assessment_command(args)


def run_import(args: argparse.Namespace, apply: bool) -> int:
    """Validate (and with ``apply`` store) an import; print the Danish report."""
    from selection.importing import validate_import
    from selection.importing.apply import apply_import
    from selection.storage.packages import active_data_dir, store_problem

    if apply and (problem := store_problem(args.data_dir)):
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
        dataset = apply_import(plan, args.data_dir, actor=cli_actor(args))
        print(f"Importeret. Datasættet har nu version {dataset.version}.")
    else:
        print("Ingen fejl. Kør 'python -m selection import' med de samme filer for at anvende importen.")
    return 0


def _evaluated(args: argparse.Namespace, warn_store: bool = False) -> tuple[Dataset, Performance, ScoreResult]:
    """The data set in use (stored import, else bundled; stored assessments applied), scored at --weights."""
    if args.data is None:
        from selection.storage.packages import active_data_dir, store_problem

        if warn_store and (problem := store_problem()):
            print(f"ADVARSEL: {problem} Det medleverede datasæt bruges.", file=sys.stderr)
        args.data = active_data_dir()
    if args.out is not None:
        _check_out(args.out)
    dataset = open_workspace(args.data).dataset
    weights = parse_weights(args.weights, dataset.model.default_weights)
    if getattr(args, "scenario", None) is not None or getattr(args, "exclude", None):
        from selection.cli.scenarios import rank_settings
        from selection.scenarios import evaluate_settings

        perf, result = evaluate_settings(dataset, rank_settings(args, dataset, weights))
    else:
        perf, result = evaluate(dataset, weights, distance_m=args.distance)
    return dataset, perf, result


def _emit(args: argparse.Namespace, data: bytes, done: str) -> None:
    """Write ``data`` to --out (saying ``done`` on stderr) or to standard output."""
    if args.out:
        from selection.cli.report import _write as write_whole

        try:
            write_whole(args.out, data, overwrite=getattr(args, "overwrite", False))
        except FileExistsError:
            raise UsageError(_exists_text(args.out)) from None
        except OSError as exc:
            raise UsageError(f"Kan ikke skrive {args.out} ({os_reason(exc)}).") from None
        print(f"{done} til {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)


def run_rank(args: argparse.Namespace) -> int:
    dataset, perf, result = _evaluated(args, warn_store=True)
    extra = (
        robustness_extras(
            result, dataset, args.smaa, args.seed, perf.matrix, uncertain_indicators(dataset.model, perf.provenance)
        )
        if args.smaa
        else None
    )
    if args.format == "xlsx":
        table = shortlist_table(result, dataset, args.top, args.timestamp, extra, perf.provenance)
        priorities = priority_export_table(result, dataset, perf, args.top, args.timestamp)
        data = table_to_xlsx(table, caveat(table, dataset), about_sheet(result, dataset), priorities)
    else:
        data = shortlist_csv(result, dataset, args.top, args.format, args.timestamp, extra, perf.provenance)
    _emit(args, data, f"Skrev {count(min(args.top, len(result.ranked)), 'område', 'områder')}")
    return 0


def run_critical(args: argparse.Namespace) -> int:
    """Write the assessment priority list (``selection.analysis.critical.values``) as CSV."""
    dataset, perf, result = _evaluated(args)
    data = priority_csv(result, dataset, perf, args.top, args.format, args.timestamp)
    n_rows = data.decode(STYLES[args.format].encoding).count("\r\n") - 1
    _emit(args, data, f"Skrev {count(n_rows, 'værdi', 'værdier')}")
    return 0


FORMAT_SUFFIXES = {
    "excel-da": ".csv",
    "standard": ".csv",
    "xlsx": ".xlsx",
    "pdf": ".pdf",
    "html": ".html",
    "json": ".json",
}
SUFFIX_NAMES = {
    ".csv": "CSV",
    ".xlsx": "XLSX",
    ".xls": "XLS",
    ".pdf": "PDF",
    ".html": "HTML",
    ".htm": "HTML",
    ".json": "JSON",
}


def output_format(out: Path | None, given: str | None, choices: Sequence[str], default: str | None) -> str:
    """The format a command writes: --format if given, else read from --out's extension, else ``default``.

    A --format that contradicts a known extension of --out (``--format xlsx --out x.csv``) is refused
    (UsageError, Danish), as is an extension no choice writes; an unknown extension (``.txt``) is the user's choice.
    """
    suffix = out.suffix.lower() if out is not None else ""
    if suffix == ".htm":
        suffix = ".html"
    fits = [c for c in choices if FORMAT_SUFFIXES.get(c) == suffix]
    named = SUFFIX_NAMES.get(suffix)
    if given is not None:
        if named is not None and given not in fits:
            raise UsageError(
                f"--format {given} passer ikke til filnavnet {out} ({named}-fil); filen ville få et forkert indhold. "
                f"Brug filendelsen {FORMAT_SUFFIXES.get(given, '')} eller en --format, der skriver {named}"
                + (f" ({', '.join(fits)})." if fits else "; det kan denne kommando ikke.")
            )
        return given
    if fits:
        return default if default in fits else fits[0]
    if named is not None:
        written = sorted({FORMAT_SUFFIXES[c] for c in choices if c in FORMAT_SUFFIXES})
        raise UsageError(
            f"Kommandoen kan ikke skrive en {named}-fil ({out}); den skriver "
            f"{' eller '.join(SUFFIX_NAMES[w] for w in written)}. Giv filen endelsen {' eller '.join(written)}."
        )
    if default is None:
        raise UsageError(f"Angiv --format ({' eller '.join(choices)}); filnavnet {out} siger ikke hvilket.")
    return default


def _check_out(out: Path) -> None:
    """Refuse an --out that cannot be written before any work is done."""
    if out.is_dir():
        raise UsageError(f"--out {out} er en mappe; angiv et filnavn, fx {out / 'kortliste.csv'}.")
    if not out.parent.is_dir():
        raise UsageError(f"Mappen til --out findes ikke: {out.parent}. Opret den først, eller vælg en anden sti.")


def _exists_text(out: Path) -> str:
    return f"Filen {out} findes allerede; vælg et andet navn eller brug --overwrite for at erstatte den."


def _refuse_existing(out: Path, overwrite: bool) -> None:
    """A file the user saved (or a link to one) is never replaced unless --overwrite says so."""
    if not overwrite and out.is_file():  # follows a link; a device or pipe (/dev/stdout) is no saved file
        raise UsageError(_exists_text(out))


def main(argv: list[str] | None = None) -> int:
    """Run a command; every failure is a Danish message on stderr with exit code 2 (never a traceback)."""
    with _danish_argparse():
        args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except DataError as exc:
        print("Data kan ikke bruges:", file=sys.stderr)
        for problem in exc.report.errors:
            print(f"  FEJL: {problem}", file=sys.stderr)
        return 2
    except (WeightError, ValueError, StoreError) as exc:  # AssessmentError is a ValueError
        print(f"FEJL: {exc}", file=sys.stderr)
        return 2
    except MemoryError:
        print("FEJL: Der er ikke hukommelse nok til opgaven; intet er ændret.", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. '| head': the reader stopped early; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("Afbrudt.", file=sys.stderr)
        return 130
    except OSError as exc:  # a file or folder the command reads or writes (after BrokenPipeError, a subclass)
        where = f" {exc.filename}" if exc.filename else ""
        print(f"FEJL: Filen eller mappen{where} kan ikke bruges: {os_reason(exc)}. Intet er ændret.", file=sys.stderr)
        return 2
    except Exception as exc:  # the last guard: a Danish message instead of a traceback
        print(f"FEJL: Uventet fejl: {library_reason(exc)}. Intet er ændret.", file=sys.stderr)
        return 2


# Per command that writes a file: the formats it writes and the one used when neither --format nor --out says.
OUTPUT_FORMATS: dict[tuple[str, str | None], tuple[list[str], str | None]] = {
    ("rank", None): ([*STYLES, "xlsx"], "excel-da"),
    ("critical", None): ([*STYLES], "excel-da"),
    ("assessments", "export"): (["excel-da", "xlsx"], "excel-da"),
    ("report", None): (["pdf", "html"], None),
    ("scenario", "export"): (["json"], "json"),
}


def _resolve_output(args: argparse.Namespace) -> None:
    """Before any work: --out must be writable and agree with --format (which it supplies when omitted)."""
    formats = OUTPUT_FORMATS.get((args.command, getattr(args, "action", None)))
    if formats is None:
        return
    out = getattr(args, "out", None)
    if out is not None:
        _check_out(out)
        _refuse_existing(out, getattr(args, "overwrite", False))
    fmt = output_format(out, getattr(args, "format", None), *formats)
    if hasattr(args, "format"):
        args.format = fmt


def _run(args: argparse.Namespace) -> int:
    _resolve_output(args)
    if args.command == "assessments":
        return run_assessments(args)
    if args.command == "roles":
        from selection.cli.roles import run_roles

        return run_roles(args, cli_actor(args))
    if args.command == "critical":
        return run_critical(args)
    if args.command == "scenario":
        from selection.cli.scenarios import run_scenario_command

        return run_scenario_command(args)
    if args.command == "report":
        from selection.cli.report import run_report

        return run_report(args)
    if args.command in ("validate", "import"):
        return run_import(args, apply=args.command == "import")
    if args.command == "reset":
        from selection.importing.apply import reset_import

        backup = reset_import(args.data_dir, actor=cli_actor(args))
        print(
            "Det medleverede datasæt bruges igen."
            + (f" Importen er gemt i {backup} ('python -m selection restore' gendanner den)." if backup else "")
        )
        return 0
    if args.command == "restore":
        from selection.importing.apply import restore_import

        dataset = restore_import(args.data_dir, actor=cli_actor(args))
        print(f"Importen bruges igen (version {dataset.version}).")
        return 0
    return run_rank(args)
