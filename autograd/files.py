"""Atomic file writes: a reader sees the old file or the new one, never half of either.

Every file gradstep writes (pictures, HTML pages, model files, notebooks, benchmark results) goes
through here, so ``nn``, ``optim``, the scripts and the benchmarks all share this one implementation.

The bytes go to a temporary file in the same folder (so the final rename cannot cross file systems),
are flushed to disk, and only then replace the target with ``os.replace``. If anything fails on the
way, the temporary file is removed and the existing target is left exactly as it was.

What may be replaced:

* a regular file, or a name that does not exist yet;
* a **symbolic link is written through**: the file it points to is replaced (atomically, with the
  temporary file beside that file), and the link itself stays a link — as ``open(path, "w")`` would;
* anything else — a folder, a device such as ``/dev/null``, a fifo, a socket — is refused with
  :class:`NotARegularFileError` and left untouched. (Renaming over ``/dev/null`` as root would turn
  it into a plain file for every program on the machine.)

A process killed in the middle of a write leaves its temporary file behind. Those files are named
``.<target name>.<pid>-<random>.gradstep-tmp<suffix>``, so they are recognisable, and the next write
to the same target removes the ones whose process is no longer running.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

__all__ = [
    "NotARegularFileError",
    "TEMP_MARK",
    "atomic_path",
    "atomic_write",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_folder_writable",
    "describe_os_error",
    "file_kind",
    "writable_target",
]

TEMP_MARK = ".gradstep-tmp"  # in every temporary file's name, before the target's own suffix


class NotARegularFileError(OSError):
    """The target exists and is not a regular file (a folder, device, fifo or socket): never replaced."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a fifo (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def file_kind(mode: int) -> str:
    """What a ``st_mode`` says a path is, for messages: "a folder", "a fifo (named pipe)", …"""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def writable_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` would replace: ``path`` itself, or the end of its symlink chain.

    Raises :class:`NotARegularFileError` if that exists and is not a regular file, and
    :class:`FileNotFoundError` if its folder does not exist. Nothing is written.
    """
    given = Path(path)
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):  # not there yet (the folder is checked below)
        mode = None
    if mode is not None and not stat.S_ISREG(mode):
        shown = f"{given} (a link to {target})" if target != given else str(given)
        hint = "give a file name inside it" if stat.S_ISDIR(mode) else "choose an ordinary file name"
        raise NotARegularFileError(f"cannot write {shown}: it is {file_kind(mode)}, not a regular file; {hint}")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        if folder.exists():
            raise NotADirectoryError(f"cannot write {given}: {folder} is a file, not a folder")
        raise FileNotFoundError(f"cannot write {given}: the folder {folder} does not exist")
    return target


_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG)


def describe_os_error(err: OSError) -> str:
    """A failed write or read in one line a learner can act on (a full disk is not a bug in gradstep)."""
    if err.strerror is None:  # raised with a message of ours, which already says it all
        return str(err)
    where = os.fsdecode(err.filename) if err.filename else ""
    if err.errno in _FULL:
        return (f"cannot write {where or 'the output'}: no space left on the device (the disk or your quota is "
                "full); free some space and try again")
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {where or 'there'}: {err.strerror.lower()} (choose a folder you can write to)"
    if err.errno == errno.EEXIST and where:  # what mkdir says when the name is taken by a file
        return f"{where} already exists and is not a folder"
    return f"{where}: {err.strerror.lower()}" if where else err.strerror


def check_folder_writable(folder: str | os.PathLike[str], names: Iterable[str] = ()) -> None:
    """Raise OSError now if files cannot be written in ``folder``, or one of ``names`` there could not be
    replaced: for a command to fail before a long computation, not after it."""
    for name in names:
        writable_target(Path(folder) / name)
    fd, probe = _make_temp(Path(folder), f".write-check.{os.getpid()}-", TEMP_MARK)
    os.close(fd)
    os.unlink(probe)


def _make_temp(folder: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """``tempfile.mkstemp`` in ``folder``, whose errors name the folder rather than the temporary name."""
    try:
        return tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    except OSError as err:
        if err.errno == errno.ENOENT and folder.is_dir():  # /proc and the like say "no such file"
            raise OSError(errno.EACCES, "no new files can be made there", os.fspath(folder)) from None
        raise OSError(err.errno, err.strerror, os.fspath(folder)) from None


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def _remove_stale_temps(target: Path) -> None:
    """Remove temporary files that a killed write to ``target`` left (their process is gone)."""
    folder = target.parent if str(target.parent) else Path(".")
    ours = re.compile(rf"{re.escape(_temp_prefix(target))}(\d+)-\w+{re.escape(TEMP_MARK + target.suffix)}\Z")
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        found = ours.match(name)
        if found is None or _running(int(found.group(1))):
            continue
        with contextlib.suppress(OSError):
            os.unlink(folder / name)


def _running(pid: int) -> bool:
    if os.name != "posix":
        return True  # no cheap, harmless "is it alive?" there (os.kill would end the process)
    if pid == os.getpid():
        return True  # another thread of ours may be writing the same target right now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's live process (or a pid we cannot ask about): leave it
    return True


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``'s file; when the block succeeds, move it onto that file.

    For writers that want a file name (``matplotlib``'s ``savefig``, for instance). The temporary
    name ends in the target's suffix, so such writers still see the format they are asked for.
    """
    target = writable_target(path)
    _remove_stale_temps(target)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = _make_temp(folder, f"{_temp_prefix(target)}{os.getpid()}-", TEMP_MARK + target.suffix)
    os.close(fd)
    try:
        # mkstemp makes the file private (0600): keep the permissions of the file being replaced,
        # or give a new file the ones a plain open() would.
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        yield Path(tmp)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        writable_target(target)  # still a regular file (or absent) right before the swap
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> None:
    with atomic_path(path) as tmp:
        write(tmp)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    _write(path, lambda tmp: tmp.write_bytes(data))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (bytes, or text as UTF-8) to ``path`` atomically; return the path."""
    atomic_write_bytes(path, data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
