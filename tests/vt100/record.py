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

Its parts, beside it: record_cases.py (the built-in cases), record_pty.py
(running a program and its script), record_tracker.py (the cursor tracker
and xterm's answers), record_scratch.py (the scratch tree).
"""

import argparse
import json
import os
import sys

from record_cases import CASES
from record_pty import base_env, run
from record_scratch import WORK, prepare_scratch

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_DIR = os.path.join(HERE, "cases")


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
