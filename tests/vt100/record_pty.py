# SPDX-License-Identifier: GPL-2.0-or-later
"""Running a program on a pty for the recorder (record.py): its environment,
its terminal of ROWS x COLS, the scripted keys, and every byte it writes,
with its queries answered by the tracker.
"""

import errno
import fcntl
import os
import re
import select
import signal
import struct
import termios
import time

from record_scratch import HOME, WORK
from record_tracker import COLS, ROWS, Tracker


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


def advance_script(steps, now, next_at, expecting, tracker, master):
    """Play the steps that are due (taking them off steps); the new (next_at, expecting)."""
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
    return next_at, expecting


def reap(pid, master, exited, status, timeout, log):
    """End the run: the program killed if it did not exit, waited for, its pty closed."""
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
        next_at, expecting = advance_script(steps, now, next_at, expecting, tracker, master)
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

    reap(pid, master, exited, status, timeout, log)
    return bytes(recorded)

