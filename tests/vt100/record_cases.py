# SPDX-License-Identifier: GPL-2.0-or-later
"""The recorder's built-in cases (record.py).  Each: argv, script, timeout, note."""

from record_scratch import HOME, WORK

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
