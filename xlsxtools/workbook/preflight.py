"""Guards that run before any parser sees a file's bytes.

python-calamine, openpyxl, lxml and python-docx trust what a file declares: a single cell at
XFD1048576 makes calamine allocate the dense 17-billion-cell range (and abort), a sharedStrings
``uniqueCount`` of 2³¹ makes it reserve that many strings, a merge over the whole sheet or a
1 GB sheet part costs gigabytes, and a FIFO named ``unit.xlsx`` blocks ``open()`` forever.
Everything here is refused with a Chinese reason naming the file (an :class:`UnreadableFile`)
before the bytes reach a parser:

- :func:`open_regular` / :func:`read_regular`: regular files only (opened with ``O_NONBLOCK`` and
  checked with ``fstat``: FIFOs, devices and sockets are refused without blocking), symlinks
  resolved, a symlink loop named as such, at most ``limits.file_mb`` read;
- :func:`check_zip`: per-part and total unpacked size and the compression ratio, from the zip
  directory (and the parts are then streamed, so a lying directory cannot blow past the limit);
- :func:`check_workbook`: the above plus the sheet extents a reader would build, by format:
  .xlsx/.xlsm (declared ``<dimension>``, the furthest ``<row>``/``<c>`` actually present,
  ``<mergeCell>`` areas, the sharedStrings counts), .xlsb (the same records in BIFF12), .xls
  (DIMENSIONS, cell, MERGEDCELLS and SST records of the BIFF8 stream) and .ods (rows and columns
  after ``number-*-repeated`` expansion, counting only repeats that hold content).

Only the standard library is imported (this runs once per workbook of a consolidation);
results for identical parts (the template's own sheets, shared by every unit) are cached by CRC.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

from xlsxtools.config import Limits
from xlsxtools.errors import UnreadableFile


class OverLimit(UnreadableFile):
    """The file exceeds a [limits] setting (finding W005)."""


class NotRegularFile(UnreadableFile):
    """A FIFO, device, socket, folder, symlink loop or broken symlink (finding W006)."""


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_MB = 1024 * 1024
#: Parts smaller than this are never refused for their compression ratio (XML compresses well).
_RATIO_MIN_BYTES = 1 * _MB
#: A workbook has a few dozen parts; tens of thousands only cost time.
MAX_ZIP_ENTRIES = 10_000
_CHUNK = 1 << 20

#: When set (by the single-file command sandbox), the path of every file admitted is written here,
#: so a process that dies inside a parser can still be reported with the file it was reading.
_report_fd: int | None = None


_LIMITS: Limits | None = None


def set_limits(limits: Limits | None) -> None:
    """The limits the readers use in this process (from the config; defaults when never set)."""
    global _LIMITS
    _LIMITS = limits


def current_limits() -> Limits:
    global _LIMITS
    if _LIMITS is None:
        _LIMITS = Limits()
    return _LIMITS


def summary_limits() -> Limits:
    """The limits for reading back a summary workbook this tool wrote: its row sheets may reach
    Excel's last row (a prefecture's 10,000 units), so only extents no summary can have are refused."""
    from dataclasses import replace

    lim = current_limits()
    return replace(lim, rows=1_048_576, cells=max(lim.cells, 50_000_000), file_mb=max(lim.file_mb, 1000),
                   part_mb=max(lim.part_mb, 4000), total_mb=max(lim.total_mb, 8000))


def set_report_fd(fd: int | None) -> None:
    global _report_fd
    _report_fd = fd


def _report(path: str) -> None:
    if _report_fd is not None:
        try:
            os.write(_report_fd, (path + "\n").encode("utf-8", "surrogateescape"))
        except OSError:
            pass


# ---------------------------------------------------------------------------------------------
# Regular files
# ---------------------------------------------------------------------------------------------


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "这是一个文件夹，不是文件"
    if stat.S_ISFIFO(mode):
        return "这是一个管道（FIFO），不是普通文件，未读取"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "这是一个设备文件，不是普通文件，未读取"
    if stat.S_ISSOCK(mode):
        return "这是一个套接字，不是普通文件，未读取"
    return "不是普通文件，未读取"


def _open_error(path: Path, exc: OSError) -> UnreadableFile:
    file = str(path)
    if exc.errno == errno.ELOOP:
        return NotRegularFile("符号链接形成循环（链接最终指向自身），无法读取", file=file)
    if exc.errno == errno.ENOENT:
        if os.path.lexists(path):
            return NotRegularFile("符号链接指向的文件不存在", file=file)
        return UnreadableFile("文件不存在", file=file)
    if exc.errno == errno.EISDIR:
        return UnreadableFile("这是一个文件夹，不是文件", file=file)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return UnreadableFile("没有读取权限", file=file)
    return UnreadableFile(f"无法打开文件：{exc.strerror or exc}", file=file)


def regular_stat(path: str | os.PathLike[str], limits: Limits | None = None) -> os.stat_result:
    """``stat`` of a regular file within the size limit, else UnreadableFile (never blocks)."""
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError as exc:
        raise _open_error(p, exc) from exc
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFile(_kind(st.st_mode), file=str(p))
    _check_size(p, st.st_size, limits or current_limits())
    return st


def _check_size(p: Path, size: int, limits: Limits) -> None:
    if size == 0:
        raise UnreadableFile("文件是空的（0 字节）", file=str(p))
    if size > limits.file_mb * _MB:
        raise OverLimit(f"文件过大（{size / _MB:.1f} MB，上限 {limits.file_mb} MB），未读取", file=str(p),
                             hint="上限可在 xlsxtools.toml 的 [limits] file_mb 中调整")


def open_regular(path: str | os.PathLike[str], limits: Limits | None = None) -> int:
    """A read-only descriptor of a regular file (O_NONBLOCK, checked with fstat); the caller closes it."""
    p = Path(path)
    _report(str(p))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise _open_error(p, exc) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(_kind(st.st_mode), file=str(p))
        _check_size(p, st.st_size, limits or current_limits())
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular(path: str | os.PathLike[str], limits: Limits | None = None) -> bytes:
    """The bytes of a regular file within the size limit (never blocks on a FIFO or a device)."""
    limits = limits or current_limits()
    fd = open_regular(path, limits)
    try:
        with os.fdopen(fd, "rb", closefd=True) as fh:
            data = fh.read(limits.file_mb * _MB + 1)
    except OSError as exc:
        raise UnreadableFile(f"无法读取文件：{exc.strerror or exc}", file=str(path)) from exc
    if len(data) > limits.file_mb * _MB:
        raise OverLimit(f"文件过大（上限 {limits.file_mb} MB），未读取", file=str(path))
    return data


def head(path: str | os.PathLike[str], limits: Limits | None = None, n: int = 8) -> tuple[bytes, int]:
    """The first ``n`` bytes and the size of a regular file."""
    fd = open_regular(path, limits)
    try:
        size = os.fstat(fd).st_size
        return os.read(fd, n), size
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# Zip packages
# ---------------------------------------------------------------------------------------------


def _mb(n: int) -> str:
    return f"{n / _MB:.1f} MB" if n < 100 * _MB else f"{n / _MB:.0f} MB"


def check_zip(zf: zipfile.ZipFile, file: str, limits: Limits) -> None:
    """Refuse a package whose parts unpack beyond the limits (sizes from the zip directory)."""
    total = 0
    if len(zf.infolist()) > MAX_ZIP_ENTRIES:
        raise OverLimit(f"压缩包中的部件过多（{len(zf.infolist()):,} 个，上限 {MAX_ZIP_ENTRIES:,}），未读取", file=file)
    for info in zf.infolist():
        size = info.file_size
        total += size
        if size > limits.part_mb * _MB:
            raise OverLimit(f"压缩包中的部件「{info.filename}」解压后过大（{_mb(size)}，上限 {limits.part_mb} MB），"
                                 "可能是压缩炸弹，未读取", file=file)
        if size > _RATIO_MIN_BYTES and size > limits.ratio * max(info.compress_size, 1):
            raise OverLimit(f"压缩包中的部件「{info.filename}」压缩比异常（{size // max(info.compress_size, 1)}:1，"
                                 f"上限 {limits.ratio}:1），可能是压缩炸弹，未读取", file=file)
    if total > limits.total_mb * _MB:
        raise OverLimit(f"工作簿解压后过大（{_mb(total)}，上限 {limits.total_mb} MB），未读取", file=file)


_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)
_HEAD_OK: set[tuple[str, int, int]] = set()


def check_no_dtd(zf: zipfile.ZipFile, file: str, *, skip_sheets: bool = False) -> None:
    """Refuse XML parts that declare a DTD: entity expansion ("billion laughs") would blow up any
    parser that honours it, and no Office or OpenDocument file needs one."""
    for info in zf.infolist():
        low = info.filename.lower()
        if not low.endswith((".xml", ".rels", ".vml")) or (skip_sheets and low.startswith("xl/worksheets/")):
            continue
        key = (info.filename, info.CRC, info.file_size)
        if key in _HEAD_OK:
            continue
        try:
            with zf.open(info) as fh:
                head = fh.read(4096)
        except Exception as exc:
            raise UnreadableFile(f"工作簿已损坏，无法读取（部件「{info.filename}」：{_short(exc)}）", file=file) from exc
        if _DTD.search(head):
            raise UnreadableFile(f"部件「{info.filename}」含有 DTD/实体声明（可能是 XML 炸弹），未读取", file=file)
        if len(_HEAD_OK) > 4096:
            _HEAD_OK.clear()
        _HEAD_OK.add(key)


def _stream(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, limits: Limits):
    """Yield the part's bytes in chunks, stopping at the per-part limit whatever the directory says."""
    budget = limits.part_mb * _MB
    read = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    return
                read += len(chunk)
                if read > budget:
                    raise OverLimit(f"压缩包中的部件「{info.filename}」解压后超过上限 {limits.part_mb} MB"
                                         "（与目录中记录的大小不符），未读取", file=file)
                yield chunk
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError) as exc:
        raise UnreadableFile(f"工作簿已损坏，无法读取（部件「{info.filename}」：{_short(exc)}）", file=file) from exc
    except Exception as exc:  # zlib.error and friends
        raise UnreadableFile(f"工作簿已损坏，无法读取（部件「{info.filename}」：{_short(exc)}）", file=file) from exc


def _tokens(chunks, pattern: re.Pattern[bytes]):
    """``pattern`` matches over a chunked stream: each chunk is cut at its last '<' so no tag is split."""
    carry = b""
    for chunk in chunks:
        buf = carry + chunk
        cut = buf.rfind(b"<")
        if cut <= 0:
            cut = len(buf) if len(buf) > 65536 else 0  # a tag this long is not one we look for
        yield from pattern.finditer(buf, 0, cut)
        carry = buf[cut:]
    if carry:
        yield from pattern.finditer(carry)


# ---------------------------------------------------------------------------------------------
# Extents
# ---------------------------------------------------------------------------------------------


def col_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.upper().decode("ascii"):
        n = n * 26 + ord(ch) - 64
    return n


def col_name(n: int) -> str:
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s or "A"


EXCEL_ROWS = 1_048_576
EXCEL_COLS = 16_384


@dataclass
class Extent:
    """What a reader would allocate for one sheet."""

    rows: int = 0
    cols: int = 0
    merged_area: int = 0
    merged: int = 0
    declared: tuple[int, int] | None = None

    def see(self, row: int, col: int) -> None:
        if row > self.rows:
            self.rows = row
        if col > self.cols:
            self.cols = col

    def check(self, file: str, sheet: str, limits: Limits) -> None:
        if self.rows > EXCEL_ROWS or self.cols > EXCEL_COLS:
            raise UnreadableFile(f"单元格位置超出 Excel 工作表的范围（到第 {self.rows:,} 行、第 {self.cols:,} 列；"
                                 f"最多 {EXCEL_ROWS:,} 行、{EXCEL_COLS:,} 列），工作簿已损坏", file=file, sheet=sheet)
        if self.declared is not None:
            r, c = self.declared
            if r * c > limits.cells or r > limits.rows:
                raise OverLimit(
                    f"声明的使用区域过大（到 {col_name(c)}{r}，{r:,} 行 × {c:,} 列，上限 {limits.cells:,} 个单元格），未读取",
                    file=file, sheet=sheet)
        if self.rows > limits.rows:
            raise OverLimit(
                f"行数过多（最远到第 {self.rows:,} 行，上限 {limits.rows:,} 行），未读取", file=file, sheet=sheet,
                hint="请删除远处的行或另存为只含表格区域的工作簿")
        if self.rows * max(self.cols, 1) > limits.cells:
            raise OverLimit(
                f"单元格位置过远（最远到 {col_name(self.cols)}{self.rows}，{self.rows:,} 行 × {self.cols:,} 列，"
                f"上限 {limits.cells:,} 个单元格），未读取", file=file, sheet=sheet,
                hint="请删除远处的单元格或另存为只含表格区域的工作簿")
        if self.merged_area > limits.merged_cells:
            raise OverLimit(f"合并单元格覆盖的范围过大（{self.merged:,} 个合并区域共 {self.merged_area:,} 个单元格，"
                                 f"上限 {limits.merged_cells:,}），未读取", file=file, sheet=sheet)

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        self.merged += 1
        self.merged_area += (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)


# ---- .xlsx / .xlsm ----------------------------------------------------------------------------

_XLSX_TOKENS = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:(row)|(c)|(dimension)|(mergeCell))(?=[\s/>])([^>]*)>", re.S)
_ATTR_R = re.compile(rb'\sr\s*=\s*["\']([A-Za-z]{0,4})(\d{1,12})["\']')
_ATTR_REF = re.compile(rb'\sref\s*=\s*["\']\$?([A-Za-z]{1,4})\$?(\d{1,12})(?::\$?([A-Za-z]{1,4})\$?(\d{1,12}))?["\']')
_COUNT = re.compile(rb'\b(count|uniqueCount)\s*=\s*["\'](\d+)["\']')

_SCAN_CACHE: dict[tuple[str, int, int], Extent] = {}
_CACHE_MAX = 512


_C_FAST = re.compile(rb'<c\s[^>]*?\br="([A-Z]{1,4})(\d{1,12})"')
_ROW_FAST = re.compile(rb'<row\s[^>]*?\br="(\d{1,12})"')


def _scan_xlsx_sheet(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, limits: Limits) -> Extent:
    """The extent of one sheet part. Fast path: every <row> and <c> carries its own r="…" (what
    every writer does); any cell or row without one, or a namespace prefix, takes the exact path."""
    ext = Extent()
    carry = b""
    letters: set[bytes] = set()
    max_row = 0
    first = True
    for chunk in _stream(zf, info, file, limits):
        if first:
            first = False
            if _DTD.search(chunk, 0, 4096):
                raise UnreadableFile(f"部件「{info.filename}」含有 DTD/实体声明（可能是 XML 炸弹），未读取", file=file)
        buf = carry + chunk
        cut = buf.rfind(b"<")
        if cut <= 0:
            cut = len(buf)
        cells = _C_FAST.findall(buf, 0, cut)
        rows = _ROW_FAST.findall(buf, 0, cut)
        n_cells = buf.count(b"<c ", 0, cut) + buf.count(b"<c>", 0, cut)
        n_rows = buf.count(b"<row", 0, cut)
        if len(cells) != n_cells or len(rows) != n_rows or b"<c/>" in buf or b":c " in buf or b":row " in buf:
            return _scan_xlsx_sheet_exact(zf, info, file, limits)
        if cells:
            letters.update({c for c, _ in cells})
            max_row = max(max_row, max(map(int, {r for _, r in cells})))
        if rows:
            max_row = max(max_row, max(map(int, set(rows))))
        _areas(ext, buf, cut)
        carry = buf[cut:]
    if carry:
        _areas(ext, carry, len(carry))
    ext.see(max_row, max((col_number(c) for c in letters), default=0))
    return ext


_TAG_END = frozenset(b" \t\r\n/>")


def _areas(ext: Extent, buf: bytes, end: int) -> None:
    """<dimension> and <mergeCell> elements in ``buf[:end]`` (found with bytes.find: fast)."""
    for word, declared in ((b"dimension", True), (b"mergeCell", False)):
        n = len(word)
        i = buf.find(word, 0, end)
        while i >= 0:
            lt = buf.rfind(b"<", max(0, i - 64), i)
            prefix = buf[lt + 1:i] if lt >= 0 else b"?"
            if (not prefix or (prefix.endswith(b":") and b" " not in prefix)) and i + n < len(buf) \
                    and buf[i + n] in _TAG_END:
                gt = buf.find(b">", i, end)
                _area(ext, declared, buf[i + n:gt if gt >= 0 else end])
            i = buf.find(word, i + n, end)


def _area(ext: Extent, declared: bool, attrs: bytes) -> None:
    a = _ATTR_REF.search(attrs)
    if not a:
        return
    c0, r0 = col_number(a.group(1)), int(a.group(2))
    c1, r1 = (col_number(a.group(3)), int(a.group(4))) if a.group(3) else (c0, r0)
    if declared:
        ext.declared = (max(r0, r1), max(c0, c1))
    else:
        ext.merge(r0, c0, r1, c1)


def _scan_xlsx_sheet_exact(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, limits: Limits) -> Extent:
    ext = Extent()
    row = 0
    col = 0
    for m in _tokens(_stream(zf, info, file, limits), _XLSX_TOKENS):
        attrs = m.group(5)
        if m.group(1):  # <row>
            a = _ATTR_R.search(attrs)
            row = int(a.group(2)) if a else row + 1
            col = 0
            ext.see(row, 0)
        elif m.group(2):  # <c>
            a = _ATTR_R.search(attrs)
            if a:
                if a.group(1):
                    col = col_number(a.group(1))
                else:
                    col += 1
                ext.see(int(a.group(2)), col)
            else:
                col += 1
                ext.see(max(row, 1), col)
        else:
            _area(ext, bool(m.group(3)), attrs)
    return ext


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Part name → sheet title (best effort; the part name stands in when unknown)."""
    out: dict[str, str] = {}
    try:
        wb = zf.read("xl/workbook.xml") if "xl/workbook.xml" in zf.NameToInfo else b""
        rels = zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in zf.NameToInfo else b""
    except Exception:
        return out
    targets = {m.group(1): m.group(2) for m in re.finditer(rb'Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)}
    targets.update({m.group(2): m.group(1) for m in re.finditer(rb'Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)})
    for m in re.finditer(rb'<(?:\w+:)?sheet\b([^>]*)>', wb):
        a = m.group(1)
        name = re.search(rb'\bname="([^"]*)"', a)
        rid = re.search(rb'\br:id="([^"]*)"|\bid="([^"]*)"', a)
        if not name or not rid:
            continue
        target = targets.get(rid.group(1) or rid.group(2))
        if not target:
            continue
        t = target.decode("utf-8", "replace").lstrip("/")
        part = t if t.startswith("xl/") else f"xl/{t}"
        out[part] = name.group(1).decode("utf-8", "replace")
    return out


_COUNTS_OK: set[tuple[str, int, int, int]] = set()


def _check_counts(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str, limits: Limits, what: str) -> None:
    key = (info.filename, info.CRC, info.file_size, limits.shared_strings)
    if key in _COUNTS_OK:
        return
    with zf.open(info) as fh:
        try:
            start = fh.read(4096)
        except Exception as exc:
            raise UnreadableFile(f"工作簿已损坏，无法读取（部件「{info.filename}」：{_short(exc)}）", file=file) from exc
    for m in _COUNT.finditer(start):
        n = int(m.group(2))
        if n > limits.shared_strings:
            raise OverLimit(f"{what}声明的数量异常（{m.group(1).decode()}={n:,}，上限 {limits.shared_strings:,}），未读取",
                                 file=file)
    if len(_COUNTS_OK) > 4096:
        _COUNTS_OK.clear()
    _COUNTS_OK.add(key)


def _check_xlsx(zf: zipfile.ZipFile, file: str, limits: Limits) -> None:
    for info in zf.infolist():
        name = info.filename
        low = name.lower()
        if low.startswith("xl/worksheets/") and low.endswith(".xml") and "/_rels/" not in low:
            key = (low, info.CRC, info.file_size)
            ext = _SCAN_CACHE.get(key)
            if ext is None:
                ext = _scan_xlsx_sheet(zf, info, file, limits)
                if len(_SCAN_CACHE) >= _CACHE_MAX:
                    _SCAN_CACHE.clear()
                _SCAN_CACHE[key] = ext
            try:
                ext.check(file, name, limits)
            except UnreadableFile as exc:  # name the sheet by its title (only needed now)
                exc.sheet = _sheet_names(zf).get(name, name)
                raise
        elif "sharedstrings" in low:
            _check_counts(zf, info, file, limits, "共享字符串表（sharedStrings）")
        elif low in ("xl/styles.xml", "xl/workbook.xml"):
            _check_counts(zf, info, file, limits, f"部件「{name}」")


# ---- .xlsb ------------------------------------------------------------------------------------

_XLSB_CELLS = frozenset(range(1, 14))  # BrtCellBlank … BrtFmlaError: the column is the first u32


def _biff12_records(data: bytes):
    i, n = 0, len(data)
    while i < n:
        t = data[i]
        i += 1
        if t & 0x80:
            if i >= n:
                return
            t = (t & 0x7F) | ((data[i] & 0x7F) << 7)
            i += 1
        size = 0
        for shift in (0, 7, 14, 21):
            if i >= n:
                return
            b = data[i]
            i += 1
            size |= (b & 0x7F) << shift
            if not b & 0x80:
                break
        yield t, i, size
        i += size


def _scan_xlsb_sheet(data: bytes) -> Extent:
    ext = Extent()
    row = 0
    u32 = struct.Struct("<I").unpack_from
    for t, i, size in _biff12_records(data):
        if t == 0 and size >= 4:  # BrtRowHdr
            row = u32(data, i)[0] + 1
            ext.see(row, 0)
        elif t in _XLSB_CELLS and size >= 4:
            ext.see(max(row, 1), u32(data, i)[0] + 1)
        elif t == 148 and size >= 16:  # BrtWsDim
            r0, r1, c0, c1 = struct.unpack_from("<4I", data, i)
            ext.declared = (r1 + 1, c1 + 1)
        elif t == 176 and size >= 16:  # BrtMergeCell
            r0, r1, c0, c1 = struct.unpack_from("<4I", data, i)
            ext.merge(r0, c0, r1, c1)
    return ext


def _check_xlsb(zf: zipfile.ZipFile, file: str, limits: Limits) -> None:
    for info in zf.infolist():
        low = info.filename.lower()
        if low.startswith("xl/worksheets/") and low.endswith(".bin"):
            data = b"".join(_stream(zf, info, file, limits))
            _scan_xlsb_sheet(data).check(file, info.filename, limits)
        elif "sharedstrings" in low and low.endswith(".bin"):
            data = b"".join(_stream(zf, info, file, limits))
            for t, i, size in _biff12_records(data):
                if t == 159 and size >= 8:  # BrtBeginSst: cstTotal, cstUnique
                    total, unique = struct.unpack_from("<2I", data, i)
                    if max(total, unique) > limits.shared_strings:
                        raise OverLimit(f"共享字符串表声明的数量异常（{max(total, unique):,}，上限 "
                                             f"{limits.shared_strings:,}），未读取", file=file)
                    break


# ---- .ods -------------------------------------------------------------------------------------

_ODS_TOKENS = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*?)(/?)>|</table:(table-row|table-cell)>|<text:",
    re.S)
_ODS_ROWS = re.compile(rb'number-rows-repeated="(\d+)"')
_ODS_COLS = re.compile(rb'number-columns-repeated="(\d+)"')
_ODS_SPAN = re.compile(rb'number-(rows|columns)-spanned="(\d+)"')
_ODS_VALUE = re.compile(rb"office:value-type=")


def _check_ods(zf: zipfile.ZipFile, file: str, limits: Limits) -> None:
    if "content.xml" not in zf.NameToInfo:
        return
    info = zf.getinfo("content.xml")
    ext = Extent()
    sheet = "content.xml"
    row = 0  # rows before the current one
    row_rep = 1
    col = 0  # columns before the current cell
    cell_rep = 1
    cell_open = False
    row_content_cols = 0
    for m in _tokens(_stream(zf, info, file, limits), _ODS_TOKENS):
        tag, attrs, empty, close = m.group(1), m.group(2), m.group(3), m.group(4)
        if tag == b"table":
            ext.check(file, sheet, limits)
            ext, row = Extent(), 0
            name = re.search(rb'table:name="([^"]*)"', attrs or b"")
            sheet = name.group(1).decode("utf-8", "replace") if name else sheet
        elif tag == b"table-row":
            r = _ODS_ROWS.search(attrs)
            row_rep = int(r.group(1)) if r else 1
            col, row_content_cols = 0, 0
            if empty:
                row += row_rep
        elif tag in (b"table-cell", b"covered-table-cell"):
            c = _ODS_COLS.search(attrs)
            cell_rep = int(c.group(1)) if c else 1
            for s in _ODS_SPAN.finditer(attrs):
                n = int(s.group(2))
                if n > 1:
                    if s.group(1) == b"rows":
                        ext.merge(row + 1, col + 1, row + n, col + 1)
                    else:
                        ext.merge(row + 1, col + 1, row + 1, col + n)
            has_value = bool(_ODS_VALUE.search(attrs))
            if has_value:
                row_content_cols = col + cell_rep
            if empty:
                col += cell_rep
            else:
                cell_open = True
        elif close == b"table-cell":
            col += cell_rep
            cell_open = False
        elif close == b"table-row":
            if row_content_cols:
                ext.see(row + row_rep, row_content_cols)
            row += row_rep
        elif cell_open:  # <text:…> inside a cell: content
            row_content_cols = max(row_content_cols, col + cell_rep)
    ext.check(file, sheet, limits)


# ---- .xls (BIFF8 in an OLE file) --------------------------------------------------------------

_XLS_CELLS = frozenset((0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x0201, 0x00D6))
_XLS_MULTI = frozenset((0x00BD, 0x00BE))  # MULRK, MULBLANK: row, first col … last col


def _xls_sheet_label(substream: int, names: list[str] | None = None) -> str:
    """The first BIFF substream is the workbook globals; the sheets follow in tab order."""
    if substream <= 1:
        return "工作簿全局数据"
    if names and substream - 2 < len(names):
        return names[substream - 2]
    return f"第 {substream - 1} 个工作表"


def _boundsheet_name(data: bytes, body: int, size: int) -> str:
    """The sheet name of a BOUNDSHEET8 record (ShortXLUnicodeString after 6 bytes)."""
    try:
        cch, high = data[body + 6], data[body + 7] & 1
        raw = data[body + 8:body + 8 + cch * (2 if high else 1)]
        return raw.decode("utf-16-le" if high else "latin-1", "replace")
    except IndexError:
        return ""


def _check_xls(path: Path, file: str, limits: Limits) -> None:
    try:
        import olefile

        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(e) for e in ole.listdir()}
            if {"EncryptionInfo", "EncryptedPackage"} & streams:
                raise UnreadableFile("工作簿有打开密码（已加密），无法读取", file=file,
                                     hint="请在 Excel 中去掉打开密码后另存为 .xlsx/.xlsm")
            name = "Workbook" if "Workbook" in streams else "Book" if "Book" in streams else None
            if name is None:
                raise UnreadableFile("不是 Excel 工作簿（OLE 文件中没有工作簿数据，可能是 Word 文档或已损坏）", file=file)
            if ole.get_size(name) > limits.part_mb * _MB:
                raise OverLimit(f"工作簿数据过大（{_mb(ole.get_size(name))}，上限 {limits.part_mb} MB），未读取", file=file)
            data = ole.openstream(name).read()
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(f"文件已加密（设置了打开密码）或是已损坏的旧版 .xls 工作簿，无法读取（{_short(exc)}）",
                             file=file, hint="请在 Excel 中取消打开密码并另存为 .xlsx/.xlsm") from exc
    ext = Extent()
    sheet_no = 0
    names: list[str] = []
    i, n = 0, len(data)
    hdr = struct.Struct("<HH").unpack_from
    while i + 4 <= n:
        t, size = hdr(data, i)
        body = i + 4
        i = body + size
        if t == 0x0809:  # BOF: a new substream
            if sheet_no:
                ext.check(file, _xls_sheet_label(sheet_no, names), limits)
            sheet_no += 1
            ext = Extent()
        elif t == 0x0085 and size >= 8 and sheet_no <= 1:  # BOUNDSHEET8 in the globals
            names.append(_boundsheet_name(data, body, size))
        elif t in _XLS_CELLS and size >= 4:
            r, c = hdr(data, body)
            ext.see(r + 1, c + 1)
        elif t in _XLS_MULTI and size >= 6:
            r, _ = hdr(data, body)
            last = struct.unpack_from("<H", data, body + size - 2)[0]
            ext.see(r + 1, last + 1)
        elif t == 0x0200 and size >= 14:  # DIMENSIONS (BIFF8): rwMic, rwMac (u32), colMic, colMac (u16)
            _, r1, _, c1 = struct.unpack_from("<IIHH", data, body)
            ext.declared = (r1, c1)
        elif t == 0x00E5 and size >= 2:  # MERGEDCELLS
            (k,) = struct.unpack_from("<H", data, body)
            for j in range(min(k, (size - 2) // 8)):
                r0, r1, c0, c1 = struct.unpack_from("<4H", data, body + 2 + 8 * j)
                ext.merge(r0, c0, r1, c1)
        elif t == 0x00FC and size >= 8:  # SST: cstTotal, cstUnique
            total, unique = struct.unpack_from("<2I", data, body)
            if max(total, unique) > limits.shared_strings:
                raise OverLimit(f"共享字符串表声明的数量异常（{max(total, unique):,}，上限 "
                                     f"{limits.shared_strings:,}），未读取", file=file)
    if sheet_no:
        ext.check(file, _xls_sheet_label(sheet_no, names), limits)


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


_GRID_SPAN = re.compile(rb'<w:gridSpan\b[^>]*?w:val="([^"]*)"')
#: Word tables have at most 63 columns.
_MAX_SPAN = 63


def _check_docx(zf: zipfile.ZipFile, file: str) -> None:
    """Word table cells that would make python-docx build a huge or impossible grid."""
    if "word/document.xml" not in zf.NameToInfo:
        return
    info = zf.getinfo("word/document.xml")
    for m in _tokens(_stream(zf, info, file, current_limits()), _GRID_SPAN):
        v = m.group(1)
        if not v.isdigit() or not 1 <= int(v) <= _MAX_SPAN:
            raise UnreadableFile(f"Word 表格中合并单元格的跨列数无效（gridSpan=\"{v.decode('utf-8', 'replace')[:20]}\"），"
                                 "无法读取表格", file=file, hint="请在 Word 中重新合并或拆分该单元格后另存")


def check_package(path: str | os.PathLike[str], limits: Limits | None = None) -> None:
    """A regular file that is a zip within the unpacked-size limits (.docx and other packages)."""
    limits = limits or current_limits()
    p = Path(path)
    h, _ = head(p, limits)
    if not h.startswith(ZIP_MAGIC):
        return  # not a package: the caller's reader says what it is
    try:
        with zipfile.ZipFile(p) as zf:
            check_zip(zf, str(p), limits)
            check_no_dtd(zf, str(p))
            _check_docx(zf, str(p))
            for info in zf.infolist():  # the directory may lie: stream the XML parts against the limit
                if info.filename.lower().endswith((".xml", ".rels")):
                    for _ in _stream(zf, info, str(p), limits):
                        pass
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise UnreadableFile(f"文件已损坏，无法读取（{_short(exc)}）", file=str(p)) from exc


def check_workbook(path: str | os.PathLike[str], limits: Limits | None = None) -> str:
    """Guard a workbook file before a reader opens it; returns its format by content.

    Formats: "xlsx" (also .xlsm), "xlsb", "ods" or "xls". Raises UnreadableFile with the reason.
    """
    limits = limits or current_limits()
    p = Path(path)
    file = str(p)
    fh = os.fdopen(open_regular(p, limits), "rb")  # one open: the head, then the zip directory
    try:
        h = fh.read(8)
        if h.startswith(OLE_MAGIC):
            fh.close()
            _check_xls(p, file, limits)
            return "xls"
        if not h.startswith(ZIP_MAGIC):
            raise UnreadableFile("不是 Excel 工作簿（文件内容不是 .xlsx/.xlsm/.xls 格式）", file=file)
        return _check_package_kind(fh, file, limits)
    finally:
        fh.close()


def _check_package_kind(fh, file: str, limits: Limits) -> str:
    try:
        fh.seek(0)
        with zipfile.ZipFile(fh) as zf:
            check_zip(zf, file, limits)
            check_no_dtd(zf, file, skip_sheets=True)  # sheet parts: checked while they are scanned
            names = zf.NameToInfo
            if "xl/workbook.bin" in names:
                _check_xlsb(zf, file, limits)
                return "xlsb"
            if "content.xml" in names and "xl/workbook.xml" not in names:
                _check_ods(zf, file, limits)
                return "ods"
            if "xl/workbook.xml" not in names:
                if "word/document.xml" in names:
                    raise UnreadableFile("这是 Word 文档（.docx），不是 Excel 工作簿", file=file)
                raise UnreadableFile("无法打开工作簿：不是 Excel 工作簿（压缩包中没有 xl/workbook.xml）", file=file)
            _check_xlsx(zf, file, limits)
            return "xlsx"
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError,
            struct.error) as exc:
        raise UnreadableFile(f"工作簿已损坏，无法读取（{_short(exc)}）", file=file) from exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
