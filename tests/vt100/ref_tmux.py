#!/usr/bin/env python3
"""Make the expected screen dump of a recorded case with tmux as the emulator.

    ref_tmux.py [-o OUT] [--compare] CASE.in...

For each CASE.in this replays the bytes into a fresh detached tmux session of
exactly 80x25 (status line off) running `stty raw -echo; cat CASE.in`, so
the pty does no output translation, waits until tmux has taken in every byte
and the screen is stable, and writes CASE.out in the format of
docs/screen-dump-format.md (cursor, title, 25 rows of 80 columns, attr
lines).  With --compare it only reports whether the existing .out matches.

Why two tmux servers.  `capture-pane -e` of tmux 3.3 stops each line at the
last cell a character was written to, so cells erased with a background
colour (xterm's BCE, which ncurses programs rely on) past that point are
not shown at all.  To see every cell's attributes, a second ("outer") tmux
session of 80x25 attaches a client to the replay session with TERM set to a
private terminfo entry that lacks `bce` (and `rep`, `ech`): tmux then paints
erased cells with real spaces in the right background colour ("fake BCE"),
and the outer pane, whose cells are now all written, is captured instead.
The characters of both captures are compared as a check.

Also:
 * pending wrap: tmux reports cursor_x == 80 after a character was written
   to the last column; the format wants COLS-1;
 * title: tmux's pane_title defaults to the host name and is also changed
   by things the format ignores, so the title is taken from the stream's own
   last OSC 0 / OSC 2 (OSC 1 does not count), and compared with pane_title;
 * capture-pane writes SGR 53 (overline) as "5:3" and double/curly
   underline as "4:2".."4:5": both are understood;
 * DEC special graphics cells come back either as UTF-8 (client side) or
   between SO/SI (pane side); the latter are mapped with xterm's table.

Known ways tmux 3.3a differs from xterm, found while making the corpus (see
cases/README.md); a .out whose stream meets one of them is fixed by hand:
 * pending wrap: tmux keeps the cursor at column 80, so BS, EL, ECH, DCH and
   ICH right after a character was written to the last column act one column
   right of xterm, and LF there does not end the pending-wrap state;
 * the UK character set (ESC ( A) is not implemented ('#' stays '#');
 * malformed UTF-8 is dropped instead of shown as U+FFFD;
 * CHT (CSI I) and mode 1048 (save/restore cursor) are ignored;
 * REP does not repeat a wide character nor wrap at the right margin;
 * ICH with a count larger than the rest of the line does nothing;
 * overwriting or erasing one half of a wide character leaves the character;
 * switching to the alternate screen clears it with the default background
   (xterm: the current SGR background);
 * (not tmux alone) SGR 6 is blink in tmux and in xterm, but the format
   ignores it.
The detectable ones are reported as warnings.
"""

import argparse
import ctypes
import ctypes.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep tests/vt100 free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record import Tracker  # noqa: E402  (the recorder's cursor tracker)

ROWS, COLS = 25, 80
# Server sockets (tmux -L): private to this run, so that a server left over
# from an earlier run, or one shutting down, cannot get in the way.
INNER = "golden-%d" % os.getpid()
OUTER = "golden-outer-%d" % os.getpid()

DEC_GRAPHICS = {
    "`": "\u25c6", "a": "\u2592", "b": "\u2409", "c": "\u240c", "d": "\u240d",
    "e": "\u240a", "f": "\u00b0", "g": "\u00b1", "h": "\u2424", "i": "\u240b",
    "j": "\u2518", "k": "\u2510", "l": "\u250c", "m": "\u2514", "n": "\u253c",
    "o": "\u23ba", "p": "\u23bb", "q": "\u2500", "r": "\u23bc", "s": "\u23bd",
    "t": "\u251c", "u": "\u2524", "v": "\u2534", "w": "\u252c", "x": "\u2502",
    "y": "\u2264", "z": "\u2265", "{": "\u03c0", "|": "\u2260", "}": "\u00a3",
    "~": "\u00b7",
}

# Characters tmux's client draws as arrows/blocks from the DEC graphics set
# (terminfo acsc) where xterm leaves them as they are.
DEC_ASCII_SAME = "+,-.0"

FLAG_ORDER = ("bold", "italic", "underline", "blink", "reverse", "invisible", "strike")


# --------------------------------------------------------------------------
# Character widths: glibc's wcwidth(), which tmux uses too.
# --------------------------------------------------------------------------

_libc = ctypes.CDLL(ctypes.util.find_library("c"))
_libc.setlocale.restype = ctypes.c_char_p
_libc.setlocale(6, b"C.UTF-8")  # LC_ALL
_libc.wcwidth.argtypes = [ctypes.c_wchar]


def wcwidth(ch):
    w = _libc.wcwidth(ch)
    return 1 if w < 0 else w


# --------------------------------------------------------------------------
# tmux plumbing.
# --------------------------------------------------------------------------

def tmux(sock, *args, check=True):
    r = subprocess.run(["tmux", "-u", "-L", sock, "-f", "/dev/null"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    if check and r.returncode != 0:
        raise RuntimeError("tmux %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout.decode("utf-8", errors="surrogateescape")


def shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


def make_terminfo(tmpdir):
    """xterm-256color without bce/rep/ech, compiled as 'golden-nobce' into tmpdir."""
    src = subprocess.run(["infocmp", "-x", "xterm-256color"], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    lines = [l for l in src.splitlines() if not l.startswith("#")]
    body = "\n".join(lines)
    body = re.sub(r"^xterm-256color\|[^,]*,", "golden-nobce|golden reference client terminal,", body,
                  flags=re.M)
    for cap in ("bce", r"rep=[^,]*", r"ech=[^,]*"):
        body = re.sub(r"(?<=[\s,])" + cap + r",", "", body)
    path = os.path.join(tmpdir, "golden.ti")
    with open(path, "w") as f:
        f.write(body + "\n")
    subprocess.run(["tic", "-x", "-o", tmpdir, path], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return tmpdir


def start_session(sock, name, command, extra_opts=()):
    """A detached 80x25 session with no status line, then respawn with command."""
    tmux(sock, "kill-server", check=False)
    time.sleep(0.2)
    tmux(sock, "new-session", "-d", "-x", str(COLS), "-y", str(ROWS), "-s", name,
         "exec sleep 100000",
         ";", "set", "-g", "status", "off",
         ";", "set", "-g", "default-terminal", "xterm-256color",
         ";", "set", "-g", "default-shell", "/bin/sh",
         ";", "set", "-g", "history-limit", "0",
         ";", "set", "-g", "window-size", "manual",
         ";", "setw", "-g", "automatic-rename", "off",
         *extra_opts)
    tmux(sock, "resize-window", "-t", name, "-x", str(COLS), "-y", str(ROWS))
    size = tmux(sock, "display", "-p", "-t", name,
                "#{window_width}x#{window_height} #{pane_width}x#{pane_height}").split()
    want = "%dx%d" % (COLS, ROWS)
    if size != [want, want]:
        raise RuntimeError("%s: window/pane size %s, want %s" % (sock, size, want))
    tmux(sock, "respawn-pane", "-k", "-t", name, command)


def stable_capture(sock, name, fmt, settle=0.4, limit=15.0):
    """capture-pane -p -e -N plus display fmt, once two reads `settle` apart agree."""
    deadline = time.monotonic() + limit
    last = None
    while True:
        snap = (tmux(sock, "capture-pane", "-p", "-e", "-N", "-t", name),
                tmux(sock, "display", "-p", "-t", name, fmt))
        if snap == last:
            return snap
        if time.monotonic() > deadline:
            raise RuntimeError("%s: screen did not settle" % sock)
        last = snap
        time.sleep(settle)


# --------------------------------------------------------------------------
# Parsing capture-pane -e output into cells.
# --------------------------------------------------------------------------

class Attr:
    __slots__ = ("fg", "bg", "flags")

    def __init__(self):
        self.fg = self.bg = "default"
        self.flags = set()

    def copy(self):
        a = Attr()
        a.fg, a.bg, a.flags = self.fg, self.bg, set(self.flags)
        return a

    def key(self):
        return (self.fg, self.bg, tuple(f for f in FLAG_ORDER if f in self.flags))


def apply_sgr(attr, params):
    """Apply the SGR parameter string params (as tmux's capture writes it)."""
    if params == "":
        params = "0"
    items = params.split(";")
    i = 0
    while i < len(items):
        item = items[i]
        sub = item.split(":")
        try:
            n = int(sub[0]) if sub[0] else 0
        except ValueError:
            i += 1
            continue
        if len(sub) > 1:                       # colon forms
            if n == 4:
                if sub[1] == "0":
                    attr.flags.discard("underline")
                else:
                    attr.flags.add("underline")
            elif n in (38, 48) and sub[1] == "5" and len(sub) > 2:
                setattr(attr, "fg" if n == 38 else "bg", str(int(sub[2])))
            elif n in (38, 48) and sub[1] == "2":
                rgb = [int(x) for x in sub[2:] if x != ""][-3:]
                setattr(attr, "fg" if n == 38 else "bg", "#%02X%02X%02X" % tuple(rgb))
            # "5:3" is tmux's spelling of 53 (overline): not reported
            i += 1
            continue
        if n == 0:
            attr.fg = attr.bg = "default"
            attr.flags.clear()
        elif n == 1:
            attr.flags.add("bold")
        elif n == 3:
            attr.flags.add("italic")
        elif n in (4, 21):
            attr.flags.add("underline")
        elif n == 5:
            attr.flags.add("blink")
        elif n == 7:
            attr.flags.add("reverse")
        elif n == 8:
            attr.flags.add("invisible")
        elif n == 9:
            attr.flags.add("strike")
        elif n == 22:
            attr.flags.discard("bold")
        elif n == 23:
            attr.flags.discard("italic")
        elif n == 24:
            attr.flags.discard("underline")
        elif n == 25:
            attr.flags.discard("blink")
        elif n == 27:
            attr.flags.discard("reverse")
        elif n == 28:
            attr.flags.discard("invisible")
        elif n == 29:
            attr.flags.discard("strike")
        elif 30 <= n <= 37:
            attr.fg = str(n - 30)
        elif 40 <= n <= 47:
            attr.bg = str(n - 40)
        elif 90 <= n <= 97:
            attr.fg = str(n - 90 + 8)
        elif 100 <= n <= 107:
            attr.bg = str(n - 100 + 8)
        elif n == 39:
            attr.fg = "default"
        elif n == 49:
            attr.bg = "default"
        elif n in (38, 48):
            which = "fg" if n == 38 else "bg"
            if i + 2 < len(items) and items[i + 1] == "5":
                setattr(attr, which, str(int(items[i + 2])))
                i += 2
            elif i + 4 < len(items) and items[i + 1] == "2":
                r, g, b = (int(x) for x in items[i + 2:i + 5])
                setattr(attr, which, "#%02X%02X%02X" % (r, g, b))
                i += 4
        i += 1


def parse_capture(text, warn):
    """Rows of cells [(text, Attr) or None for a continuation] from capture -p -e -N."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != ROWS:
        raise RuntimeError("capture gave %d lines, want %d" % (len(lines), ROWS))
    rows = []
    # capture-pane carries the SGR and SO/SI state over from one line to the
    # next (it only writes changes), so the state lives outside the loop.
    attr = Attr()
    charset = False
    for y, line in enumerate(lines):
        cells = []
        i = 0
        while i < len(line):
            ch = line[i]
            if ch == "\x1b":
                m = re.match(r"\x1b\[([0-9;:]*)m", line[i:])
                if not m:
                    raise RuntimeError("row %d: unexpected escape %r" % (y, line[i:i + 10]))
                apply_sgr(attr, m.group(1))
                i += m.end()
                continue
            if ch == "\x0e":
                charset = True
                i += 1
                continue
            if ch == "\x0f":
                charset = False
                i += 1
                continue
            i += 1
            if charset:
                ch = DEC_GRAPHICS.get(ch, ch)
            w = wcwidth(ch)
            if w == 0:
                for k in range(len(cells) - 1, -1, -1):
                    if cells[k] is not None:
                        cells[k] = (cells[k][0] + ch, cells[k][1])
                        break
                else:
                    warn("row %d: combining U+%04X with no base" % (y, ord(ch)))
                continue
            cells.append((ch, attr.copy()))
            if w == 2:
                cells.append(None)
        if len(cells) > COLS:
            raise RuntimeError("row %d is %d columns wide" % (y, len(cells)))
        while len(cells) < COLS:
            cells.append((" ", Attr()))
        rows.append(cells)
    return rows


def row_text(cells):
    return "".join(c[0] for c in cells if c is not None)


def attr_lines(rows):
    out = []
    for y, cells in enumerate(rows):
        keys = []
        last = None
        for c in cells:
            k = last if c is None else c[1].key()
            keys.append(k)
            last = k
        x = 0
        while x < COLS:
            k = keys[x]
            end = x
            while end + 1 < COLS and keys[end + 1] == k:
                end += 1
            if k != ("default", "default", ()):
                fg, bg, flags = k
                out.append("attr %d %d-%d fg=%s bg=%s%s" % (
                    y, x, end, fg, bg, "".join(" " + f for f in flags)))
            x = end + 1
    return out


# --------------------------------------------------------------------------
# The title, from the stream itself.
# --------------------------------------------------------------------------

def stream_title(data):
    """Last OSC 0/2 title in data (bytes), or None if the stream set none."""
    title = None
    for m in re.finditer(rb"\x1b\]([0-9]*);(.*?)(?:\x07|\x1b\\|(?=\x1b)|(?=[\x18\x1a]))", data,
                         re.S):
        if m.group(1) in (b"0", b"2"):
            title = m.group(2)
    if title is None:
        return None
    return re.sub(rb"[\x00-\x1f\x7f]", b"?", title).decode("utf-8", errors="replace")


def sgr_has_6(params):
    """Whether an SGR parameter string has a plain 6 (not inside 38;5;N etc.)."""
    items = params.split(b";")
    i = 0
    while i < len(items):
        if items[i] in (b"38", b"48", b"58") and i + 1 < len(items):
            i += 3 if items[i + 1] == b"5" else 5 if items[i + 1] == b"2" else 1
            continue
        if items[i] == b"6":
            return True
        i += 1
    return False


def warnings_for(data):
    """Reasons why tmux's picture of data may not be xterm's (see the top comment)."""
    w = []
    if re.search(rb"\x1b[()*+]A", data):
        w.append("stream selects the UK character set (ESC ( A): tmux shows '#', xterm '\u00a3'")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        if re.search(rb"[\x80-\xff]", re.sub(rb"\x1bP.*?\x1b\\", b"", data, flags=re.S)):
            w.append("stream has malformed UTF-8: tmux drops it, xterm shows U+FFFD")
    if any(sgr_has_6(m.group(1)) for m in re.finditer(rb"\x1b\[([0-9;:]*)m", data)):
        w.append("stream uses SGR 6: tmux (and xterm) show it as blink, the format ignores it")
    tracker = Tracker()
    tracker.feed(data)
    if tracker.pending_wrap_ops:
        w.append("stream does %s right after writing the last column: tmux (cursor_x 80) "
                 "acts one column right of xterm there; check the .out against xterm"
                 % ", ".join(sorted(set(tracker.pending_wrap_ops))))
    if re.search(rb"\x1b\[[0-9]*I", data):
        w.append("stream uses CHT (CSI I), which tmux ignores")
    if re.search(rb"\x1b\[\?1048[hl]", data):
        w.append("stream uses mode 1048 (save/restore cursor), which tmux ignores")
    return w


# --------------------------------------------------------------------------
# One case.
# --------------------------------------------------------------------------

def reference(path, tmpdir, warn):
    data = open(path, "rb").read()
    done = os.path.join(tmpdir, "done")
    if os.path.exists(done):
        os.unlink(done)
    start_session(INNER, "golden",
                  "stty raw -echo; cat %s; : > %s; exec sleep 100000" % (shq(os.path.abspath(path)), shq(done)),
                  extra_opts=(";", "set", "-as", "terminal-features", ",golden*:RGB"))
    deadline = time.monotonic() + 30
    while not os.path.exists(done):
        if time.monotonic() > deadline:
            raise RuntimeError("replay did not finish")
        time.sleep(0.05)
    time.sleep(0.3)
    inner_cap, info = stable_capture(INNER, "golden",
                                     "#{cursor_y} #{cursor_x} #{alternate_on} #{pane_title}")
    cy, cx, alt, pane_title = (info.rstrip("\n").split(" ", 3) + [""])[:4]
    cy, cx = int(cy), int(cx)
    if cx >= COLS:                       # pending wrap
        cx = COLS - 1

    # The outer session: a client of the inner one on a terminal without bce.
    start_session(OUTER, "outer",
                  "env TERM=golden-nobce TERMINFO=%s LANG=C.UTF-8 LC_ALL=C.UTF-8 "
                  "tmux -u -L %s attach -t golden" % (shq(tmpdir), INNER))
    time.sleep(0.5)
    outer_cap, _ = stable_capture(OUTER, "outer", "#{cursor_y} #{cursor_x}")
    tmux(OUTER, "kill-server", check=False)
    tmux(INNER, "kill-server", check=False)

    # Characters come from the pane itself (its DEC graphics cells are
    # mapped with xterm's table; tmux's client would also map '+', ',', '-',
    # '.', '0' to arrows and a block, which xterm does not), attributes from
    # the client's picture.  The two must agree cell for cell otherwise.
    inner_rows = parse_capture(inner_cap, warn)
    outer_rows = parse_capture(outer_cap, warn)
    rows = []
    for y in range(ROWS):
        row = []
        for x in range(COLS):
            a, b = inner_rows[y][x], outer_rows[y][x]
            if (a is None) != (b is None):
                raise RuntimeError("%s: row %d col %d: wide-character layout differs "
                                   "between pane and client" % (os.path.basename(path), y, x))
            if a is None:
                row.append(None)
                continue
            if a[0] != b[0] and not (a[0] in DEC_ASCII_SAME and b[0] != " "):
                warn("%s: row %d col %d: pane has %r, client shows %r"
                     % (os.path.basename(path), y, x, a[0], b[0]))
            row.append((a[0], b[1]))
        rows.append(row)
    outer_rows = rows

    title = stream_title(data)
    if title is not None and title != pane_title:
        warn("%s: stream title %r, tmux pane_title %r" % (os.path.basename(path), title, pane_title))
    lines = ["cursor %d %d" % (cy, cx), "title" + (" " + title if title else "")]
    lines += [row_text(r) for r in outer_rows]
    lines += attr_lines(outer_rows)
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", metavar="CASE.in")
    ap.add_argument("-o", "--out", help="output file (one input only); default CASE.out")
    ap.add_argument("--compare", action="store_true",
                    help="compare with the existing .out instead of writing it")
    ap.add_argument("--force", action="store_true",
                    help="overwrite an existing .out even where tmux is known to differ "
                         "from xterm for this input (such .out files were fixed by hand)")
    args = ap.parse_args()
    if args.out and len(args.inputs) != 1:
        ap.error("-o takes one input")
    if not shutil.which("tmux") or not shutil.which("tic"):
        ap.error("needs tmux and tic (apt-get install tmux ncurses-bin)")

    def warn(s):
        print("warning: " + s, file=sys.stderr)

    status = 0
    with tempfile.TemporaryDirectory(prefix="ref_tmux.") as tmpdir:
        make_terminfo(tmpdir)
        for path in args.inputs:
            out = args.out or re.sub(r"\.in$", "", path) + ".out"
            reasons = warnings_for(open(path, "rb").read())
            for w in reasons:
                warn("%s: %s" % (os.path.basename(path), w))
            if reasons and not args.compare and not args.force and os.path.exists(out):
                print("%s: kept (tmux differs from xterm here, see above; --force to overwrite)"
                      % out)
                continue
            try:
                dump = reference(path, tmpdir, warn)
            finally:
                tmux(OUTER, "kill-server", check=False)
                tmux(INNER, "kill-server", check=False)
            if args.compare:
                old = open(out, encoding="utf-8").read() if os.path.exists(out) else None
                same = old == dump
                print("%s: %s" % (out, "same" if same else "DIFFERS"))
                status |= 0 if same else 1
            else:
                with open(out, "w", encoding="utf-8", newline="\n") as f:
                    f.write(dump)
                print("%s -> %s" % (path, out))
    return status


if __name__ == "__main__":
    sys.exit(main())
