"""Read a file in a child process while this one writes: two cores for one import.

On the benchmark (a million-row tidy CSV) reading and parsing take about as
long as writing to the database, so ``read_in_child`` runs the reader in a
forked process that sends records to the loader in batches of tuples (an
``Observation``'s fields in order, or for a plain observation — no unit,
multiplier, status, nature, footnote or source — just series, indicator,
area, scheme, period, year, value, dimensions, line and series name: see
``loader.PLAIN``); a tuple costs a tenth of an object to pickle. ``Problem`` records travel as they are; a ``FormatError`` is sent
and raised again here. Records arrive in file order, so the loader and its
guarantees are unchanged: the child never touches the database, and the
import still commits once, in this process.

If this process dies, the child's next send fails on the closed pipe and it
exits; if the import stops early (refused, crashed), the child is killed.
Only where ``fork`` exists (Linux, macOS); elsewhere the caller reads in
process.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Iterator
from dataclasses import fields
from operator import attrgetter

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows, which has no fork either
    fcntl = None

from .formats.records import FormatError, Observation, ReadStats

__all__ = ["available", "read_in_child"]

BATCH = 4000
# Kernel buffer asked for on the pipe (Linux; the default is 64 KB). A batch
# pickles to some 200 KB, so with the default the child blocks in ``send``
# until the loader comes back for the next batch, and cannot read ahead while
# the loader writes a chunk to the database: with 1 MB it keeps about five
# batches (20,000 rows, two chunks) in flight, and the two processes overlap.
# 1 MB is the unprivileged maximum by default (/proc/sys/fs/pipe-max-size).
PIPE_BYTES = 1 << 20
_AS_TUPLE = attrgetter(*(f.name for f in fields(Observation)))


def available() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _child(connection, reader, path, default_area, options) -> None:
    try:
        batch: list = []
        as_tuple = _AS_TUPLE
        stats = ReadStats()
        for record in reader.read(path, default_area=default_area, options=options, stats=stats):
            if type(record) is Observation:
                row = as_tuple(record)
                if row[8] is None and row[9] is None and row[10] is None and row[11] is None and (
                    row[12] is None and row[13] is None
                ):
                    # A plain observation: no unit, multiplier, status, nature, footnote or source.
                    row = (row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[14], row[15])
                batch.append(row)
            else:
                batch.append(record)
            if len(batch) >= BATCH:
                connection.send(("records", batch))
                batch = []
        connection.send(("records", batch))
        connection.send(("end", stats))
    except FormatError as error:
        connection.send(("format-error", error))
    except (BrokenPipeError, EOFError, OSError) as error:
        if isinstance(error, (BrokenPipeError, EOFError)):
            return  # the importing process is gone: stop quietly
        connection.send(("os-error", f"{type(error).__name__}: {error}"))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        connection.send(("crash", traceback.format_exc()))
    finally:
        connection.close()


def _widen(connection) -> None:
    """Enlarge the pipe's buffer to ``PIPE_BYTES`` where the system allows it
    (only a matter of speed: records and their order are the same either way)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)  # Linux only (and None when fcntl is)
    if set_size is None:
        return
    try:
        fcntl.fcntl(connection.fileno(), set_size, PIPE_BYTES)
    except OSError:
        pass  # a lower pipe-max-size: keep the default buffer


def read_in_child(reader, path, *, default_area=None, options=None, stats: ReadStats | None = None) -> Iterator:
    """Yield what ``reader.read(path, …)`` yields, read in a forked process;
    the child's ``ReadStats`` are copied into ``stats`` at the end."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    _widen(receiver)
    process = context.Process(
        target=_child, args=(sender, reader, str(path), default_area, options), daemon=True, name="gcmhub-reader"
    )
    process.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = receiver.recv()
            except EOFError:
                raise RuntimeError("the reader process stopped without finishing the file") from None
            if kind == "records":
                yield from payload
            elif kind == "end":
                if stats is not None and payload is not None:
                    stats.__dict__.update(payload.__dict__)
                return
            elif kind == "format-error":
                raise payload
            elif kind == "os-error":
                raise OSError(payload)
            else:
                raise RuntimeError(f"the reader failed:\n{payload}")
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(timeout=10)
        if process.exitcode is None:  # pragma: no cover - a stuck child
            os.kill(process.pid, 9)
