"""The temporary output folder next to ``site/`` and the swap that replaces ``site/``.

The engine writes into ``.site.bouw`` beside ``site/`` (same file system, so a rename is
atomic). Only when the engine, the hooks and the privacy scan all passed does :func:`swap_in`
put it in place: with ``renameat2(RENAME_EXCHANGE)`` on Linux the two folders trade places in
one step (a reader sees the old site or the new one, never none), elsewhere with two renames.
On any failure :func:`discard` deletes the temporary output and ``site/`` is untouched.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path

RENAME_EXCHANGE = 2
AT_FDCWD = -100


def temp_output(site_dir: Path) -> Path:
    """The (empty) folder the engine builds into: ``.site.bouw`` beside ``site/``."""
    temp = site_dir.parent / f".{site_dir.name}.bouw"
    discard(temp)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    return temp


def discard(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def leftovers(site_dir: Path) -> list[Path]:
    """Temporary folders of earlier builds beside ``site/`` (there should be none)."""
    return sorted(p for p in site_dir.parent.glob(f".{site_dir.name}.*") if p.is_dir())


def swap_in(built: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` by ``built``; the old site is deleted afterwards."""
    if site_dir.exists() and _exchange(built, site_dir):
        discard(built)  # now holds the old site
        return
    old: Path | None = None
    if site_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.oud-", dir=site_dir.parent))
        old.rmdir()
        site_dir.rename(old)
    built.rename(site_dir)
    if old is not None:
        discard(old)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2``); False when not available."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    result = renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0
