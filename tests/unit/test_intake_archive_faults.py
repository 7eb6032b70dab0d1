"""`take_in` on archives that are damaged, encrypted, oddly compressed or whose
tar headers declare more than the byte budget: each is a `Refusal` naming what is wrong.

The archives are made here, byte by byte where the standard library would not write them.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import struct
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest

from grader.stages.intake.take_in import IntakeLimits, Refusal, SourceTree, take_in

MIB = 1024 * 1024
TEXT = "".join(f"line {i}: {i * i}\n" for i in range(3000)).encode()
LOCAL_HEADER = b"PK\x03\x04"
CENTRAL_HEADER = b"PK\x01\x02"


def refused(archive: Path, destination: Path, limits: IntakeLimits | None = None) -> str:
    result = take_in(str(archive), destination, limits or IntakeLimits())
    assert isinstance(result, Refusal), result
    assert not destination.exists(), "a refused intake must leave no partial tree behind"
    return result.reason


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def patch_headers(data: bytes, *, flag: int = 0, method: int | None = None) -> bytes:
    """Set `flag` bits (and the compression method) in every local and central header."""
    patched = bytearray(data)
    for signature, flag_at, method_at in ((LOCAL_HEADER, 6, 8), (CENTRAL_HEADER, 8, 10)):
        start = patched.find(signature)
        while start != -1:
            (flags,) = struct.unpack_from("<H", patched, start + flag_at)
            struct.pack_into("<H", patched, start + flag_at, flags | flag)
            if method is not None:
                struct.pack_into("<H", patched, start + method_at, method)
            start = patched.find(signature, start + 4)
    return bytes(patched)


def damage_member(data: bytes, name: str) -> bytes:
    """Flip bytes in the middle of `name`'s compressed data, headers left intact."""
    damaged = bytearray(data)
    start = damaged.find(LOCAL_HEADER)
    while damaged[start + 30 : start + 30 + len(name)] != name.encode():
        start = damaged.find(LOCAL_HEADER, start + 4)
    (size,) = struct.unpack_from("<I", damaged, start + 18)
    name_length, extra_length = struct.unpack_from("<HH", damaged, start + 26)
    middle = start + 30 + name_length + extra_length + size // 2
    for offset in range(middle, middle + 8):
        damaged[offset] ^= 0x5A
    return bytes(damaged)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# Zip members


def test_an_encrypted_zip_member_is_refused_by_name(tmp_path):
    data = patch_headers(zip_bytes({"README.md": b"hi\n", "app.py": TEXT}), flag=0x1)

    reason = refused(write(tmp_path / "s.zip", data), tmp_path / "out")

    assert "README.md is encrypted" in reason
    assert "password" in reason


@pytest.mark.parametrize(
    ("method", "named"), [(9, "Deflate64"), (93, "Zstandard"), (77, "method 77")]
)
def test_a_zip_member_compressed_in_an_unsupported_way_is_refused_by_name(tmp_path, method, named):
    data = patch_headers(zip_bytes({"app.py": TEXT}), method=method)

    reason = refused(write(tmp_path / "s.zip", data), tmp_path / "out")

    assert f"app.py is compressed with {named}" in reason


@pytest.mark.parametrize(
    ("flag", "expected"),
    [(0x40, "app.py is encrypted"), (0x20, "app.py could not be read: compressed patched data")],
    ids=["strong-encryption", "patch-data"],
)
def test_a_zip_member_with_a_feature_zipfile_lacks_is_refused_by_name(tmp_path, flag, expected):
    data = patch_headers(zip_bytes({"app.py": TEXT}), flag=flag)

    reason = refused(write(tmp_path / "s.zip", data), tmp_path / "out")

    assert reason.startswith(expected)


@pytest.mark.parametrize(
    "method",
    [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, zipfile.ZIP_STORED],
    ids=["deflate", "bzip2", "lzma", "stored"],
)
def test_a_zip_member_with_damaged_data_is_refused_by_name(tmp_path, method):
    data = damage_member(zip_bytes({"ok.py": b"x = 1\n", "app.py": TEXT}, method), "app.py")

    reason = refused(write(tmp_path / "s.zip", data), tmp_path / "out")

    assert reason.startswith("app.py could not be read: ")


def test_a_zip_member_name_flagged_utf8_that_is_not_is_refused(tmp_path):
    data = zip_bytes({"caf\u00e9.py": b"x = 1\n"}, zipfile.ZIP_STORED)  # flag bit 11 set
    data = data.replace("caf\u00e9".encode(), b"caf\xff\xfe")

    reason = refused(write(tmp_path / "s.zip", data), tmp_path / "out")

    assert "b'caf\\xff\\xfe.py' is marked as UTF-8 but is not valid UTF-8" in reason


def test_a_zip_larger_than_the_budget_is_refused_before_it_is_opened(tmp_path):
    archive = write(tmp_path / "s.zip", b"PK\x03\x04" + b"\0" * MIB)

    assert "too large" in refused(archive, tmp_path / "out", IntakeLimits(max_bytes=MIB))


# Tar streams


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as bundle:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def damage_middle(data: bytes) -> bytes:
    damaged = bytearray(data)
    for offset in range(len(data) // 2, len(data) // 2 + 8):
        damaged[offset] ^= 0x5A
    return bytes(damaged)


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".tar.gz", gzip.compress), (".tar.bz2", bz2.compress), (".tar.xz", lzma.compress)],
    ids=["gzip", "bzip2", "xz"],
)
def test_a_tar_with_damaged_compressed_data_is_refused_by_member(tmp_path, suffix, compress):
    data = damage_middle(compress(tar_bytes({"app.py": TEXT})))

    reason = refused(write(tmp_path / f"s{suffix}", data), tmp_path / "out")

    # bzip2 decodes whole 900 kB blocks: the damage then spoils the first header already
    expected = (
        "is not a readable tar archive" if suffix == ".tar.bz2" else "app.py could not be read"
    )
    assert expected in reason


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".tar.bz2", bz2.compress), (".tar.xz", lzma.compress), (".tgz", gzip.compress)],
    ids=["bzip2", "xz", "gzip"],
)
def test_compressed_tars_are_unpacked(tmp_path, suffix, compress):
    data = compress(tar_bytes({"app.py": TEXT, "x" * 150 + ".py": b"long = True\n"}))

    result = take_in(str(write(tmp_path / f"s{suffix}", data)), tmp_path / "out", IntakeLimits())

    assert isinstance(result, SourceTree), result
    assert (result.path / "app.py").read_bytes() == TEXT
    assert (result.path / ("x" * 150 + ".py")).is_file()


def tar_header(name: str, size: int, kind: bytes) -> bytes:
    """A ustar header block declaring `size` bytes of data, whatever follows it."""
    block = bytearray(512)
    block[0 : len(name)] = name.encode()
    block[100:124] = b"0000644\x000000000\x000000000\x00"
    block[124:136] = b"%011o\x00" % size
    block[136:148] = b"00000000000\x00"
    block[148:156] = b" " * 8
    block[156:157] = kind
    block[257:265] = b"ustar\x0000"
    block[148:156] = b"%06o\x00 " % sum(block)
    return bytes(block)


@pytest.mark.parametrize(
    "kind", [b"x", b"g", b"L", b"K"], ids=["pax", "pax-global", "gnu-long-name", "gnu-long-link"]
)
def test_a_tar_header_declaring_more_than_the_budget_is_refused_before_it_is_read(tmp_path, kind):
    data = tar_header("././@Header", 300 * MIB, kind) + b"20 path=app.py\n".ljust(2048, b"\0")
    archive = write(tmp_path / "s.tar.gz", gzip.compress(data))

    reason = refused(archive, tmp_path / "out", IntakeLimits(max_bytes=MIB))

    assert reason == "too large: more than 1 MiB"


def test_tar_headers_spend_the_byte_budget(tmp_path):
    body = b" comment=" + b"a" * (2 * MIB) + b"\n"
    length = len(body) + len(str(len(body) + 7))
    record = str(length).encode() + body
    assert len(record) == length
    data = (
        tar_header("././@PaxHeader", len(record), b"x")
        + record.ljust(-(-len(record) // 512) * 512, b"\0")
        + tar_header("app.py", 6, b"0")
        + b"x = 1\n".ljust(512, b"\0")
        + b"\0" * 1024
    )
    archive = write(tmp_path / "s.tar.gz", gzip.compress(data))
    assert archive.stat().st_size < 20_000, "the archive itself is small"

    reason = refused(archive, tmp_path / "out", IntakeLimits(max_bytes=MIB))

    assert reason == "too large: more than 1 MiB"


def test_a_tar_within_the_budget_with_its_headers_is_accepted(tmp_path):
    data = gzip.compress(tar_bytes({"zeros.bin": b"\0" * (MIB - 4096)}))
    limits = IntakeLimits(max_bytes=MIB)

    result = take_in(str(write(tmp_path / "s.tar.gz", data)), tmp_path / "out", limits)

    assert isinstance(result, SourceTree), result
    assert (result.path / "zeros.bin").stat().st_size == MIB - 4096


def test_a_file_that_is_not_a_tar_is_refused(tmp_path):
    archive = write(tmp_path / "s.tar.gz", gzip.compress(b"just some text\n" * 100))

    assert "is not a readable tar archive" in refused(archive, tmp_path / "out")


def test_a_sparse_file_is_refused_before_its_holes_are_written(tmp_path: Path) -> None:
    """GNU tar stores a sparse file's holes as a map: 300 MiB in a 10 KiB archive."""
    folder = tmp_path / "in"
    folder.mkdir()
    with (folder / "big").open("wb") as handle:
        handle.truncate(300 << 20)
        handle.write(b"x")
    archive = tmp_path / "sparse.tar"
    subprocess.run(["tar", "--sparse", "-cf", str(archive), "-C", str(folder), "big"], check=True)
    assert archive.stat().st_size < 1 << 20

    result = take_in(str(archive), tmp_path / "out", IntakeLimits())

    assert result == Refusal("big is a sparse file; archives with them are refused")
    assert not (tmp_path / "out").exists()
