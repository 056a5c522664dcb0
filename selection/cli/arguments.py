"""The command line's arguments: argparse in Danish, the strict argument types, --weights, --user, the actor.

Every group module (``selection.cli.rank`` …) builds its commands from these; nothing here runs a command.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from selection import config
from selection.errors import WeightError
from selection.limits import MAX_DISTANCE_M, MAX_WEIGHT, smaa_samples_problem
from selection.text.number_parser import Convention, NumberError, parse_number

if TYPE_CHECKING:
    from selection.access import Actor

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
def danish_argparse() -> Iterator[None]:
    """argparse's messages in Danish while the command line is parsed (and help is printed)."""
    # argparse looks its messages up through a private gettext alias that typeshed does not declare.
    original = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: ARGPARSE_DANISH.get(text, original(text))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = original  # type: ignore[attr-defined]


WEIGHTS_HELP = (
    "fx trust=1,actors=1,need=2, eller med kriteriernes navne og decimalkomma: "
    "'Tillidsfulde indsatser=2,5; Vurderet behov=3' (id'er og navne fra criteria.json)"
)


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def criterion_id(given: str, ids: Sequence[str], labels: Mapping[str, str] | None = None) -> str:
    """The criterion ``given`` names: its id or its Danish label, in any case and spacing, or the unambiguous
    start of one ('vurderet' is need, 'tillid' is trust). Unknown or ambiguous: WeightError listing the choices."""
    names = {cid: {_key(cid), _key((labels or {}).get(cid, cid))} for cid in ids}
    wanted = _key(given)
    exact = [cid for cid in ids if wanted in names[cid]]
    found = exact or ([cid for cid in ids if any(n.startswith(wanted) for n in names[cid])] if wanted else [])
    choices = ", ".join(f"{cid} ({labels[cid]})" if labels and cid in labels else cid for cid in ids)
    if len(found) > 1:
        raise WeightError(
            f"'{given[:40]}' kan være flere kriterier ({', '.join(found)}); skriv mere af navnet. "
            f"Kendte kriterier: {choices}."
        )
    if not found:
        raise WeightError(f"Ukendt kriterium '{given[:40]}'. Kendte kriterier: {choices}.")
    return found[0]


def parse_weights(text: str, defaults: dict[str, float], labels: Mapping[str, str] | None = None) -> dict[str, float]:
    """Parse 'trust=2,actors=1,need=3', or with the Danish labels and decimal comma 'Tillidsfulde indsatser=2,5;
    Vurderet behov=3' (';' between the criteria lets a weight have a decimal comma); criteria not named keep their
    default weight. A criterion is named by its id or its label (case and spacing do not matter), or by the
    unambiguous start of one ('vurderet=3')."""
    weights = dict(defaults)
    named: set[str] = set()
    convention: Convention = "auto" if ";" in text else "standard"
    separator = ";" if ";" in text else ","
    for part in filter(None, (p.strip() for p in text.split(separator))):
        if "=" not in part:
            raise WeightError(f"'{part[:40]}' skal skrives som kriterium=vægt, fx need=2 eller 'Vurderet behov=2'.")
        given, _, raw = part.partition("=")
        given = given.strip()
        key = criterion_id(given, list(defaults), labels)
        if key in named:
            raise WeightError(f"Kriteriet '{given}' står flere gange i --weights; angiv hver vægt én gang.")
        named.add(key)
        try:
            value = parse_number(raw.strip(), convention)
        except NumberError as exc:
            raise WeightError(f"Vægten for '{given}' skal være et tal: {exc}") from None
        if value is None:
            raise WeightError(f"Vægten for '{given}' mangler (skriv fx {key}=2).")
        if value < 0:
            raise WeightError(f"Vægten for '{given}' må ikke være negativ (fik {raw.strip()[:40]}).")
        if value > MAX_WEIGHT:
            raise WeightError(
                f"Vægten for '{given}' er for stor: højst {MAX_WEIGHT:,.0f}".replace(",", ".")
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


def distance(text: str) -> float:
    value = _number_arg(text, "afstanden")
    if not 0 <= value <= MAX_DISTANCE_M:
        raise argparse.ArgumentTypeError(
            f"afstanden skal være mellem 0 og {MAX_DISTANCE_M:,.0f} m".replace(",", ".") + f" (fik {text[:40]})."
        )
    return value


def whole(text: str, what: str, low: int, high: int) -> int:
    value = _number_arg(text, what)
    if not float(value).is_integer() or not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"{what} skal være et helt tal mellem {low:,} og {high:,}".replace(",", ".") + f" (fik {text[:40]})."
        )
    return int(value)


def top(text: str) -> int:
    return whole(text, "--top", 1, 10_000)


def smaa(text: str) -> int:
    value = whole(text, "antal vægtninger", 0, 2**63)
    if problem := smaa_samples_problem(value):
        raise argparse.ArgumentTypeError(problem)
    return value


def seed(text: str) -> int:
    return whole(text, "startværdien", 0, 2**32 - 1)


def timestamp(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text[:40]}' er ikke et tidspunkt i ISO 8601-format, fx 2026-11-23T10:00:00+01:00."
        ) from None


OVERWRITE_HELP = "erstat filen, hvis den findes (ellers nægtes det: en gemt fil overskrives aldrig ved et uheld)"


def folder(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("mappenavnet er tomt.")
    return Path(text)


def file(text: str) -> Path:
    if not text.strip():
        raise argparse.ArgumentTypeError("filnavnet er tomt.")
    return Path(text)


def add_user(cmd: argparse.ArgumentParser) -> None:
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
