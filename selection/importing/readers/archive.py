"""Zip files: refuse path traversal, too many members and too much unpacked data; read members bounded."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from selection.errors import Report, library_reason
from selection.importing.readers.source import ImportFile, size_text
from selection.limits import Limits


def check_zip(item: ImportFile, limits: Limits, report: Report) -> zipfile.ZipFile | None:
    """Open a zip and refuse path traversal, too many members and too much unpacked data."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(item.data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        report.error(f"Filen kan ikke åbnes som zip-fil: {library_reason(exc)}.", item.name)
        return None
    if len(infos) > limits.max_zip_members:
        report.error(f"Zip-filen har for mange filer ({len(infos)}); grænsen er {limits.max_zip_members}.", item.name)
        return None
    unsafe = [i.filename for i in infos if _unsafe_member(i.filename)]
    if unsafe:
        report.error(
            "Zip-filen indeholder usikre stier (../ eller absolutte stier) og afvises: " + ", ".join(unsafe[:5]) + ".",
            item.name,
        )
        return None
    total = sum(i.file_size for i in infos)
    if total > limits.max_unzipped_bytes:
        report.error(
            f"Zip-filen fylder {size_text(total)} udpakket; grænsen er {size_text(limits.max_unzipped_bytes)}.",
            item.name,
        )
        return None
    return zf


def _unsafe_member(name: str) -> bool:
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return True
    return ".." in posixpath.normpath(norm).split("/") or ".." in norm.split("/")


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """Read a member but never more than ``budget`` bytes (a lying header cannot blow up memory)."""
    with zf.open(info) as fh:
        data = fh.read(budget + 1)
    if len(data) > budget:
        raise ValueError("udpakket indhold overskrider grænsen")
    return data
