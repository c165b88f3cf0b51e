"""Finding repeated keys within one file, in little memory.

A file may repeat a key (series, area, period, dimensions): the same value
again is skipped and counted; a different value is a problem on the later
line that names the earlier one.

Remembering every key is the one thing a streaming reader cannot avoid.
``LineIndex`` keeps, per key, 16 bytes in one flat array — a 64-bit hash of
the key, then the line and a 32-bit hash of the value — in an
open-addressing table kept at most three-quarters full: 22–43 bytes per
distinct key (a million keys take 32 MB), against some 200 bytes for a dict
of tuples. Two different keys sharing a 64-bit hash (odds about 1 in 10¹⁰
for a million keys) would be taken for a repeat; two different values
sharing a 32-bit hash under one key (1 in 4·10⁹ per repeated key) for an
identical repeat.

``LabelIndex`` is the plain-dict version for spreadsheets and XML, whose
row references are text ("Table 1!12") and whose size Excel caps.
"""

from __future__ import annotations

from array import array

__all__ = ["NEW", "SAME", "LabelIndex", "LineIndex"]

NEW = 0
SAME = -1
MASK32 = 0xFFFFFFFF


class LineIndex:
    """Slots ``2i`` (key hash, 0 = free) and ``2i+1`` (line << 32 | value hash)."""

    __slots__ = ("table", "mask", "count", "limit")

    def __init__(self, expected: int = 0):
        self._allocate(max(1024, expected))
        self.count = 0

    def _allocate(self, expected: int) -> None:
        size = 1024
        while size * 3 < expected * 4:
            size *= 2
        self.table = array("q", bytes(16 * size))
        self.mask = size - 1
        self.limit = size * 3 // 4

    def reserve(self, expected: int) -> None:
        """Grow now, once, when the caller can estimate how many keys will come."""
        if expected > self.limit:
            self._rehash(expected)

    def _rehash(self, expected: int) -> None:
        old = self.table
        self._allocate(max(expected, self.count * 2))
        table, mask = self.table, self.mask
        for slot in range(0, len(old), 2):
            key = old[slot]
            if key:
                position = key & mask
                while table[2 * position]:
                    position = (position + 1) & mask
                table[2 * position] = key
                table[2 * position + 1] = old[slot + 1]

    def add(self, key_hash: int, value_hash: int, line: int) -> int:
        """``NEW`` (0), ``SAME`` (-1) or the earlier line whose value differs."""
        key_hash = key_hash or 1
        table = self.table
        mask = self.mask
        position = key_hash & mask
        while True:
            stored = table[2 * position]
            if not stored:
                table[2 * position] = key_hash
                table[2 * position + 1] = (line << 32) | (value_hash & MASK32)
                self.count += 1
                if self.count > self.limit:
                    self._rehash(self.count * 2)
                return NEW
            if stored == key_hash:
                payload = table[2 * position + 1]
                if payload & MASK32 == value_hash & MASK32:
                    return SAME
                return payload >> 32
            position = (position + 1) & mask


class LabelIndex:
    __slots__ = ("_seen",)

    def __init__(self):
        self._seen: dict = {}

    def add(self, key, value, line):
        """``NEW``, ``SAME`` or the earlier line (a label) whose value differs."""
        earlier = self._seen.get(key)
        if earlier is None:
            self._seen[key] = (line, value)
            return NEW
        if earlier[1] == value:
            return SAME
        return earlier[0]
