"""One build at a time: an exclusive lock on a small file, released by the OS when the
process ends (a killed build leaves no stale lock behind).

``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows: both are held by the open file
and dropped by the kernel when the process dies, however it dies. The file itself stays
(deleting it while another process waits on it would let two builds hold "the" lock on two
different files); its text, the PID and start time of the holder, is only for the message
the second build prints. See docs/publishing.md.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

from generator.errors import BuildError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _holder(path: Path) -> str:
    with contextlib.suppress(OSError, UnicodeDecodeError):
        text = path.read_text("utf-8").strip()
        if text:
            return f"（{text}）"
    return ""


@contextlib.contextmanager
def hold(path: Path, what: str) -> Iterator[None]:
    """Hold the lock ``path`` for the ``with`` block, or raise ``BuildError`` at once when
    another process holds it. ``what`` names what is locked, for the message."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise BuildError(
            f"无法创建锁文件（{exc.strerror}）",
            file=str(path),
            hint="请确认运行 gongshi 的用户对这个文件夹有写权限，或用 -o 指定另一个输出文件夹。",
        ) from None
    try:
        if not _try_lock(fd):
            raise BuildError(
                f"另一个 gongshi build 正在生成{what}{_holder(path)}，本次未运行，原网站保持不变",
                file=str(path),
                hint="等它结束后再运行。锁由操作系统在那个进程结束时自动释放："
                "如果确实没有 gongshi 在运行，重新运行即可，不用删除锁文件。",
            )
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            os.write(fd, f"进程 {os.getpid()}，{stamp} 开始\n".encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
