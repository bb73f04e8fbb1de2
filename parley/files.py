"""Files parley writes (``--out``, exports, caches) and reads (sources): only what parley owns is touched.

parley often runs as root, so a careless write can break the machine: renaming a temporary file over
``/dev/null`` or a named pipe replaces the device with a regular file. :func:`open_output` therefore
replaces atomically (a temporary file renamed over the target) only regular files and new paths; a
character device, a FIFO or a socket is opened and written as it is, and ``-`` is standard output.
New files get the mode the umask gives (``0666 & ~umask``, like any shell redirect); a replaced
file keeps its own mode and, where allowed, its owner.

:func:`source_problem` says why a path cannot be read as a source (a FIFO would block the run
waiting for a writer, a device never ends, a symbolic link loop never resolves).
"""

from __future__ import annotations

import errno
import io
import os
import re
import secrets
import socket
import stat
import sys
from types import TracebackType
from typing import IO, Any

#: Names of descriptors this process inherited: replacing what they resolve to (a log file opened
#: for appending) would be wrong, reopening them would truncate; they are written through a copy.
_INHERITED = re.compile(r"/dev/(stdout|stderr)|/dev/fd/(\d+)|/proc/self/fd/(\d+)")

#: What a file type is called in messages, by ``stat.S_IFMT`` value.
_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


class Output:
    """An open output: write to ``handle``, then :meth:`close` (complete or not).

    For a regular file the data goes to a temporary file beside the target, renamed over it only by
    a complete close, so readers see the old file or the whole new one and an interrupted run leaves
    the old file as it was. Devices, FIFOs, sockets and standard output are written directly.
    """

    def __init__(self, handle: IO[Any], target: str, partial: str | None, owned: bool) -> None:
        self.handle = handle
        self.target = target
        self._partial = partial  # the temporary file renamed over ``target`` on a complete close
        self._owned = owned  # False for standard output, which stays open
        self._closed = False

    def close(self, complete: bool = True) -> None:
        """Finish the output: rename the temporary file into place, or drop it when incomplete."""
        if self._closed:
            return
        self._closed = True
        try:
            if self._owned:
                self.handle.close()
            else:
                self.handle.flush()
        finally:
            if self._partial is not None:
                if complete:
                    os.replace(self._partial, self.target)
                else:
                    os.unlink(self._partial)

    def __enter__(self) -> Output:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close(complete=True)
        else:
            try:
                self.close(complete=False)
            except OSError:
                pass  # the error that ended the write is the one to report


def open_output(target: str | os.PathLike[str], *, binary: bool = False) -> Output:
    """Open ``target`` for writing: ``-`` is standard output, a device/FIFO/socket is written as it
    is, anything else is written to a temporary file that a complete :meth:`Output.close` renames
    over it. A symbolic link is followed (the file it points to is replaced, the link stays).

    Raises :class:`OSError` (``IsADirectoryError`` for a directory) when the target cannot be written.
    """
    name = os.fspath(target)
    if name == "-":
        return Output(sys.stdout.buffer if binary else sys.stdout, name, None, owned=False)
    inherited = _INHERITED.fullmatch(name)
    if inherited:  # /dev/stdout, /dev/fd/N: the descriptor as the shell opened it (append, pipe...)
        which = inherited.group(1)
        number = {"stdout": 1, "stderr": 2}[which] if which else int(inherited.group(2) or inherited.group(3))
        fd = os.dup(number)
        return Output(_text(os.fdopen(fd, "wb"), binary), name, None, owned=True)
    try:
        found: os.stat_result | None = os.stat(name)
    except FileNotFoundError:
        found = None
    path = os.path.realpath(name)
    if found is not None and stat.S_ISDIR(found.st_mode):
        raise IsADirectoryError(21, "is a directory", name)
    if found is not None and stat.S_ISSOCK(found.st_mode):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(path)
            raw = connection.makefile("wb")
        finally:
            connection.close()  # the file object keeps the connection open
        return Output(_text(raw, binary), name, None, owned=True)
    if found is not None and not stat.S_ISREG(found.st_mode):
        # O_NOCTTY: writing to a terminal device must not make it this process's controlling one.
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        return Output(_text(os.fdopen(fd, "wb"), binary), name, None, owned=True)
    fd, partial = _create_beside(path)
    try:
        if found is not None:
            os.fchmod(fd, stat.S_IMODE(found.st_mode))
            if (found.st_uid, found.st_gid) != (os.getuid(), os.getgid()):
                try:
                    os.fchown(fd, found.st_uid, found.st_gid)
                except PermissionError:
                    pass  # not root: the file becomes ours, as any editor's save would make it
        handle = _text(os.fdopen(fd, "wb"), binary)
    except BaseException:
        os.close(fd)
        os.unlink(partial)
        raise
    return Output(handle, path, partial, owned=True)


def write_output(target: str | os.PathLike[str], data: str | bytes) -> None:
    """Write all of ``data`` to ``target`` by the rules of :func:`open_output`."""
    with open_output(target, binary=isinstance(data, bytes)) as output:
        output.handle.write(data)


def _create_beside(path: str) -> tuple[int, str]:
    """A new, uniquely named hidden file in ``path``'s directory, created with mode 0666 so that
    the kernel applies the umask (and any default ACL) as it does for a shell redirect."""
    folder, base = os.path.split(path)
    while True:
        partial = os.path.join(folder, f".{base}.{secrets.token_hex(4)}.part")
        try:
            return os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), partial
        except FileExistsError:
            continue


def _text(raw: IO[bytes], binary: bool) -> IO[Any]:
    if binary:
        return raw
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")  # type: ignore[arg-type]


def source_problem(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` cannot be read as a source, or None for a regular file or a directory.

    A missing path is left to the reader (its error names the file the same way).
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError as err:
        if err.errno == errno.ELOOP:
            return "a symbolic link that points (through others) back to itself"
        return err.strerror.lower() if err.strerror else str(err)
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return f"{kind}, not a regular file or directory; use '-' to read standard input"


def open_source(path: str | os.PathLike[str]) -> IO[bytes]:
    """``path`` opened for reading in binary, provided it is a regular file: it is opened without
    blocking and checked on the open descriptor, so a FIFO put in its place after
    :func:`source_problem` looked can never make the run wait. Raises :class:`OSError` otherwise."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
            raise OSError(errno.EINVAL, f"{kind}, not a regular file", os.fspath(path))
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_text(path: str | os.PathLike[str]) -> str:
    """A small text file given by the user (a rules file, a list of sources, a secret), read whole
    through :func:`open_source`, so that a FIFO or device in its place is an error, not a wait.
    Raises :class:`OSError` or :class:`UnicodeDecodeError`."""
    with open_source(path) as stream:
        return stream.read().decode("utf-8")


def is_regular(path: str | os.PathLike[str]) -> bool:
    """True for a regular file (a symbolic link to one included), without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
