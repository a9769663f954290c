"""Just enough of the OLE2 compound-file format (legacy .xls, encrypted .xlsx) to list streams and peek at one."""

from __future__ import annotations

import struct
from dataclasses import dataclass

MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_FREE_OR_END = 0xFFFFFFFA  # ids at or above this end a chain (or mark special sectors)
_MAX_DIR_ENTRIES = 100_000


class CfbError(ValueError):
    """The compound file is truncated or its structure is inconsistent."""


@dataclass(frozen=True)
class CfbEntry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class CompoundFile:
    """Read-only view of a compound file held in memory; every walk is bounded by the file size."""

    def __init__(self, data: bytes):
        if len(data) < 512 or not data.startswith(MAGIC):
            raise CfbError("not a compound file")
        self.data = data
        self.sector_size = 1 << struct.unpack_from("<H", data, 0x1E)[0]
        self.mini_sector_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
        if self.sector_size not in (512, 4096) or self.mini_sector_size != 64:
            raise CfbError("unexpected sector size")
        (n_fat, first_dir, _, self.mini_cutoff, first_minifat, n_minifat, first_difat, n_difat) = struct.unpack_from(
            "<IIIIIIII", data, 0x2C
        )
        self.max_sectors = max(0, len(data) // self.sector_size - 1)
        self.fat = self._read_fat(n_fat, first_difat, n_difat)
        self.entries = self._read_directory(first_dir)
        self._minifat_start = first_minifat
        self._n_minifat = n_minifat

    def _sector(self, sid: int) -> bytes:
        offset = (sid + 1) * self.sector_size
        if sid >= self.max_sectors or offset + self.sector_size > len(self.data):
            raise CfbError("sector beyond end of file")
        return self.data[offset : offset + self.sector_size]

    def _read_fat(self, n_fat: int, first_difat: int, n_difat: int) -> list[int]:
        fat_sectors = [sid for sid in struct.unpack_from("<109I", self.data, 0x4C) if sid < _FREE_OR_END]
        sid, per_sector = first_difat, self.sector_size // 4 - 1
        for _ in range(min(n_difat, self.max_sectors)):
            if sid >= _FREE_OR_END:
                break
            values = struct.unpack(f"<{per_sector + 1}I", self._sector(sid))
            fat_sectors += [v for v in values[:per_sector] if v < _FREE_OR_END]
            sid = values[-1]
        if len(fat_sectors) < min(n_fat, 1):
            raise CfbError("no allocation table")
        fat: list[int] = []
        for sid in fat_sectors[:n_fat]:
            fat += struct.unpack(f"<{self.sector_size // 4}I", self._sector(sid))
        return fat

    def chain(self, start: int, table: list[int] | None = None, limit: int | None = None) -> list[int]:
        """Sector ids of a chain, refusing loops and ids outside the table."""
        table = self.fat if table is None else table
        out, sid, seen = [], start, set()
        while sid < _FREE_OR_END and (limit is None or len(out) < limit):
            if sid >= len(table) or sid in seen:
                raise CfbError("broken sector chain")
            seen.add(sid)
            out.append(sid)
            sid = table[sid]
        return out

    def _read_directory(self, first_dir: int) -> list[CfbEntry]:
        raw = b"".join(self._sector(sid) for sid in self.chain(first_dir, limit=_MAX_DIR_ENTRIES // 4))
        entries = []
        for offset in range(0, len(raw) - 127, 128):
            name_len = struct.unpack_from("<H", raw, offset + 0x40)[0]
            kind = raw[offset + 0x42]
            if kind not in (1, 2, 5):
                continue
            name = raw[offset : offset + min(name_len, 64)].decode("utf-16-le", "replace").rstrip("\x00")
            start, size = struct.unpack_from("<IQ", raw, offset + 0x74)
            if self.sector_size == 512:
                size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
            entries.append(CfbEntry(name, kind, start, size))
        if not entries or entries[0].kind != 5:
            raise CfbError("no root entry")
        return entries

    def stream_names(self) -> set[str]:
        return {e.name for e in self.entries if e.kind == 2}

    def read_stream_head(self, name: str, max_bytes: int = 8192) -> bytes:
        """The first bytes of a named stream (without reading the rest)."""
        entry = next((e for e in self.entries if e.kind == 2 and e.name.lower() == name.lower()), None)
        if entry is None:
            raise CfbError(f"no stream {name}")
        want = min(entry.size, max_bytes)
        if entry.size >= self.mini_cutoff:
            sids = self.chain(entry.start, limit=want // self.sector_size + 1)
            return b"".join(self._sector(s) for s in sids)[:want]
        root = self.entries[0]
        mini_stream = b"".join(self._sector(s) for s in self.chain(root.start, limit=self.max_sectors))
        minifat_raw = b"".join(self._sector(s) for s in self.chain(self._minifat_start, limit=self._n_minifat))
        minifat = list(struct.unpack(f"<{len(minifat_raw) // 4}I", minifat_raw))
        sids = self.chain(entry.start, minifat, limit=want // self.mini_sector_size + 1)
        return b"".join(mini_stream[s * 64 : (s + 1) * 64] for s in sids)[:want]
