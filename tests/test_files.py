"""autograd.files: atomic writes never replace special files, write through symlinks, and clean up
the temporary files that a killed write leaves behind."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from autograd.files import TEMP_MARK, NotARegularFileError, atomic_path, atomic_write

needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="mknod needs root")


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@needs_root
def test_a_character_device_is_refused_and_stays_a_device(tmp_path: Path) -> None:
    # A private copy of /dev/null (same major/minor), so a regression cannot break the machine's own.
    device = tmp_path / "null"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    with pytest.raises(NotARegularFileError, match=r"null: it is a character device, not a regular file"):
        atomic_write(device, "x")
    assert stat.S_ISCHR(os.lstat(device).st_mode)
    assert _listing(tmp_path) == ["null"]


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFileError, match="fifo"):
        atomic_write(fifo, b"x")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert _listing(tmp_path) == ["pipe"]


def test_a_socket_is_refused() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as short:  # socket paths must be short
        path = Path(short) / "s"
        server = socket.socket(socket.AF_UNIX)
        try:
            server.bind(str(path))
            with pytest.raises(NotARegularFileError, match="socket"):
                atomic_write(path, "x")
            assert stat.S_ISSOCK(os.lstat(path).st_mode)
        finally:
            server.close()


def test_a_folder_is_refused_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(NotARegularFileError, match="it is a folder, not a regular file; give a file name inside it"):
        atomic_write(tmp_path / "out", "x")
    assert (tmp_path / "out").is_dir()


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "data" / "model.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    atomic_write(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert _listing(real.parent) == ["model.json"]  # the temporary file lived beside the target
    assert _listing(tmp_path) == ["data", "latest.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "made.txt")
    atomic_write(link, "hello")
    assert link.is_symlink() and (tmp_path / "made.txt").read_text() == "hello"


def test_a_symlink_to_a_device_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.svg"
    link.symlink_to(fifo)
    with pytest.raises(NotARegularFileError, match=r"out.svg \(a link to .*pipe\): it is a fifo"):
        atomic_write(link, "x")
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_the_permissions_of_the_replaced_file_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and path.read_text() == "new"


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="the folder .*nowhere does not exist"):
        atomic_write(tmp_path / "nowhere" / "x.txt", "x")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temp_files_of_dead_writers_are_removed_by_the_next_write(tmp_path: Path) -> None:
    target = tmp_path / "model.json"
    dead = tmp_path / f".model.json.{_dead_pid()}-abc123{TEMP_MARK}.json"
    alive = tmp_path / f".model.json.{os.getppid()}-def456{TEMP_MARK}.json"  # a live process: keep
    other = tmp_path / f".other.json.{_dead_pid()}-abc123{TEMP_MARK}.json"  # another target's: keep
    unrelated = tmp_path / ".model.json.notes"
    for path in (dead, alive, other, unrelated):
        path.write_text("leftover")
    atomic_write(target, "{}")
    assert _listing(tmp_path) == sorted([alive.name, other.name, unrelated.name, "model.json"])


def test_a_write_killed_midway_leaves_a_recognisable_temp_that_the_next_write_cleans(tmp_path: Path) -> None:
    target = tmp_path / "big.json"
    target.write_text("old")
    ready = tmp_path / "ready"
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from autograd.files import atomic_path
        with atomic_path({str(target)!r}) as tmp:
            tmp.write_bytes(b"x" * 100_000)
            Path({str(ready)!r}).touch()
            time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert time.monotonic() < deadline and child.poll() is None, "the writer did not start"
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
    left = [n for n in _listing(tmp_path) if TEMP_MARK in n]
    assert len(left) == 1 and left[0].startswith(f".big.json.{child.pid}-"), left
    assert target.read_text() == "old"  # the kill never touched the target
    atomic_write(target, "new")
    assert _listing(tmp_path) == ["big.json", "ready"] and target.read_text() == "new"


def test_a_failed_write_leaves_the_target_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert _listing(tmp_path) == ["a.txt"] and target.read_text() == "old"


def test_a_file_where_the_folder_should_be_is_named(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(NotADirectoryError, match="afile is a file, not a folder"):
        atomic_write(tmp_path / "afile" / "x.svg", "x")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_folder_where_nothing_can_be_created_is_named_not_the_temp_file() -> None:
    with pytest.raises(OSError) as info:
        atomic_write("/proc/g.svg", "x")
    assert info.value.filename == "/proc" and TEMP_MARK not in str(info.value)
    assert "no new files can be made there" in str(info.value)
