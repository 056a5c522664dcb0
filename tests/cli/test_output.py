"""Files the command line writes: --format and the --out extension agree (or the format is read from it),
and file-system errors are Danish (never the OS's English text or a traceback)."""

from __future__ import annotations

import errno
import re
from pathlib import Path

import pytest

from selection.cli.main import main
from selection.errors import os_reason
from tests.support.factory import make_package

ENGLISH = re.compile(r"Errno|Permission denied|No such file|Is a directory|No space|Read-only|File exists|Traceback")


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    return make_package(tmp_path_factory.mktemp("out") / "p")


def cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "name", "says"),
    [
        (["rank", "--format", "xlsx"], "kortliste.csv", "--format xlsx passer ikke"),
        (["rank", "--format", "standard"], "kortliste.xlsx", "--format standard passer ikke"),
        (["rank"], "kortliste.pdf", "kan ikke skrive en PDF-fil"),
        (["critical"], "prioriteter.xlsx", "kan ikke skrive en XLSX-fil"),
        (["critical", "--format", "excel-da"], "prioriteter.json", "--format excel-da passer ikke"),
        (["assessments", "export", "--format", "xlsx"], "ark.csv", "--format xlsx passer ikke"),
        (["assessments", "export", "--format", "excel-da"], "ark.XLSX", "--format excel-da passer ikke"),
        (["report", "--format", "pdf"], "rapport.html", "--format pdf passer ikke"),
        (["report", "--format", "html"], "rapport.pdf", "--format html passer ikke"),
        (["report"], "rapport.txt", "Angiv --format"),
        (["scenario", "export"], "scenarier.csv", "kan ikke skrive en CSV-fil"),
    ],
)
def test_a_format_that_contradicts_the_file_name_is_refused(capsys, package, tmp_path, args, name, says):
    out = tmp_path / name
    data = [] if args[0] == "scenario" else ["--data", str(package)]
    code, err = cli(capsys, *args, *data, "--out", str(out))
    assert code == 2
    assert says in err
    assert not out.exists()


def test_an_existing_file_is_untouched_by_a_refused_format(capsys, package, tmp_path):
    out = tmp_path / "mine.csv"
    out.write_text("mine", encoding="utf-8")
    code, _ = cli(capsys, "rank", "--data", str(package), "--format", "xlsx", "--out", str(out))
    assert code == 2
    assert out.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize(
    ("args", "name", "magic"),
    [
        (["rank"], "kortliste.xlsx", b"PK"),
        (["rank"], "kortliste.csv", b"\xef\xbb\xbf"),  # excel-da: UTF-8 with BOM
        (["assessments", "export"], "ark.xlsx", b"PK"),
        (["assessments", "export"], "ark.csv", b"\xef\xbb\xbf"),
        (["report", "--smaa", "100"], "rapport.htm", b"<!DOCTYPE html"),
    ],
)
def test_without_format_the_file_name_decides(capsys, package, tmp_path, args, name, magic):
    out = tmp_path / name
    code, err = cli(capsys, *args, "--data", str(package), "--out", str(out))
    assert code == 0, err
    assert out.read_bytes().startswith(magic)


def test_an_extension_that_names_no_format_is_the_users_choice(capsys, package, tmp_path):
    out = tmp_path / "kortliste.txt"
    code, err = cli(capsys, "rank", "--data", str(package), "--format", "standard", "--out", str(out))
    assert code == 0, err
    assert out.read_text(encoding="utf-8").splitlines()[0].count(",") > 2


@pytest.mark.parametrize(
    ("number", "danish"),
    [
        (errno.EACCES, "adgang nægtet"),
        (errno.EPERM, "ikke tilladt"),
        (errno.ENOENT, "findes ikke"),
        (errno.EISDIR, "er en mappe"),
        (errno.ENOSPC, "disken er fuld"),
        (errno.EROFS, "skrivebeskyttet"),
        (errno.EEXIST, "findes allerede"),
        (errno.ENOTDIR, "ikke en mappe"),
        (errno.EXDEV, "systemfejl nr."),  # not translated: the number, never the English text
    ],
)
def test_os_errors_are_told_in_danish(number, danish):
    import os

    text = os_reason(OSError(number, os.strerror(number), "/x/y.csv"))
    assert danish in text
    assert os.strerror(number) not in text


def test_a_full_disk_is_told_in_danish(capsys, package):
    code, err = cli(capsys, "rank", "--data", str(package), "--out", "/dev/full")
    assert code == 2
    assert "disken er fuld" in err
    assert not ENGLISH.search(err)


@pytest.mark.parametrize(
    "args",
    [
        ["assessments", "import", "{dir}", "--assessor", "Bo"],
        ["scenario", "import", "{dir}"],
        ["rank", "--data", "{pkg}", "--out", "{dir}/sub/x.csv"],
    ],
)
def test_reading_a_folder_or_missing_path_is_told_in_danish(capsys, package, tmp_path, args):
    filled = [a.format(dir=tmp_path, pkg=package) for a in args]
    code, err = cli(capsys, *filled)
    assert code == 2
    assert err.startswith("FEJL")
    assert not ENGLISH.search(err)


def test_a_device_and_a_link_are_written_through(package, tmp_path):
    import subprocess
    import sys

    from tests.support.factory import REPO

    proc = subprocess.run(
        [sys.executable, "-m", "selection", "rank", "--data", str(package), "--out", "/dev/stdout"],
        cwd=REPO,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode("utf-8-sig").startswith("FORBEHOLD")
    target, link = tmp_path / "rigtig.csv", tmp_path / "link.csv"
    target.write_text("gammel", encoding="utf-8")
    link.symlink_to(target)
    assert main(["rank", "--data", str(package), "--out", str(link), "--overwrite"]) == 0
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8-sig").startswith("FORBEHOLD")


OUTPUT_COMMANDS = [
    (["rank"], "kortliste.csv"),
    (["rank"], "kortliste.xlsx"),
    (["critical"], "prioriteter.csv"),
    (["assessments", "export"], "ark.csv"),
    (["scenario", "export"], "scenarier.json"),
    (["report", "--smaa", "100"], "rapport.html"),
]


@pytest.mark.parametrize(("args", "name"), OUTPUT_COMMANDS)
def test_an_existing_file_is_never_replaced_without_overwrite(capsys, package, tmp_path, args, name):
    """A file the user saved (or a link to one) stays byte-identical; the message names --overwrite."""
    out = tmp_path / name
    out.write_bytes(b"mit eget ark")
    link = tmp_path / f"link-{name}"
    link.symlink_to(out)
    data = [] if args[0] == "scenario" else ["--data", str(package)]
    for target in (out, link):
        code, err = cli(capsys, *args, *data, "--out", str(target))
        assert code == 2, err
        assert "findes allerede" in err
        assert "--overwrite" in err
        assert not ENGLISH.search(err)
        assert out.read_bytes() == b"mit eget ark"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, link.name])  # no temporary file left
    code, err = cli(capsys, *args, *data, "--out", str(out), "--overwrite")
    assert code == 0, err
    assert out.read_bytes() != b"mit eget ark"


def test_a_file_made_while_the_command_works_is_not_replaced(tmp_path):
    """The check before the work and the write can be seconds apart (a PDF report): the write itself never
    replaces a file without --overwrite."""
    from selection.cli.files import write_file

    out = tmp_path / "kortliste.csv"
    out.write_bytes(b"gemt imens")
    with pytest.raises(FileExistsError):
        write_file(out, b"ny", overwrite=False)
    assert out.read_bytes() == b"gemt imens"
    assert [p.name for p in tmp_path.iterdir()] == ["kortliste.csv"]
    write_file(out, b"ny", overwrite=True)
    assert out.read_bytes() == b"ny"


def test_without_hard_links_the_file_is_still_made_only_if_new(tmp_path, monkeypatch):
    """Some network shares have no hard links: the file is then created exclusively instead."""
    import os

    from selection.cli.files import write_file

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    out = tmp_path / "kortliste.csv"
    write_file(out, b"ny", overwrite=False)
    assert out.read_bytes() == b"ny"
    with pytest.raises(FileExistsError):
        write_file(out, b"igen", overwrite=False)
    assert out.read_bytes() == b"ny"
    assert [p.name for p in tmp_path.iterdir()] == ["kortliste.csv"]
