#!/usr/bin/env python3
# Regenerate with: python3 vt100/gen_width.py > vt100/width_table.h  (needs Debian's unicode-data)
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate the character width tables of the vt100 library.

The emulator must give the same widths whatever the C locale says, so the
tables come from the Unicode data files rather than from wcwidth(3).  The
output is committed; the build does not run Python.
"""

import argparse
import re
import sys

UNICODE_DIR = "/usr/share/unicode"
MAX_CP = 0x10FFFF

# U+00AD SOFT HYPHEN is Cf but xterm (and every wcwidth) shows it as a hyphen.
CF_SHOWN = {0x00AD}

# Cf already covers U+200B in current Unicode; listed so older data agrees.
EXTRA_ZERO = [(0x200B, 0x200B),
              # Hangul medial vowels and final consonants join the leading
              # consonant into one syllable cell.
              (0x1160, 0x11FF)]

# EastAsianWidth.txt lists only assigned code points, but these blocks are
# reserved for ideographs whose width will be W once they are assigned, so
# unassigned ones are wide already, as current wcwidth implementations do.
WIDE_RESERVED = [(0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
                 (0x20000, 0x2FFFD), (0x30000, 0x3FFFD)]

# The block summary lets most code points skip both searches: each block of
# 1 << BLOCK_SHIFT code points below BLOCK_END is marked with its width when
# all of it has that width.  128 keeps it at 2 KB with few mixed blocks.
BLOCK_SHIFT = 7
BLOCK_END = 0x40000
BLOCK_MIXED = 3


def read_unicode_data(path):
    """Return (general category per code point, set of assigned code points)."""
    cat = {}
    first = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            fields = line.split(";")
            cp = int(fields[0], 16)
            name, gc = fields[1], fields[2]
            # Large blocks are given as a First/Last pair of lines.
            if name.endswith(", First>"):
                first = cp
                continue
            if name.endswith(", Last>"):
                if first is None:
                    raise ValueError("%s: Last without First at %04X" % (path, cp))
                for c in range(first, cp + 1):
                    cat[c] = gc
                first = None
                continue
            cat[cp] = gc
    return cat


def read_east_asian_width(path):
    """Return (set of W/F code points, Unicode version string or None)."""
    wide = set()
    version = None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            if n == 0:
                m = re.match(r"#\s*EastAsianWidth-(\d+\.\d+\.\d+)\.txt", line)
                if m:
                    version = m.group(1)
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            rng, prop = (s.strip() for s in line.split(";", 1))
            if prop not in ("W", "F"):
                continue
            if ".." in rng:
                lo, hi = (int(x, 16) for x in rng.split(".."))
            else:
                lo = hi = int(rng, 16)
            wide.update(range(lo, hi + 1))
    return wide, version


def to_ranges(cps):
    """Merge a set of code points into sorted, non-adjacent inclusive ranges."""
    ranges = []
    for cp in sorted(cps):
        if ranges and ranges[-1][1] + 1 == cp:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return ranges


def emit(out, name, ranges):
    out.write("static const struct width_range %s[] = {\n" % name)
    for lo, hi in ranges:
        out.write("\t{ 0x%05X, 0x%05X },\n" % (lo, hi))
    out.write("};\n")


def block_summary(zero, wide):
    """One byte per block: its width if uniform, else BLOCK_MIXED."""
    blocks = []
    size = 1 << BLOCK_SHIFT
    for base in range(0, BLOCK_END, size):
        widths = {0 if cp in zero else 2 if cp in wide else 1
                  for cp in range(base, base + size)}
        blocks.append(widths.pop() if len(widths) == 1 else BLOCK_MIXED)
    return blocks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unicode-dir", default=UNICODE_DIR)
    args = ap.parse_args()

    ud_path = args.unicode_dir + "/UnicodeData.txt"
    eaw_path = args.unicode_dir + "/EastAsianWidth.txt"
    cat = read_unicode_data(ud_path)
    wide, version = read_east_asian_width(eaw_path)

    zero = {cp for cp, gc in cat.items()
            if gc in ("Mn", "Me") or (gc == "Cf" and cp not in CF_SHOWN)}
    for lo, hi in EXTRA_ZERO:
        zero.update(range(lo, hi + 1))

    for lo, hi in WIDE_RESERVED:
        wide.update(cp for cp in range(lo, hi + 1) if cp not in cat)
    # Some combining marks are W (e.g. U+302A); a mark never takes a cell of
    # its own, so zero wins and the tables stay disjoint.
    wide -= zero

    zero_r = to_ranges(zero)
    wide_r = to_ranges(wide)
    assert all(0 <= lo <= hi <= MAX_CP for lo, hi in zero_r + wide_r)

    if version:
        source = "Unicode %s" % version
    else:
        source = "Debian unicode-data's Unicode version"

    out = sys.stdout
    out.write("/* SPDX-License-Identifier: GPL-2.0-or-later */\n")
    out.write("/*\n")
    out.write(" * Generated by vt100/gen_width.py from %s and\n" % ud_path)
    out.write(" * %s (%s).  Do not edit.\n" % (eaw_path, source))
    out.write(" */\n")
    out.write("#ifndef VT100_WIDTH_TABLE_H\n")
    out.write("#define VT100_WIDTH_TABLE_H\n\n")
    out.write("#include <stdint.h>\n\n")
    out.write("struct width_range {\n\tuint32_t first, last;\n};\n\n")
    out.write("/* Mn, Me, Cf except U+00AD, U+200B, U+1160-U+11FF. */\n")
    emit(out, "width_zero_table", zero_r)
    out.write("\n/* East_Asian_Width W or F, and unassigned ideograph blocks. */\n")
    emit(out, "width_wide_table", wide_r)
    out.write("\n/*\n * Width of each block of 1 << WIDTH_BLOCK_SHIFT code points below\n")
    out.write(" * WIDTH_BLOCK_END when the whole block has one width (the C0 and C1\n")
    out.write(" * controls aside); WIDTH_BLOCK_MIXED means search the tables.\n */\n")
    out.write("#define WIDTH_BLOCK_SHIFT %d\n" % BLOCK_SHIFT)
    out.write("#define WIDTH_BLOCK_END 0x%05X\n" % BLOCK_END)
    out.write("#define WIDTH_BLOCK_MIXED %d\n" % BLOCK_MIXED)
    out.write("static const uint8_t width_block[] = {\n")
    blocks = block_summary(zero, wide)
    for i in range(0, len(blocks), 16):
        out.write("\t" + ", ".join(str(b) for b in blocks[i:i + 16]) + ",\n")
    out.write("};\n")
    out.write("\n/* Above this, nothing is in either table. */\n")
    out.write("#define WIDTH_TABLE_MAX 0x%05X\n" % max(zero_r[-1][1], wide_r[-1][1]))
    out.write("\n#endif\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
