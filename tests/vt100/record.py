#!/usr/bin/env python3
"""Record what a real program writes to its terminal, for the golden-screen corpus.

A developer tool (Python 3 standard library only), not run by CI.  It runs a
command on a fresh pty of 25 rows x 80 columns with TERM=xterm-256color,
LANG=C.UTF-8, TZ=UTC and a scratch HOME, types a scripted list of keystrokes
into it, and saves every byte the program wrote (read from the pty master,
exactly as received) to cases/NAME.in.  Recording stops when the program
exits, or at the case's timeout, when the whole process group is killed with
SIGKILL so that nothing it would print on the way out is recorded (that is
how a case ends while a program is still on the alternate screen).

Queries the program sends (DA1, DA2, DSR, CPR, DECRQM, DECRQSS, XTGETTCAP,
OSC 10/11 colour queries, window-size reports) are answered the way an
80x25 xterm (patch 379, black on white) would, so the program behaves as it
does under xterm.  Only the program's output is recorded, never the answers.
To answer CPR the recorder follows the cursor with a small tracker that knows
the common motion sequences; it does not need to be a full emulator.

    record.py --list                 list the built-in cases
    record.py [--out DIR] NAME...    record the named built-in cases
    record.py --all                  record every built-in case
    record.py --adhoc NAME [--script JSON] [--timeout S] -- CMD [ARG...]

A script is a list of steps: ["wait", SECONDS], ["keys", "TEXT"] (typed as
UTF-8; use \\x1b, \\r ... escapes in JSON; arrow keys written as ESC [ A..D
are sent as ESC O A..D while the program has DECCKM on, as xterm does),
["expect", "REGEX", SECONDS] (wait until the output so far matches, or the
given time passes).

The scratch tree lives at a fixed path (/tmp/vt100-golden) with fixed file
contents and modification times, so paths and listings shown by programs
do not change from run to run.  Clock and load figures shown by top/htop
still vary; what counts is the recorded bytes, and the .out files are made
from those bytes (see ref_tmux.py), not from the live run.
"""

import argparse
import errno
import fcntl
import json
import os
import re
import select
import shutil
import signal
import struct
import sys
import termios
import time
import unicodedata

ROWS, COLS = 25, 80
SCRATCH = "/tmp/vt100-golden"
HOME = SCRATCH + "/home"
WORK = SCRATCH + "/work"
HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")
FIXED_MTIME = 1700000000  # 2023-11-14 22:13:20 UTC: "Nov 14  2023" in ls -l

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

        def arg(i, default=1):
            v = nums[i] if i < len(nums) else 0
            return v if v else default

        top = self.top if self.origin else 0
        if self.wrap and priv == "" and inter == "" and final in "KXP@":
            self.pending_wrap_ops.append({"K": "EL", "X": "ECH", "P": "DCH", "@": "ICH"}[final])
        if priv == "" and inter == "":
            if final == "A":
                self.row = max(self.top if self.row >= self.top else 0, self.row - arg(0)); self._clamp()
            elif final in "Be":
                self.row = min(self.bottom if self.row <= self.bottom else self.rows - 1, self.row + arg(0)); self._clamp()
            elif final in "Ca":
                self.col += arg(0); self._clamp()
            elif final == "D":
                self.col -= arg(0); self._clamp()
            elif final == "E":
                self.row += arg(0); self.col = 0; self._clamp()
            elif final == "F":
                self.row -= arg(0); self.col = 0; self._clamp()
            elif final in "G`":
                self.col = arg(0) - 1; self._clamp()
            elif final == "d":
                self.row = top + arg(0) - 1; self._clamp()
            elif final in "Hf":
                self.row, self.col = top + arg(0) - 1, arg(1) - 1; self._clamp()
            elif final == "r":
                t, bt = arg(0) - 1, arg(1, self.rows) - 1
                if t < bt:
                    self.top, self.bottom = t, min(bt, self.rows - 1)
                    self.row, self.col = (self.top if self.origin else 0), 0
                    self.wrap = False
            elif final == "s":
                self.saved = (self.row, self.col)
            elif final == "u":
                self.row, self.col = self.saved; self._clamp()
            elif final == "c" and arg(0, 0) == 0:
                return DA1_REPLY
            elif final == "n":
                if arg(0) == 5:
                    return b"\x1b[0n"
                if arg(0) == 6:
                    r = self.row - (self.top if self.origin else 0)
                    return b"\x1b[%d;%dR" % (r + 1, self.col + 1)
            elif final == "t":
                if arg(0) == 18:
                    return b"\x1b[8;%d;%dt" % (self.rows, self.cols)
                if arg(0) == 14:
                    return b"\x1b[4;%d;%dt" % (self.rows * 17, self.cols * 9)
                if arg(0) == 16:
                    return b"\x1b[6;17;9t"
            elif final == "x":
                if arg(0, 0) in (0, 1):
                    return b"\x1b[%d;1;1;128;128;1;0x" % (arg(0, 0) + 2)
        elif priv == ">" and final == "c" and arg(0, 0) == 0:
            return DA2_REPLY
        elif priv == "?" and inter == "":
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
            elif final == "n" and arg(0) == 6:
                r = self.row - (self.top if self.origin else 0)
                return b"\x1b[?%d;%dR" % (r + 1, self.col + 1)
        elif inter == "$" and final == "p":
            mode = arg(0, 0)
            # 2 = reset (known mode, currently off); vim only needs an answer.
            return b"\x1b[%s%d;2$y" % (priv.encode(), mode)
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


# --------------------------------------------------------------------------
# Running a program on a pty.
# --------------------------------------------------------------------------

def base_env():
    return {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": HOME,
        "USER": "user",
        "LOGNAME": "user",
        "SHELL": "/bin/bash",
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "LESSHISTFILE": "-",
        "PAGER": "less",
        "MANPAGER": "less",
        "EDITOR": "vim",
    }


def spawn(argv, env, cwd):
    """Fork argv onto a new pty of ROWS x COLS; return (pid, master_fd)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
    pid = os.fork()
    if pid == 0:
        try:
            os.close(master)
            os.setsid()
            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            if slave > 2:
                os.close(slave)
            os.chdir(cwd)
            os.execvpe(argv[0], argv, env)
        except BaseException as e:  # noqa: BLE001 - report and die in the child
            os.write(2, ("exec %s: %s\n" % (argv[0], e)).encode())
        os._exit(127)
    os.close(slave)
    return pid, master


def run(argv, script, timeout, env=None, cwd=WORK, log=None):
    """Run argv, play script, return the recorded bytes."""
    env = env or base_env()
    pid, master = spawn(argv, env, cwd)
    tracker = Tracker()
    recorded = bytearray()
    start = time.monotonic()
    deadline = start + timeout
    steps = list(script)
    next_at = start
    expecting = None              # (regex, give_up_at)
    exited = False
    status = None

    def pump(wait):
        """Read what arrives within `wait` seconds: "data", "idle" or "eof"."""
        r, _, _ = select.select([master], [], [], max(0.0, wait))
        if not r:
            return "idle"
        try:
            data = os.read(master, 65536)
        except OSError as e:
            if e.errno == errno.EIO:
                return "eof"
            raise
        if not data:
            return "eof"
        recorded.extend(data)
        reply = tracker.feed(data)
        if reply:
            if log:
                log("  answer %r" % reply)
            os.write(master, reply)
        return "data"

    while True:
        now = time.monotonic()
        if now >= deadline:
            break
        # advance the script
        while steps and expecting is None and now >= next_at:
            kind = steps[0][0]
            if kind == "wait":
                next_at = now + float(steps[0][1])
            elif kind == "keys":
                keys = steps[0][1]
                keys = keys.encode("utf-8") if isinstance(keys, str) else keys
                if tracker.app_cursor_keys:      # as xterm sends arrows in DECCKM
                    keys = re.sub(rb"\x1b\[([ABCD])", lambda m: b"\x1bO" + m.group(1), keys)
                os.write(master, keys)
            elif kind == "expect":
                expecting = (re.compile(steps[0][1].encode("utf-8") if isinstance(steps[0][1], str)
                                        else steps[0][1]), now + float(steps[0][2]))
            else:
                raise ValueError("unknown script step %r" % (steps[0],))
            steps.pop(0)
        if expecting is not None:
            if expecting[0].search(recorded) or now >= expecting[1]:
                if not expecting[0].search(recorded) and log:
                    log("  expect %r timed out" % expecting[0].pattern)
                expecting = None
                next_at = now
                continue
        wait = min(deadline, next_at if steps and expecting is None else deadline) - now
        if expecting is not None:
            wait = min(wait, 0.05)
        if pump(min(wait, 0.2)) == "eof":
            exited = True
            break
        if not exited:
            p, st = os.waitpid(pid, os.WNOHANG)
            if p:
                status = st
                exited = True
                # the program is gone: take what is still queued, then stop
                while pump(0.3) == "data":
                    pass
                break

    if not exited or status is None:
        if not exited:
            # Timeout: kill the process group without reading anything more.
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if log:
                log("  timeout after %.1fs: killed" % timeout)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    try:
        os.killpg(pid, signal.SIGKILL)   # anything left in the session
    except (ProcessLookupError, PermissionError):
        pass
    os.close(master)
    return bytes(recorded)


# --------------------------------------------------------------------------
# The scratch tree.
# --------------------------------------------------------------------------

C_SOURCE = r'''/* queue.c - a bounded ring buffer of integers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUEUE_SIZE 16

struct queue {
	int items[QUEUE_SIZE];
	unsigned head, tail;
};

/* Add one item; return 0, or -1 when the queue is full. */
static int queue_push(struct queue *q, int v)
{
	if (q->tail - q->head == QUEUE_SIZE)
		return -1;
	q->items[q->tail++ % QUEUE_SIZE] = v;
	return 0;
}

/* Take the oldest item; return 0, or -1 when the queue is empty. */
static int queue_pop(struct queue *q, int *v)
{
	if (q->tail == q->head)
		return -1;
	*v = q->items[q->head++ % QUEUE_SIZE];
	return 0;
}

int main(int argc, char **argv)
{
	struct queue q;
	int i, v;

	memset(&q, 0, sizeof(q));
	for (i = 1; i < argc; i++)
		if (queue_push(&q, atoi(argv[i])) < 0)
			fprintf(stderr, "queue full at \"%s\"\n", argv[i]);
	while (queue_pop(&q, &v) == 0)
		printf("%d\n", v);
	return 0;
}
'''

PY_SOURCE = '''#!/usr/bin/env python3
"""Word frequency counter."""
import sys
from collections import Counter


def words(stream):
    for line in stream:
        for word in line.split():
            yield word.strip(".,;:!?").lower()


def main():
    counts = Counter(words(sys.stdin))
    for word, n in counts.most_common(10):
        print(f"{n:6d} {word}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


def long_text():
    """A long, fixed, plain-text file for pagers (300 lines)."""
    out = []
    words = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet "
             "kilo lima mike november oscar papa quebec romeo sierra tango "
             "uniform victor whiskey xray yankee zulu").split()
    for i in range(1, 301):
        n = 3 + (i * 7) % 11
        text = " ".join(words[(i * 3 + k) % len(words)] for k in range(n))
        if i % 10 == 0:
            text += " -- checkpoint %d" % (i // 10)
        out.append("%04d %s" % (i, text))
    return "\n".join(out) + "\n"


def touch_tree(root):
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames + dirnames:
            p = os.path.join(dirpath, name)
            os.utime(p, (FIXED_MTIME, FIXED_MTIME), follow_symlinks=False)
    os.utime(root, (FIXED_MTIME, FIXED_MTIME))


def prepare_scratch():
    """Recreate the scratch tree with fixed content and times."""
    shutil.rmtree(SCRATCH, ignore_errors=True)
    os.makedirs(HOME)
    os.makedirs(WORK)
    w = lambda p, s, mode=0o644: (open(p, "w").write(s), os.chmod(p, mode))
    # ls tree
    lsd = os.path.join(WORK, "lsdir")
    os.makedirs(os.path.join(lsd, "src"))
    os.makedirs(os.path.join(lsd, "docs"))
    os.makedirs(os.path.join(lsd, "public"))
    os.chmod(os.path.join(lsd, "public"), 0o1777)      # sticky, other-writable
    w(os.path.join(lsd, "README.md"), "# demo\n" * 20)
    w(os.path.join(lsd, "build.sh"), "#!/bin/sh\necho build\n", 0o755)
    w(os.path.join(lsd, "run-tests"), "#!/bin/sh\nexit 0\n", 0o755)
    w(os.path.join(lsd, "archive.tar.gz"), "x" * 1234)
    w(os.path.join(lsd, "photo.png"), "p" * 4096)
    w(os.path.join(lsd, "notes.txt"), "notes\n" * 100)
    w(os.path.join(lsd, "setuid-tool"), "#!/bin/sh\n", 0o4755)
    os.symlink("README.md", os.path.join(lsd, "link-to-readme"))
    os.symlink("no-such-file", os.path.join(lsd, "broken-link"))
    os.symlink("src", os.path.join(lsd, "srclink"))
    os.mkfifo(os.path.join(lsd, "pipe"))
    w(os.path.join(lsd, "src", "main.c"), C_SOURCE)
    touch_tree(lsd)
    # editor / pager files
    w(os.path.join(WORK, "queue.c"), C_SOURCE)
    w(os.path.join(WORK, "wordfreq.py"), PY_SOURCE)
    w(os.path.join(WORK, "long.txt"), long_text())
    w(os.path.join(WORK, "todo.txt"), "buy milk\ncall bob\nfix the printer\n")
    # shell
    w(os.path.join(HOME, ".bash_history"),
      "ls -l\ngrep -rn printer todo.txt\nmake check\necho hello world\ncat todo.txt\n")
    w(os.path.join(HOME, ".bashrc"),
      "PS1='\\[\\e[1;32m\\]user@golden\\[\\e[0m\\]:\\[\\e[1;34m\\]\\w\\[\\e[0m\\]$ '\n"
      "HISTFILE=~/.bash_history\nalias ls='ls --color=auto'\n")
    w(os.path.join(HOME, ".nanorc"), "include /usr/share/nano/c.nanorc\n")
    w(os.path.join(HOME, ".vimrc"), "source $VIMRUNTIME/defaults.vim\nset nocompatible\n")
    for top in (HOME, WORK):
        for name in os.listdir(top):
            p = os.path.join(top, name)
            if not os.path.islink(p) and os.path.isfile(p):
                os.utime(p, (FIXED_MTIME, FIXED_MTIME))


# --------------------------------------------------------------------------
# The built-in cases.  Each: argv, script, timeout, note.
# --------------------------------------------------------------------------

ESC = "\x1b"
UTF8_SAMPLER = (
    "UTF-8 sampler\\r\\n"
    "Latin: caf\\xc3\\xa9 na\\xc3\\xafve \\xc3\\x85ngstr\\xc3\\xb6m \\xc5\\x81\\xc3\\xb3d\\xc5\\xba\\r\\n"
    "Greek: \\xce\\xb1\\xce\\xb2\\xce\\xb3 \\xce\\x94\\xce\\xbb\\xcf\\x86\\xce\\xb1  Cyrillic: \\xd0\\x9f\\xd1\\x80\\xd0\\xb8\\xd0\\xb2\\xd0\\xb5\\xd1\\x82\\r\\n"
    "CJK: \\xe4\\xb8\\xad\\xe6\\x96\\x87\\xe6\\xbc\\xa2\\xe5\\xad\\x97 \\xe6\\x97\\xa5\\xe6\\x9c\\xac\\xe8\\xaa\\x9e \\xed\\x95\\x9c\\xea\\xb5\\xad\\xec\\x96\\xb4|end\\r\\n"
    "Fullwidth: \\xef\\xbc\\xa1\\xef\\xbc\\xa2\\xef\\xbc\\xa3\\xef\\xbc\\x91\\xef\\xbc\\x92\\xef\\xbc\\x93|end\\r\\n"
    "Combining: e\\xcc\\x81 a\\xcc\\x80 n\\xcc\\x83 o\\xcc\\x88\\xcc\\x84 x\\xe2\\x83\\x9d|end\\r\\n"
    "Emoji: \\xf0\\x9f\\x98\\x80 \\xf0\\x9f\\x8e\\x89 \\xf0\\x9f\\x90\\x8d \\xf0\\x9f\\x9a\\x80|end\\r\\n"
    "Symbols: \\xe2\\x82\\xac \\xc2\\xa3 \\xc2\\xa5 \\xc2\\xa9 \\xc2\\xae \\xe2\\x84\\xa2 \\xe2\\x86\\x90\\xe2\\x86\\x91\\xe2\\x86\\x92\\xe2\\x86\\x93 \\xe2\\x88\\x9e \\xe2\\x89\\xa0 \\xe2\\x89\\xa4\\r\\n"
    "Box: \\xe2\\x94\\x8c\\xe2\\x94\\x80\\xe2\\x94\\xac\\xe2\\x94\\x80\\xe2\\x94\\x90 \\xe2\\x95\\x94\\xe2\\x95\\x90\\xe2\\x95\\x97 \\xe2\\x96\\x88\\xe2\\x96\\x93\\xe2\\x96\\x92\\xe2\\x96\\x91\\r\\n"
    "Wide at margin:\\r\\n"
    "123456789012345678901234567890123456789012345678901234567890123456789012345678\\xe4\\xb8\\xad\\xe6\\x96\\x87\\r\\n"
    "1234567890123456789012345678901234567890123456789012345678901234567890123456789\\xe4\\xb8\\xad\\r\\n"
)

COLOR_SCRIPT = r'''
# 16 colours: one line per background pair (40+i, 100+i), every foreground.
i=0
while [ $i -lt 8 ]; do
  for bg in $((40 + i)) $((100 + i)); do
    printf '\033[0m %3d ' $bg
    for fg in 30 31 32 33 34 35 36 37 90 91 92 93 94 95 96 97; do
      printf '\033[%d;%dm%02d' $fg $bg $((fg % 10 + (fg / 90) * 8))
    done
  done
  printf '\033[0m\r\n'
  i=$((i+1))
done
# 256 colours (48;5;N), 40 to a line, the number's last digit in 38;5;(255-N)
n=0
while [ $n -lt 256 ]; do
  printf '\033[38;5;%d;48;5;%dm%d ' $((255 - n)) $n $((n % 10))
  n=$((n+1))
  if [ $((n % 40)) -eq 0 ]; then printf '\033[0m\r\n'; fi
done
printf '\033[0m\r\n'
# truecolor: a background gradient (48;2) and a foreground one (38;2)
col=0
while [ $col -lt 80 ]; do
  printf '\033[48;2;%d;%d;%dm ' $((col * 255 / 79)) 64 $((255 - col * 255 / 79)); col=$((col+1))
done
printf '\033[0m\r\n'
col=0
while [ $col -lt 80 ]; do
  printf '\033[38;2;%d;%d;%dm#' 255 $((col * 3)) 0; col=$((col+1))
done
printf '\033[0m\r\n'
for s in 1 2 3 4 5 7 8 9; do printf '\033[%d;38;2;255;128;0mSGR%d\033[0m ' $s $s; done
printf '\033[38;5;208mi208\033[0m \033[38:2::0:128:255mcolon\033[0m \033[38:2:0:64:0m3sub\033[0m \033[4:3mcurl\033[0m \033[21mdbl\033[0m \033[53mover\033[0m\r\n'
printf '\033[1;31mbold red\033[22m plain red \033[3;33mitalic yellow\033[23;7;34m reverse blue\033[27m\033[0m '
printf '\033[5;47mblink\033[25m no-blink\033[0m \033[9;4mstrike+ul\033[29;24m plain\033[0m\r\n'
tput setaf 1; printf 'tput setaf 1'; tput sgr0; printf ' '; tput bold; tput setaf 4; printf 'tput bold setaf 4'; tput sgr0
printf ' '; tput setab 3; tput setaf 0; printf 'setab 3'; tput sgr0; printf ' '; tput smul; printf 'smul'; tput rmul; printf ' '
tput rev; printf 'rev'; tput sgr0; printf ' '; tput sitm; printf 'sitm'; tput ritm; printf ' '; tput setaf 196; printf 'setaf 196'; tput sgr0
'''

VIM_EDIT_KEYS = [
    ("expect", r"queue\.c", 5), ("wait", 1.0),
    ("keys", "G"), ("wait", 0.4),
    ("keys", "o"), ("wait", 0.2),
    ("keys", "/* added by the golden test */"), ("wait", 0.2),
    ("keys", "\x1b"), ("wait", 0.3),
    ("keys", "gg"), ("wait", 0.3),
    ("keys", "\x06"), ("wait", 0.3),          # Ctrl-F: page down
    ("keys", "\x05\x05\x05"), ("wait", 0.3),  # Ctrl-E: scroll three lines
    ("keys", ":set nu\r"), ("wait", 0.4),
    ("keys", "/queue_pop\r"), ("wait", 0.4),
    ("keys", "ciwqueue_take\x1b"), ("wait", 0.4),
    ("keys", ":wq\r"), ("wait", 0.5),
]

# top and htop list only processes the case starts itself (20 sleeps), so
# that the recording shows nothing of the machine it was made on.
SLEEPERS = ("for i in $(seq 20); do sleep 1000 & done; "
            "pids=$(jobs -p | paste -sd, -); ")

CASES = {
    "ls_color": dict(
        argv=["ls", "--color=always", "-l"], cwd=WORK + "/lsdir", script=[], timeout=5,
        note="ls --color=always -l on a prepared directory (dirs, executables, "
             "setuid, sticky other-writable dir, symlinks incl. broken, fifo)"),
    "vim_edit": dict(
        argv=["vim", "-i", "NONE", "--cmd", "set t_ti= t_te=", "queue.c"],
        script=VIM_EDIT_KEYS, timeout=20,
        note="vim with syntax highlighting on queue.c, t_ti/t_te empty so the final "
             "vim screen stays on the normal screen after :wq; types a line, "
             "pages, scrolls, :set nu, searches, changes a word, :wq"),
    "vim_altscreen_killed": dict(
        argv=["vim", "-i", "NONE", "wordfreq.py"],
        script=[("expect", r"wordfreq", 5), ("wait", 1.0),
                ("keys", ":set nu hlsearch\r"), ("wait", 0.3),
                ("keys", "/word\r"), ("wait", 0.3),
                ("keys", "jjOimport os\x1b"), ("wait", 0.3),
                ("keys", "Vjj"), ("wait", 0.5)],
        timeout=6,
        note="vim on wordfreq.py (alternate screen), :set nu hlsearch, search, "
             "insert a line, visual-line selection; killed at the timeout while "
             "still on the alternate screen"),
    "bash_vim_roundtrip": dict(
        argv=["bash", "--noprofile", "--rcfile", HOME + "/.bashrc", "-i"],
        script=[("expect", r"\$ ", 5), ("wait", 0.3),
                ("keys", "cat todo.txt\r"), ("wait", 0.5),
                ("keys", "vim -i NONE todo.txt\r"), ("expect", r"todo\.txt\"", 5), ("wait", 1.0),
                ("keys", "Goship it\x1b:wq\r"), ("wait", 1.0),
                ("keys", "cat todo.txt\r"), ("wait", 0.5),
                ("keys", "exit\r"), ("wait", 0.5)],
        timeout=15,
        note="bash (coloured prompt): cat a file, edit it in vim (alternate "
             "screen 1049), :wq back to the restored normal screen, cat it again, exit"),
    "less_search": dict(
        argv=["less", "long.txt"],
        script=[("expect", r"long\.txt", 5), ("wait", 0.5),
                ("keys", " "), ("wait", 0.3),
                ("keys", " "), ("wait", 0.3),
                ("keys", "b"), ("wait", 0.3),
                ("keys", "/kilo lima\r"), ("wait", 0.4),
                ("keys", "n"), ("wait", 0.4),
                ("keys", "jjj"), ("wait", 0.5)],
        timeout=5,
        note="less on a 300-line file: space, space, b, /kilo lima, n, jjj "
             "(search matches in reverse video); killed on the alternate screen"),
    "man_ls": dict(
        argv=["man", "ls"],
        script=[("expect", r"LS\(1\)", 8), ("wait", 1.0),
                ("keys", " "), ("wait", 0.5),
                ("keys", "/--color\r"), ("wait", 0.8)],
        timeout=6, env={"MANWIDTH": "80", "GROFF_NO_SGR": ""},
        note="man ls through less (bold/underline from groff): one page down, "
             "/--color; killed on the alternate screen"),
    "top_batch": dict(
        argv=["bash", "-c", SLEEPERS + "top -b -n1 -w 80 -p $pids; kill $(jobs -p)"],
        script=[], timeout=8,
        note="top -b -n1 -w 80 -p (20 sleep processes): plain text, LF only "
             "(the pty adds CR), scrolls past 25 lines"),
    "top_interactive": dict(
        argv=["bash", "-c", SLEEPERS + "exec top -d 1 -p $pids"],
        script=[("wait", 2.6)], timeout=2.8,
        note="interactive top -p (20 sleep processes), about three refreshes "
             "at 1 s; killed"),
    "htop": dict(
        argv=["bash", "-c", SLEEPERS + "exec htop -d 10 -p $pids"],
        script=[("wait", 2.6)], timeout=2.8,
        note="htop -p (20 sleep processes): meters, colours, function-key bar, "
             "~2.5 s at 1 s refresh; killed"),
    "dialog_msgbox": dict(
        argv=["dialog", "--title", "Notice", "--msgbox",
              "The golden screen corpus judges the emulator from outside.\n\n"
              "Press OK to continue.", "10", "50"],
        script=[("wait", 1.0)], timeout=1.5,
        note="dialog --msgbox 10x50 (box drawing, colours, shadow); killed while shown"),
    "dialog_menu": dict(
        argv=["dialog", "--backtitle", "vncterm golden tests", "--title", "Pick one",
              "--menu", "Choose a terminal:", "15", "50", "6",
              "xterm", "the reference", "tmux", "multiplexer", "st", "simple terminal",
              "vte", "GNOME terminal widget", "kitty", "GPU terminal",
              "alacritty", "another GPU terminal", "rxvt", "the classic"],
        script=[("wait", 0.8), ("keys", "\x1b[B"), ("wait", 0.3), ("keys", "\x1b[B"),
                ("wait", 0.3), ("keys", "\x1b[B\x1b[B\x1b[B\x1b[B"), ("wait", 0.8)],
        timeout=3,
        note="dialog --menu with a backtitle, 7 items; Down x6 moves the "
             "highlight to the last item; killed while shown"),
    "dialog_checklist": dict(
        argv=["dialog", "--title", "Features", "--checklist", "Select features:",
              "14", "60", "5",
              "utf8", "UTF-8 decoding", "on", "wide", "wide characters", "off",
              "bce", "background colour erase", "on", "alt", "alternate screen", "off",
              "dec", "DEC special graphics", "off"],
        script=[("wait", 0.8), ("keys", "\x1b[B"), ("wait", 0.3), ("keys", " "),
                ("wait", 0.3), ("keys", "\x1b[B\x1b[B"), ("wait", 0.3), ("keys", " "),
                ("wait", 0.3), ("keys", "\t"), ("wait", 0.8)],
        timeout=3.5,
        note="dialog --checklist: Down, Space, Down Down, Space, Tab to the "
             "buttons; killed while shown"),
    "vttest_cursor1": dict(
        argv=["vttest", "25x80.80"],
        script=[("expect", r"Enter choice number", 5), ("wait", 0.3),
                ("keys", "1\r"), ("wait", 1.0)],
        timeout=2,
        note="vttest menu 1 (cursor movements), first screen: the E/+/* border "
             "drawn with CUP, CUF/CUB, IND/RI/NEL, DECALN; killed while shown"),
    "vttest_cursor3": dict(
        argv=["vttest", "25x80.80"],
        script=[("expect", r"Enter choice number", 5), ("wait", 0.3),
                ("keys", "1\r"), ("wait", 0.8), ("keys", "\r"), ("wait", 0.8),
                ("keys", "\r"), ("wait", 1.0)],
        timeout=3.5,
        note="vttest menu 1, third screen (autowrap, mixing control and print "
             "characters); killed while shown"),
    "vttest_screen_scroll": dict(
        argv=["vttest", "25x80.80"],
        script=[("expect", r"Enter choice number", 5), ("wait", 0.3),
                ("keys", "2\r"), ("wait", 0.6), ("keys", "\r"), ("wait", 0.6),
                ("keys", "\r"), ("wait", 0.6), ("keys", "\r"), ("wait", 0.6),
                ("keys", "\r"), ("wait", 0.6), ("keys", "\r"), ("wait", 0.6),
                ("keys", "\r"), ("wait", 0.6), ("keys", "\r"), ("wait", 1.5)],
        timeout=10,
        note="vttest menu 2 (screen features), Return x7: past the wrap, tab-stop, "
             "DECCOLM 132/80-column screens (light and dark, DECSCNM on then off) "
             "and soft-scroll-up screens to the end of 'soft scroll down region "
             "[1..25]' (DECSTBM, DECOM, DECSCLM, RI at the top margin); killed "
             "while shown"),
    "vttest_charsets": dict(
        argv=["vttest", "25x80.80"],
        script=[("expect", r"Enter choice number", 5), ("wait", 0.3),
                ("keys", "3\r"), ("expect", r"Enter choice number", 3), ("wait", 0.3),
                ("keys", "8\r"), ("wait", 1.0)],
        timeout=3,
        note="vttest menu 3 (character sets), test 8 'VT100 character sets': "
             "ASCII/UK/DEC special graphics via SCS and SO/SI; killed while shown"),
    "vttest_double": dict(
        argv=["vttest", "25x80.80"],
        script=[("expect", r"Enter choice number", 5), ("wait", 0.3),
                ("keys", "4\r"), ("wait", 1.0)],
        timeout=2,
        note="vttest menu 4 (double-sized characters), first screen: DECDWL/"
             "DECDHL lines; killed while shown"),
    "utf8_sampler": dict(
        argv=["printf", UTF8_SAMPLER], script=[], timeout=5,
        note="printf of a UTF-8 sampler: Latin, Greek, Cyrillic, CJK, fullwidth, "
             "combining marks, emoji, symbols, box drawing, wide chars at the margin"),
    "colors": dict(
        argv=["sh", "-c", COLOR_SCRIPT], script=[], timeout=10,
        note="16-colour table (30-37/90-97 on 40-47/100-107), the 256-colour "
             "palette (38;5;N on 48;5;N), truecolor gradients (48;2 / 38;2), "
             "SGR flags with 38;2, colon forms, 4:3, 21, 53, 22-29, and tput "
             "setaf/setab/bold/smul/rev/sitm"),
    "nano_edit": dict(
        argv=["nano", "--ignorercfile", "-l", "queue.c"],
        script=[("expect", r"queue\.c", 5), ("wait", 0.8),
                ("keys", "\x1b[B\x1b[B\x1b[B"), ("wait", 0.3),
                ("keys", "// edited in nano\r"), ("wait", 0.3),
                ("keys", "\x17queue_pop\r"), ("wait", 0.5)],
        timeout=3.5,
        note="nano -l (line numbers) on queue.c: cursor down, type a line, "
             "Ctrl-W search; killed while shown"),
    "bash_readline": dict(
        argv=["bash", "--noprofile", "--rcfile", HOME + "/.bashrc", "-i"],
        script=[("expect", r"\$ ", 5), ("wait", 0.3),
                ("keys", "echo helo wrld"), ("wait", 0.2),
                ("keys", "\x7f\x7f\x7f"), ("wait", 0.2),
                ("keys", "orld"), ("wait", 0.2),
                ("keys", "\x01\x1bf\x1bf\x02\x02l"), ("wait", 0.2),
                ("keys", "\r"), ("wait", 0.4),
                ("keys", "ls --color=auto lsdir\r"), ("wait", 0.4),
                ("keys", "\x12print"), ("wait", 0.4),
                ("keys", "\x12"), ("wait", 0.4),
                ("keys", "\x07"), ("wait", 0.3),
                ("keys", "printf '%s\\n' one two three | tac"), ("wait", 0.2),
                ("keys", "\r"), ("wait", 0.4),
                ("keys", "\x12todo\x1b"), ("wait", 0.4),
                ("keys", "\x05 # from history"), ("wait", 0.3),
                ("keys", "\r"), ("wait", 0.4)],
        timeout=7,
        note="bash with a coloured PS1: typing, Backspace, Ctrl-A/Alt-F/Ctrl-B "
             "mid-line insert, ls, Ctrl-R reverse search (twice, then Ctrl-G), a "
             "pipeline, Ctrl-R then Esc to edit a recalled line; killed at the "
             "prompt"),
}


def record_case(name, spec, out_dir, log):
    prepare_scratch()
    env = base_env()
    env.update(spec.get("env", {}))
    data = run(spec["argv"], spec["script"], spec["timeout"], env=env,
               cwd=spec.get("cwd", WORK), log=log)
    path = os.path.join(out_dir, name + ".in")
    with open(path, "wb") as f:
        f.write(data)
    log("%s: %d bytes -> %s" % (name, len(data), path))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="list the built-in cases")
    ap.add_argument("--all", action="store_true", help="record every built-in case")
    ap.add_argument("--out", default=CASES_DIR, help="directory for NAME.in")
    ap.add_argument("--adhoc", metavar="NAME", help="record CMD as NAME")
    ap.add_argument("--script", default="[]", help="JSON keystroke script for --adhoc")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds for --adhoc")
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("names", nargs="*")
    args = ap.parse_args()

    log = (lambda s: None) if args.quiet else (lambda s: print(s, file=sys.stderr))
    if args.list:
        for name, spec in CASES.items():
            print("%-24s %s" % (name, spec["note"]))
        return 0
    if args.adhoc:
        if not args.names:
            ap.error("--adhoc needs a command after --")
        spec = dict(argv=args.names, script=json.loads(args.script), timeout=args.timeout)
        record_case(args.adhoc, spec, args.out, log)
        return 0
    names = list(CASES) if args.all else args.names
    if not names:
        ap.error("name a case, or use --all / --list")
    for name in names:
        if name not in CASES:
            ap.error("no case %r (see --list)" % name)
        record_case(name, CASES[name], args.out, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
