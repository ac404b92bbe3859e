# SPDX-License-Identifier: GPL-2.0-or-later
"""The recorder's view of the program's output (record.py): a small cursor
tracker that finds the queries a program sends and answers them the way an
80x25 xterm (patch 379, black on white) would.  It knows the common motion
sequences, enough to answer CPR; it does not need to be a full emulator.
"""

import re
import unicodedata

ROWS, COLS = 25, 80

# What an xterm (patch 379, default VT420 id, 80x25, black text on white)
# answers.
DA1_REPLY = b"\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c"
DA2_REPLY = b"\x1b[>41;379;0c"
FG_RGB = "rgb:0000/0000/0000"
BG_RGB = "rgb:ffff/ffff/ffff"
CURSOR_RGB = "rgb:0000/0000/0000"


# --------------------------------------------------------------------------
# Query answering with a small cursor tracker.
# --------------------------------------------------------------------------

def char_width(cp):
    """Display width of one code point, close enough to wcwidth()."""
    if cp < 0x20 or 0x7F <= cp < 0xA0:
        return 0
    ch = chr(cp)
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def csi_arg(nums, i, default=1):
    """Parameter i of a CSI sequence; default when it is absent or 0."""
    v = nums[i] if i < len(nums) else 0
    return v if v else default


class Tracker:
    """Follows the byte stream a program writes: finds queries, tracks the cursor."""

    def __init__(self, rows=ROWS, cols=COLS):
        self.rows, self.cols = rows, cols
        self.row = self.col = 0
        self.wrap = False          # pending-wrap state
        self.top, self.bottom = 0, rows - 1
        self.origin = False
        self.saved = (0, 0)
        self.alt_saved = (0, 0)
        self.state = "ground"
        self.buf = bytearray()     # parameters / string body of the current sequence
        self.utf8 = bytearray()
        self.utf8_need = 0
        # Editing operations seen while in the pending-wrap state (ref_tmux.py
        # warns about them: tmux places them one column right of xterm).
        self.pending_wrap_ops = []
        self.app_cursor_keys = False   # DECCKM (CSI ? 1 h): arrows send ESC O x

    # cursor helpers
    def _clamp(self):
        self.row = max(0, min(self.rows - 1, self.row))
        self.col = max(0, min(self.cols - 1, self.col))
        self.wrap = False

    def _linefeed(self):
        if self.row == self.bottom:
            return
        if self.row < self.rows - 1:
            self.row += 1

    def _print(self, width):
        if width == 0:
            return
        if self.wrap or self.col + width > self.cols:
            if self.col + width > self.cols or self.wrap:
                self.col = 0
                self._linefeed()
                self.wrap = False
        self.col += width
        if self.col >= self.cols:
            self.col = self.cols - 1
            self.wrap = True

    def feed(self, data):
        """Consume output bytes; return the bytes an xterm would answer."""
        out = bytearray()
        for b in data:
            out += self._byte(b)
        return bytes(out)

    def _byte(self, b):
        st = self.state
        if st == "ground":
            return self._ground(b)
        if st == "esc":
            return self._esc(b)
        if st == "csi":
            if 0x20 <= b <= 0x3F:
                self.buf.append(b)
                return b""
            self.state = "ground"
            if 0x40 <= b <= 0x7E:
                return self._csi(bytes(self.buf), chr(b))
            return self._ground(b)
        if st in ("osc", "dcs"):
            if b == 0x07 and st == "osc":
                self.state = "ground"
                return self._string(st, bytes(self.buf), b"\x07")
            if b == 0x1B:
                self.state = st + "_esc"
                return b""
            if b == 0x18 or b == 0x1A:
                self.state = "ground"
                return b""
            if len(self.buf) < 4096:
                self.buf.append(b)
            return b""
        if st in ("osc_esc", "dcs_esc"):
            kind = st[:3]
            self.state = "ground"
            if b == 0x5C:
                return self._string(kind, bytes(self.buf), b"\x1b\\")
            return self._esc_start(b)
        if st == "esc_inter":          # ESC ( B, ESC # 8 ...: one more byte
            self.state = "ground"
            return b""
        self.state = "ground"
        return b""

    def _ground(self, b):
        if self.utf8_need:
            if 0x80 <= b <= 0xBF:
                self.utf8.append(b)
                self.utf8_need -= 1
                if self.utf8_need == 0:
                    try:
                        cp = ord(self.utf8.decode("utf-8"))
                    except UnicodeDecodeError:
                        cp = 0xFFFD
                    self._print(char_width(cp))
                return b""
            self.utf8_need = 0
            self._print(1)             # U+FFFD for the broken sequence
        if b == 0x1B:
            self.state = "esc"
            return b""
        if b == 0x0D:
            self.col, self.wrap = 0, False
        elif b in (0x0A, 0x0B, 0x0C):
            self._linefeed()
            self.wrap = False
        elif b == 0x08:
            if self.wrap:
                self.pending_wrap_ops.append("BS")
            if self.col > 0:
                self.col -= 1
            self.wrap = False
        elif b == 0x09:
            self.col = min(self.cols - 1, (self.col // 8 + 1) * 8)
        elif b == 0x9B:
            self.state, self.buf = "csi", bytearray()
        elif 0x20 <= b < 0x7F:
            self._print(1)
        elif 0xC2 <= b <= 0xF4:
            self.utf8 = bytearray([b])
            self.utf8_need = 1 if b < 0xE0 else 2 if b < 0xF0 else 3
        elif b >= 0x80 and b not in range(0x80, 0xA0):
            self._print(1)
        return b""

    def _esc_start(self, b):
        self.state = "esc"
        return self._esc(b)

    def _esc(self, b):
        self.state = "ground"
        c = chr(b)
        if c == "[":
            self.state, self.buf = "csi", bytearray()
        elif c == "]":
            self.state, self.buf = "osc", bytearray()
        elif c in "P_^X":
            self.state, self.buf = "dcs", bytearray()
        elif c in "()*+-./#%":
            self.state = "esc_inter"
        elif c == "7":
            self.saved = (self.row, self.col)
        elif c == "8":
            self.row, self.col = self.saved
            self._clamp()
        elif c == "D":
            self._linefeed()
        elif c == "E":
            self.col = 0
            self._linefeed()
        elif c == "M":
            if self.row > self.top:
                self.row -= 1
        elif c == "c":
            self.__init__(self.rows, self.cols)
        return b""

    def _csi(self, raw, final):
        priv = ""
        if raw[:1] in (b"?", b">", b"<", b"="):
            priv, raw = chr(raw[0]), raw[1:]
        inter = ""
        m = re.match(rb"^([0-9;:]*)([ -/]*)$", raw)
        if not m:
            return b""
        params, inter = m.group(1), m.group(2).decode()
        nums = []
        for p in params.split(b";") if params else []:
            p = p.split(b":")[0]
            nums.append(int(p) if p else 0)

        if self.wrap and priv == "" and inter == "" and final in "KXP@":
            self.pending_wrap_ops.append({"K": "EL", "X": "ECH", "P": "DCH", "@": "ICH"}[final])
        if priv == "" and inter == "":
            if final in "ABeCaDEFG`dHfrsu":
                self._csi_move(final, nums)
                return b""
            return self._csi_query(final, nums)
        if priv == ">" and final == "c" and csi_arg(nums, 0, 0) == 0:
            return DA2_REPLY
        if priv == "?" and inter == "":
            return self._csi_private(final, nums)
        if inter == "$" and final == "p":
            mode = csi_arg(nums, 0, 0)
            # 2 = reset (known mode, currently off); vim only needs an answer.
            return b"\x1b[%s%d;2$y" % (priv.encode(), mode)
        return b""

    def _csi_move(self, final, nums):
        """The cursor motions, margins, save and restore of CSI final."""
        top = self.top if self.origin else 0
        if final == "A":
            self.row = max(self.top if self.row >= self.top else 0, self.row - csi_arg(nums, 0)); self._clamp()
        elif final in "Be":
            self.row = min(self.bottom if self.row <= self.bottom else self.rows - 1, self.row + csi_arg(nums, 0)); self._clamp()
        elif final in "Ca":
            self.col += csi_arg(nums, 0); self._clamp()
        elif final == "D":
            self.col -= csi_arg(nums, 0); self._clamp()
        elif final == "E":
            self.row += csi_arg(nums, 0); self.col = 0; self._clamp()
        elif final == "F":
            self.row -= csi_arg(nums, 0); self.col = 0; self._clamp()
        elif final in "G`":
            self.col = csi_arg(nums, 0) - 1; self._clamp()
        elif final == "d":
            self.row = top + csi_arg(nums, 0) - 1; self._clamp()
        elif final in "Hf":
            self.row, self.col = top + csi_arg(nums, 0) - 1, csi_arg(nums, 1) - 1; self._clamp()
        elif final == "r":
            t, bt = csi_arg(nums, 0) - 1, csi_arg(nums, 1, self.rows) - 1
            if t < bt:
                self.top, self.bottom = t, min(bt, self.rows - 1)
                self.row, self.col = (self.top if self.origin else 0), 0
                self.wrap = False
        elif final == "s":
            self.saved = (self.row, self.col)
        elif final == "u":
            self.row, self.col = self.saved; self._clamp()

    def _csi_query(self, final, nums):
        """xterm's answer to CSI final (DA, DSR, CPR, window size, DECREQTPARM)."""
        if final == "c" and csi_arg(nums, 0, 0) == 0:
            return DA1_REPLY
        elif final == "n":
            if csi_arg(nums, 0) == 5:
                return b"\x1b[0n"
            if csi_arg(nums, 0) == 6:
                r = self.row - (self.top if self.origin else 0)
                return b"\x1b[%d;%dR" % (r + 1, self.col + 1)
        elif final == "t":
            if csi_arg(nums, 0) == 18:
                return b"\x1b[8;%d;%dt" % (self.rows, self.cols)
            if csi_arg(nums, 0) == 14:
                return b"\x1b[4;%d;%dt" % (self.rows * 17, self.cols * 9)
            if csi_arg(nums, 0) == 16:
                return b"\x1b[6;17;9t"
        elif final == "x":
            if csi_arg(nums, 0, 0) in (0, 1):
                return b"\x1b[%d;1;1;128;128;1;0x" % (csi_arg(nums, 0, 0) + 2)
        return b""

    def _csi_private(self, final, nums):
        """CSI ? final: the modes the tracker follows, and DECXCPR."""
        if final in "hl":
            for n in nums:
                if n == 1:
                    self.app_cursor_keys = final == "h"
                if n == 6:
                    self.origin = final == "h"
                    self.row, self.col = (self.top if self.origin else 0), 0
                    self.wrap = False
                elif n == 1049 and final == "h":
                    self.alt_saved = (self.row, self.col)
                elif n == 1049 and final == "l":
                    self.row, self.col = self.alt_saved
                    self._clamp()
        elif final == "n" and csi_arg(nums, 0) == 6:
            r = self.row - (self.top if self.origin else 0)
            return b"\x1b[?%d;%dR" % (r + 1, self.col + 1)
        return b""

    def _string(self, kind, body, term):
        if kind == "osc":
            m = re.match(rb"^(1[0-2]);\?$", body)
            if m:
                rgb = {b"10": FG_RGB, b"11": BG_RGB, b"12": CURSOR_RGB}[m.group(1)]
                return b"\x1b]" + m.group(1) + b";" + rgb.encode() + term
            return b""
        if body.startswith(b"$q"):     # DECRQSS
            what = body[2:]
            replies = {b"m": b"0m", b"r": b"1;%dr" % ROWS, b" q": b"2 q",
                       b"\"p": b"64;1\"p", b"\"q": b"0\"q"}
            if what in replies:
                return b"\x1bP1$r" + replies[what] + b"\x1b\\"
            return b"\x1bP0$r\x1b\\"
        if body.startswith(b"+q"):     # XTGETTCAP: say "unknown" for each name
            return b"".join(b"\x1bP0+r" + name + b"\x1b\\"
                            for name in body[2:].split(b";") if name)
        return b""
