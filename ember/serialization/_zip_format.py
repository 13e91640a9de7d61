"""PyTorch's zip checkpoint container: an uncompressed zip whose records start on 64-byte marks.

``torch.save`` writes ``<archive>/data.pkl`` (the pickled object), ``<archive>/byteorder``,
one ``<archive>/data/<key>`` record per storage (its raw bytes), ``<archive>/version`` and
``<archive>/.data/serialization_id``. Every record is stored, not deflated, and padded (with a
``FB`` extra field in its local header, as PyTorch's miniz writer does) so that its bytes start
at a multiple of 64: a reader can then map storages straight from the file.

NOTE [ Zip64 ]
A record, offset or directory past 4 GiB needs the zip64 extensions. The writer adds them exactly
when a field would overflow (``_ZIP64_LIMIT``, which the tests lower to exercise that path).
"""

from __future__ import annotations

import struct
import zipfile
import zlib

ALIGNMENT = 64
_ZIP64_LIMIT = 0xFFFFFFFF  # fields at or above this use zip64 (the tests lower it)
_MAX_ENTRIES = 0xFFFF
_MARK32, _MARK16 = 0xFFFFFFFF, 0xFFFF  # "see the zip64 record" values of 32/16-bit fields
_LOCAL_SIG, _CENTRAL_SIG, _EOCD_SIG = 0x04034B50, 0x02014B50, 0x06054B50
_EOCD64_SIG, _LOCATOR64_SIG = 0x06064B50, 0x07064B50
_DOS_DATE = (1 << 5) | 1  # 1980-01-01, the zip epoch
_PAD_FIELD = 0x4246  # "FB", the id PyTorch's writer gives its padding field


class ZipWriter:
    """Writes stored, 64-byte aligned records of one archive to a binary stream, in order.

    Tracks its own position, so the stream need not be seekable.
    """

    def __init__(self, stream, archive: str = "archive"):
        self._stream = stream
        self._prefix = archive + "/"
        self._pos = 0
        self._entries = []  # (name bytes, crc, size, header offset)

    def write_record(self, name: str, data) -> None:
        """Append the record ``<archive>/<name>`` holding ``data`` (bytes or a byte buffer)."""
        view = memoryview(data).cast("B")
        size = view.nbytes
        crc = zlib.crc32(view)
        name_b = (self._prefix + name).encode("utf-8")
        zip64 = size >= _ZIP64_LIMIT
        extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
        pad = -(self._pos + 30 + len(name_b) + len(extra)) % ALIGNMENT
        if 0 < pad < 4:  # a field needs 4 bytes of header
            pad += ALIGNMENT
        if pad:
            extra += struct.pack("<HH", _PAD_FIELD, pad - 4) + b"Z" * (pad - 4)
        size32 = _MARK32 if zip64 else size
        header = struct.pack(
            "<IHHHHHIIIHH",
            _LOCAL_SIG,
            45 if zip64 else 20,
            0,
            0,
            0,
            _DOS_DATE,
            crc,
            size32,
            size32,
            len(name_b),
            len(extra),
        )
        self._entries.append((name_b, crc, size, self._pos))
        self._write(header + name_b + extra)
        self._write(view)

    def close(self) -> None:
        """Write the central directory and end records (the archive is then complete)."""
        cd_start = self._pos
        for name_b, crc, size, offset in self._entries:
            fields = []
            size32, offset32 = size, offset
            if size >= _ZIP64_LIMIT:
                fields += [size, size]
                size32 = _MARK32
            if offset >= _ZIP64_LIMIT:
                fields.append(offset)
                offset32 = _MARK32
            extra = b""
            if fields:
                extra = struct.pack(f"<HH{len(fields)}Q", 1, 8 * len(fields), *fields)
            version = 45 if fields else 20
            self._write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    _CENTRAL_SIG,
                    version,
                    version,
                    0,
                    0,
                    0,
                    _DOS_DATE,
                    crc,
                    size32,
                    size32,
                    len(name_b),
                    len(extra),
                    0,
                    0,
                    0,
                    0,
                    offset32,
                )
                + name_b
                + extra
            )
        cd_size = self._pos - cd_start
        count = len(self._entries)
        if count >= _MAX_ENTRIES or cd_start >= _ZIP64_LIMIT or cd_size >= _ZIP64_LIMIT:
            eocd64 = self._pos
            self._write(
                struct.pack(
                    "<IQHHIIQQQQ", _EOCD64_SIG, 44, 45, 45, 0, 0, count, count, cd_size, cd_start
                )
            )
            self._write(struct.pack("<IIQI", _LOCATOR64_SIG, 0, eocd64, 1))
            count = _MARK16 if count >= _MAX_ENTRIES else count
            cd_size = _MARK32 if cd_size >= _ZIP64_LIMIT else cd_size
            cd_start = _MARK32 if cd_start >= _ZIP64_LIMIT else cd_start
        self._write(struct.pack("<IHHHHIIH", _EOCD_SIG, 0, 0, count, count, cd_size, cd_start, 0))

    def _write(self, data) -> None:
        self._stream.write(data)
        self._pos += len(data) if isinstance(data, bytes) else data.nbytes


# ---------------------------------------------------------------------------------- reading
# NOTE [ Reading hostile zip records ]
# Only stored and deflate records are read, as torch's reader (miniz) does: zipfile would also
# inflate bzip2 and lzma records, whose decompressors it runs without an output bound (a 722-byte
# bzip2 record expands to 1 GiB in one call). Before anything is allocated, a record's declared
# size is checked against what the caller expects (a storage: numel * itemsize from the pickle)
# and against what its compressed bytes can hold: exactly its size when stored, at most
# ``MAX_DEFLATE_RATIO`` times it when deflated (deflate's own limit, ~1032:1), and for records
# no pickle sizes (data.pkl) at most ``MAX_PICKLE_INFLATION`` times it plus
# ``PICKLE_INFLATION_SLACK``. Deflate is inflated in bounded steps straight into the
# destination buffer and refused as soon as it would produce a byte past the declared size.
MAX_DEFLATE_RATIO = 1032
MAX_PICKLE_INFLATION = 16
PICKLE_INFLATION_SLACK = 1 << 20
_CHUNK = 1 << 20
_READABLE = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate"}


def is_zip(stream) -> bool:
    """Whether a seekable stream starts with a zip local header (restores its position)."""
    start = stream.tell()
    magic = stream.read(4)
    stream.seek(start)
    return magic == b"PK\x03\x04"


class ZipReader:
    """The records of one PyTorch archive inside a zip file (any archive prefix)."""

    def __init__(self, stream):
        self._stream = stream
        try:
            self.zip = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, NotImplementedError) as e:  # e.g. "zip file version 24.6"
            raise RuntimeError(f"the zip file is corrupt or unsupported: {e}") from e
        self._file_size = stream.seek(0, 2)
        self._starts: dict[str, int] = {}  # record name -> where its checked bytes start
        names = [n for n in self.zip.namelist() if n.endswith("data.pkl")]
        if not names:
            raise RuntimeError("the zip file has no data.pkl record: not a torch.save checkpoint")
        self.prefix = min(names, key=len)[: -len("data.pkl")]
        if self.has_record("constants.pkl"):
            raise RuntimeError(
                "this file is a TorchScript archive (torch.jit.save); "
                "ember.load reads torch.save checkpoints only"
            )

    def _info(self, name: str) -> zipfile.ZipInfo:
        try:
            info = self.zip.getinfo(self.prefix + name)
        except KeyError:
            raise RuntimeError(
                f"the checkpoint has no record {self.prefix}{name}: corrupt file?"
            ) from None
        method = info.compress_type
        if method not in _READABLE:
            kind = zipfile.compressor_names.get(method, "an unknown")
            raise RuntimeError(
                f"record {info.filename} uses {kind} compression (method {method}); ember.load, "
                "like torch.load, reads only stored and deflate records"
            )
        if info.flag_bits & 0x1:
            raise RuntimeError(f"record {info.filename} is encrypted: ember.load cannot read it")
        return info

    def has_record(self, name: str) -> bool:
        """Whether ``<archive>/<name>`` exists."""
        try:
            self.zip.getinfo(self.prefix + name)
        except KeyError:
            return False
        return True

    def read(self, name: str) -> bytes:
        """The bytes of a record no pickle sizes (data.pkl, byteorder, ...), CRC checked.

        A deflated record may expand at most ``MAX_PICKLE_INFLATION`` times (plus
        ``PICKLE_INFLATION_SLACK``), so a small file cannot hand the unpickler a huge pickle.
        """
        info = self._info(name)
        limit = info.compress_size * MAX_PICKLE_INFLATION + PICKLE_INFLATION_SLACK
        if info.compress_type == zipfile.ZIP_DEFLATED and info.file_size > limit:
            raise RuntimeError(
                f"record {info.filename} claims {info.file_size} bytes inflated from "
                f"{info.compress_size}: more than ember.load inflates a pickle "
                f"(ember.serialization._zip_format.MAX_PICKLE_INFLATION = {MAX_PICKLE_INFLATION})"
            )
        self._check_extent(info)  # before allocating what the directory claims
        out = bytearray(info.file_size)
        self._read_record(info, out)
        return bytes(out)

    def compressed_size(self, name: str) -> int:
        """How many bytes of the file a record takes."""
        return self._info(name).compress_size

    def size(self, name: str) -> int:
        """The uncompressed size of a record, once checked against its compressed bytes."""
        info = self._info(name)
        self._check_extent(info)
        return info.file_size

    def _check_extent(self, info: zipfile.ZipInfo) -> int:
        """Where the record's bytes start; raises if they cannot hold its declared size."""
        start = self._starts.get(info.filename)
        if start is not None:
            return start
        start = self._data_start(info)
        if start + info.compress_size > self._file_size:
            raise RuntimeError(
                f"record {info.filename} reaches past the end of the file: truncated checkpoint?"
            )
        most = info.compress_size * (
            1 if info.compress_type == zipfile.ZIP_STORED else MAX_DEFLATE_RATIO
        )
        if info.file_size > most:
            raise RuntimeError(
                f"record {info.filename} claims {info.file_size} bytes but its "
                f"{_READABLE[info.compress_type]} data holds at most {most}: corrupt file?"
            )
        self._starts[info.filename] = start
        return start

    def _data_start(self, info: zipfile.ZipInfo) -> int:
        self._stream.seek(info.header_offset)
        header = self._stream.read(30)
        if len(header) != 30 or struct.unpack("<I", header[:4])[0] != _LOCAL_SIG:
            raise RuntimeError(f"bad local header for record {info.filename}")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        return info.header_offset + 30 + name_len + extra_len

    def data_offset(self, name: str) -> int:
        """Where a stored record's bytes start in the file (from its local header)."""
        info = self._info(name)
        if info.compress_type != zipfile.ZIP_STORED:
            raise RuntimeError(f"record {info.filename} is compressed; mmap needs stored records")
        return self._check_extent(info)

    def read_into(self, name: str, out) -> None:
        """Fill the writable byte buffer ``out`` (exactly the record's size) with a record."""
        info = self._info(name)
        view = memoryview(out).cast("B")
        if info.file_size != view.nbytes:
            raise RuntimeError(
                f"record {info.filename} holds {info.file_size} bytes, expected {view.nbytes}"
            )
        self._read_record(info, view)

    def _read_record(self, info: zipfile.ZipInfo, out) -> None:
        view = memoryview(out).cast("B")
        self._stream.seek(self._check_extent(info))
        if info.compress_type == zipfile.ZIP_STORED:
            _fill(self._stream, view, info.filename)
        else:
            _inflate(self._stream, info.compress_size, view, info.filename)
        if zlib.crc32(view) != info.CRC:
            raise RuntimeError(f"CRC-32 mismatch in record {info.filename}: the file is corrupt")


def _fill(stream, view, name: str) -> None:
    readinto = getattr(stream, "readinto", None)
    got = 0
    while got < view.nbytes:
        if readinto is None:
            data = stream.read(min(_CHUNK, view.nbytes - got))
            n = len(data)
            view[got : got + n] = data
        else:
            n = readinto(view[got:])
        if not n:
            raise EOFError(f"record {name} is truncated")
        got += n


def _inflate(stream, compressed: int, view, name: str) -> None:
    """Inflate ``compressed`` bytes of raw deflate into ``view``, exactly filling it."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    left, got = compressed, 0

    def feed():
        nonlocal left
        tail = inflater.unconsumed_tail
        if tail:
            return tail
        data = stream.read(min(_CHUNK, left))
        if not data:
            return None
        left -= len(data)
        return data

    while got < view.nbytes and not inflater.eof:
        data = feed()
        if data is None:
            raise EOFError(f"record {name} is truncated")
        piece = inflater.decompress(data, min(view.nbytes - got, _CHUNK))
        view[got : got + len(piece)] = piece
        got += len(piece)
    if got < view.nbytes:
        raise RuntimeError(f"record {name} inflates to {got} bytes, fewer than its declared size")
    while not inflater.eof:  # the declared size is reached: the stream must end here
        data = feed()
        if data is None:
            break
        if inflater.decompress(data, 1):
            raise RuntimeError(f"record {name} inflates past its declared size of {got} bytes")
