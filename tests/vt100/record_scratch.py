# SPDX-License-Identifier: GPL-2.0-or-later
"""The scratch tree the recorder runs programs in (record.py): a fixed path
with fixed file contents and modification times, so paths and listings
shown by programs do not change from run to run.
"""

import os
import shutil

SCRATCH = "/tmp/vt100-golden"
HOME = SCRATCH + "/home"
WORK = SCRATCH + "/work"
FIXED_MTIME = 1700000000  # 2023-11-14 22:13:20 UTC: "Nov 14  2023" in ls -l


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
