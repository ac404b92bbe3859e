#!/usr/bin/env python3
"""Write the hand-made cases seq_*.in and their expected seq_*.out.

    make_seq_cases.py [DIR]        (default: the directory of this script)

Each case is the exact input bytes plus the screen an xterm shows after them,
worked out by hand from xterm's behaviour and the dump format, then checked
against tmux (ref_tmux.py) and a real xterm (see README.md, where every case
and every place the three disagree is listed).  The expectations are data
written here, not computed by any emulator: `dump()` only pads the rows to 80
columns and sorts the attr lines.
"""
import os
import sys
import unicodedata

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
E = '\x1b'
ROWS, COLS = 25, 80

def width(s):
    w = 0
    for ch in s:
        if unicodedata.category(ch) in ('Mn', 'Me'):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in 'WF' else 1
    return w

def dump(cursor, title, rows, attrs):
    lines = ['cursor %d %d' % cursor, 'title' + (' ' + title if title else '')]
    for y in range(ROWS):
        t = rows.get(y, '')
        w = width(t)
        assert w <= COLS, (y, t, w)
        lines.append(t + ' ' * (COLS - w))
    def key(a):
        p = a.split()
        return (int(p[1]), int(p[2].split('-')[0]))
    lines += sorted(attrs, key=key)
    return '\n'.join(lines) + '\n'

def A(row, a, b, fg='default', bg='default', *flags):
    return 'attr %d %d-%d fg=%s bg=%s%s' % (row, a, b, fg, bg, ''.join(' ' + f for f in flags))

cases = {}

# ---------------------------------------------------------------- wide wrap
s = (E+'[1;79H中文' + E+'[3;80H中x' + E+'[6;1H中文' + E+'[6;2Ha' +
     E+'[7;1H中文' + E+'[7;3Hb' + E+'[8;1H中文' + E+'[8;2H' + E+'[X' +
     E+'[9;1Ha中' + E+'[9;1H中' + E+'[11;1H')
rows = {0: ' ' * 78 + '中', 1: '文', 3: '中x', 5: ' a文', 6: '中b ', 7: '  文', 8: '中 '}
cases['seq_wide_wrap'] = (s, dump((10, 0), '', rows, []))

# ---------------------------------------------------------------- pending wrap
s = (E+'[2;76HABCDEF' + E+'[4;77HWXYZ\rcr' + E+'[6;79H12\bb' + E+'[8;80Ha\nc' +
     E+'[?7l' + E+'[10;78Habcd' + E+'[?7h' + E+'[25;79HXYq' + E+'[25;80HZ')
rows = {0: ' ' * 75 + 'ABCDE', 1: 'F', 2: 'cr' + ' ' * 74 + 'WXYZ', 4: ' ' * 78 + 'b2',
        6: ' ' * 79 + 'a', 7: ' ' * 79 + 'c', 8: ' ' * 77 + 'abd', 23: ' ' * 78 + 'XY',
        24: 'q' + ' ' * 78 + 'Z'}
cases['seq_pending_wrap'] = (s, dump((24, 79), '', rows, []))

# ---------------------------------------------------------------- scroll region + origin
s = ''.join(E+'[%d;1Hline %02d' % (r, r) for r in range(1, 13))
s += (E+'[4;8r' + E+'[?6hT' + E+'[3;5HX' + E+'[99;2HB' + '\r\nN' + E+'[1;1H' + E+'MR' +
      E+'[?6l' + E+'[r' + E+'[14;1Hend')
rows = {r - 1: 'line %02d' % r for r in range(1, 13)}
rows.update({3: 'R', 4: 'line 05', 5: 'lineX06', 6: 'line 07', 7: 'lBne 08', 13: 'end'})
cases['seq_scroll_origin'] = (s, dump((13, 3), '', rows, []))

# ---------------------------------------------------------------- scroll with BCE (SU/SD/LF)
s = ''.join(E+'[%d;1Hline %02d' % (r, r) for r in range(1, 13))
s += (E+'[5;10r' + E+'[41m' + E+'[2S' + E+'[42m' + E+'[1T' + E+'[0m' + E+'[r' +
      E+'[44m' + E+'[25;1H\n' + E+'[0mbottom')
rows = {0: 'line 02', 1: 'line 03', 2: 'line 04', 4: 'line 07', 5: 'line 08', 6: 'line 09',
        7: 'line 10', 9: 'line 11', 10: 'line 12', 24: 'bottom'}
attrs = [A(3, 0, 79, 'default', '2'), A(8, 0, 79, 'default', '1'), A(24, 6, 79, 'default', '4')]
cases['seq_scroll_bce'] = (s, dump((24, 6), '', rows, attrs))

# ---------------------------------------------------------------- left/right margins
# DECLRMM (CSI ? 69 h) and DECSLRM (CSI Pl ; Pr s), with the behaviour
# xterm 379 shows (README.md).  mfill(n) writes n rows of 12 cells,
# "A123456789A1", "B123456789B1", ..., so shifted cells can be told apart;
# the margins are columns 4-9 (CSI 4;9 s), 0-based 3-8.
def mfill(n):
    return ''.join(E+'[%d;1H' % (r + 1) + ''.join(chr(ord('A') + r) if c % 10 == 0 else str(c % 10)
                                                   for c in range(12)) for r in range(n))
MRG = E+'[?69h' + E+'[4;9s'

# Region rows 2-6: LF at the bottom margin and RI at the top one scroll the
# rectangle only with the cursor between the margins; SU from anywhere;
# IL (cursor to the left margin) inside, DL outside does nothing, DL 2.
s = (mfill(8) + E+'[2;6r' + MRG + E+'[6;5H\nL' + E+'[6;2H\no' + E+'[2;10H' + E+'Mr' +
     E+'[2;4H' + E+'MR' + E+'[20;20H' + E+'[S' + E+'[3;5H' + E+'[LI' + E+'[4;2H' + E+'[Mm' +
     E+'[5;5H' + E+'[2M' + E+'[?69l' + E+'[r' + E+'[10;1Hdone')
rows = {0: 'A123456789A1', 1: 'B12345678rB1', 2: 'C12I     9C1', 3: 'Dm23456789D1',
        4: 'E12      9E1', 5: 'Fo2      9F1', 6: 'G123456789G1', 7: 'H123456789H1', 9: 'done'}
cases['seq_margins_scroll'] = (s, dump((9, 4), '', rows, []))

# Autowrap at the right margin to the left one, from left of the margins;
# right of them at the screen's edge (CR to the left margin); BS stops at
# the left margin; a wide character; DECAWM off stops at the margin.  The
# last line wraps on the bottom row between the margins: every row's
# columns 4-9 move up one ("defghi" leaves, no scrollback).
s = (mfill(4) + MRG + E+'[1;1Habcdefghijk' + E+'[3;11HABCDE\rZ' + E+'[6;6H12345\b\bX' +
     E+'[8;8H中文' + E+'[?7l' + E+'[10;5Hnowrap' + E+'[?7h' + E+'[25;4Hlastline!')
rows = {0: 'abcjk56789A1', 1: 'B12Z456789B1', 2: 'C123456789ABCDE', 3: 'D12      9D1',
        4: '     1234', 5: '   X', 6: '       中', 7: '   文', 8: '    nowrp', 23: '   lastli',
        24: '   ne!'}
cases['seq_margins_wrap'] = (s, dump((24, 6), '', rows, []))

# ICH, DCH and IRM act between the margins and not at all outside them;
# ECH ignores the margins.
s = (mfill(6) + MRG + E+'[1;5H' + E+'[2@' + E+'[2;5H' + E+'[2P' + E+'[3;2H' + E+'[@' +
     E+'[3;11H' + E+'[P' + E+'[4;6H' + E+'[4hxy' + E+'[5;2Hxy' + E+'[4l' + E+'[6;5H' + E+'[20X' +
     E+'[8;1H')
rows = {0: 'A123  4569A1', 1: 'B123678  9B1', 2: 'C123456789C1', 3: 'D1234xy569D1',
        4: 'Exy3456789E1', 5: 'F123'}
cases['seq_margins_edit'] = (s, dump((7, 0), '', rows, []))

# DECSLRM homes the cursor; CR to the left margin unless left of it; BS and
# CUB stop at the left margin, CUF at the right; HT stops at the right
# margin even from beyond it (xterm); CNL to the left margin.
s = (mfill(10) + MRG + 'H' + E+'[2;6H\rC' + E+'[3;2H\rc' + E+'[4;11H\rD' + E+'[5;5H\bB' +
     E+'[6;6H' + E+'[9DL' + E+'[7;5H' + E+'[9CR' + E+'[8;2H\tT' + E+'[9;11H\tU' + E+'[10;6H' + E+'[EN')
rows = {0: 'H123456789A1', 1: 'B12C456789B1', 2: 'c123456789C1', 3: 'D12D456789D1',
        4: 'E12B456789E1', 5: 'F12L456789F1', 6: 'G1234567R9G1', 7: 'H1234567T9H1',
        8: 'I1234567U9I1', 9: 'J123456789J1', 10: '   N'}
cases['seq_margins_cursor'] = (s, dump((10, 4), '', rows, []))

# DECOM: home, CUP and CHA relative to the top-left margins and clamped to
# them; a DECSLRM with left >= right is ignored (no homing); a right margin
# past the edge is the edge.
s = (mfill(8) + E+'[3;6r' + MRG + E+'[?6h' + 'o' + E+'[2;3Hp' + E+'[99;99Hq' + E+'[2Gr' +
     E+'[8;2s' + 's' + E+'[?6l' + E+'[3;200s' + E+'[2;80Hu' + E+'[?69l' + E+'[10;1H')
rows = {0: 'A123456789A1', 1: 'B123456789B1' + ' ' * 67 + 'u', 2: 'C12o456789C1',
        3: 'D1234p6789D1', 4: 'E123456789E1', 5: 'F123rs67q9F1', 6: 'G123456789G1',
        7: 'H123456789H1'}
cases['seq_margins_origin'] = (s, dump((9, 0), '', rows, []))

# DECALN clears the margins (DECLRMM stays), so does resetting DECLRMM;
# DECSTR clears both, after which CSI s is SCOSC again.
s = (MRG + E+'#8' + E+'[1;5Habcdefgh' + E+'[4;9s' + E+'[?69l' + E+'[2;5Habcdefgh' +
     MRG + E+'[!p' + E+'[3;5Habcdefgh' + E+'[5s' + E+'[9;9H' + E+'[u' + 'S' + E+'[7;1H')
rows = {r: 'E' * 80 for r in range(25)}
rows.update({0: 'EEEEabcdefgh' + 'E' * 68, 1: 'EEEEabcdefgh' + 'E' * 68,
             2: 'EEEEabcdefghS' + 'E' * 67})
cases['seq_margins_reset'] = (s, dump((6, 0), '', rows, []))

# DECBI / DECFI at the margins move the rectangle's columns, elsewhere the
# cursor; DECIC / DECDC; none of them outside the region (rows 2-5).
s = (mfill(6) + E+'[2;5r' + MRG + E+'[2;4H' + E+'6' + E+'[3;9H' + E+'9' + E+'[4;6H' + E+"[2'}" +
     E+'[5;6H' + E+"['~" + E+'[1;4H' + E+'6' + E+'[6;5H' + E+'9x' + E+'[?69l' + E+'[r' + E+'[8;1H')
rows = {0: 'A123456789A1', 1: 'B1234 56 9B1', 2: 'C1234 56 9C1', 3: 'D1234 56 9D1',
        4: 'E1234 56 9E1', 5: 'F1234x6789F1'}
cases['seq_margins_columns'] = (s, dump((7, 0), '', rows, []))

# Wide characters cut by a margin are erased when the rectangle scrolls
# (xterm leaves the halves; both end up blank on its screen) or when ICH
# pushes one across the right margin.
s = (E+'[1;3H中文字中' + E+'[2;3H中文字中' + E+'[?69h' + E+'[4;8s' + E+'[1;5H' + E+'[S' +
     E+'[1;4H' + E+'[@' + E+'[4;1H')
cases['seq_margins_wide'] = (s, dump((3, 0), '', {0: '     文 中', 1: '        中'}, []))

# The rows a partial scroll vacates take the current background (BCE).
s = (''.join(E+'[%d;1Habcdefghijklmnopqrst' % (r + 1) for r in range(6)) + E+'[?69h' + E+'[5;10s' +
     E+'[2;5r' + E+'[41m' + E+'[5;6H\n' + E+'[42m' + E+'[2S' + E+'[0m' + E+'[10;1H')
rows = {0: 'abcdefghijklmnopqrst', 1: 'abcdefghijklmnopqrst', 2: 'abcd      klmnopqrst',
        3: 'abcd      klmnopqrst', 4: 'abcd      klmnopqrst', 5: 'abcdefghijklmnopqrst'}
attrs = [A(2, 4, 9, 'default', '1'), A(3, 4, 9, 'default', '2'), A(4, 4, 9, 'default', '2')]
cases['seq_margins_bce'] = (s, dump((9, 0), '', rows, attrs))

# ---------------------------------------------------------------- erase with BCE
s = ''.join(E+'[%d;1H' % (r + 1) + chr(ord('a') + r) * 80 for r in range(10))
s += (E+'[43m' + E+'[2;5H' + E+'[1J' +
      E+'[44m' + E+'[3;11H' + E+'[K' +
      E+'[45m' + E+'[4;11H' + E+'[1K' +
      E+'[41m' + E+'[5;1H' + E+'[2K' +
      E+'[42m' + E+'[6;21H' + E+'[5X' +
      E+'[1;33;45m' + E+'[7;1H' + E+'[3X' +
      E+'[7;11H   ' +
      E+'[0;7m' + E+'[7;21H   ' +
      E+'[0;48;5;200m' + E+'[8;71H' + E+'[K' +
      E+'[0;48;2;1;2;3m' + E+'[9;1H' + E+'[40X' +
      E+'[0;46m' + E+'[10;41H' + E+'[J' +
      E+'[0m' + E+'[13;1Hplain')
rows = {1: ' ' * 5 + 'b' * 75, 2: 'c' * 10, 3: ' ' * 11 + 'd' * 69, 5: 'f' * 20 + ' ' * 5 + 'f' * 55,
        6: '   ' + 'g' * 7 + '   ' + 'g' * 7 + '   ' + 'g' * 57, 7: 'h' * 70, 8: ' ' * 40 + 'i' * 40,
        9: 'j' * 40, 12: 'plain'}
attrs = [A(0, 0, 79, 'default', '3'), A(1, 0, 4, 'default', '3'), A(2, 10, 79, 'default', '4'),
         A(3, 0, 10, 'default', '5'), A(4, 0, 79, 'default', '1'), A(5, 20, 24, 'default', '2'),
         A(6, 0, 2, 'default', '5'), A(6, 10, 12, '3', '5', 'bold'), A(6, 20, 22, 'default', 'default', 'reverse'),
         A(7, 70, 79, 'default', '200'), A(8, 0, 39, 'default', '#010203'), A(9, 40, 79, 'default', '6')]
attrs += [A(r, 0, 79, 'default', '6') for r in range(10, 25) if r != 12] + [A(12, 5, 79, 'default', '6')]
cases['seq_bce_erase'] = (s, dump((12, 5), '', rows, attrs))

# ---------------------------------------------------------------- ICH/DCH/IL/DL
s = ''.join(E+'[%d;1H%02dABCDEFGHIJ' % (r + 1, r) for r in range(15))
s += (E+'[1;5H' + E+'[2@' +
      E+'[44m' + E+'[2;5H' + E+'[3@' + E+'[0m' +
      E+'[3;5H' + E+'[2P' +
      E+'[41m' + E+'[4;1H' + E+'[P' + E+'[0m' +
      E+'[5;1H' + '0123456789' * 8 + E+'[5;76H' + E+'[10@' +
      E+'[7;1H' + E+'[2M' +
      E+'[42m' + E+'[10;1H' + E+'[1L' + E+'[0mx')
rows = {0: '00AB  CDEFGHIJ', 1: '01AB   CDEFGHIJ', 2: '02ABEFGHIJ', 3: '3ABCDEFGHIJ',
        4: ('0123456789' * 8)[:75], 5: '05ABCDEFGHIJ', 6: '08ABCDEFGHIJ', 7: '09ABCDEFGHIJ',
        8: '10ABCDEFGHIJ', 9: 'x', 10: '11ABCDEFGHIJ', 11: '12ABCDEFGHIJ', 12: '13ABCDEFGHIJ',
        13: '14ABCDEFGHIJ'}
attrs = [A(1, 4, 6, 'default', '4'), A(3, 79, 79, 'default', '1'), A(9, 1, 79, 'default', '2')]
cases['seq_ich_dch_il_dl'] = (s, dump((9, 1), '', rows, attrs))

# ---------------------------------------------------------------- insert mode
s = (E+'[1;1Habcdef' + E+'[1;3H' + E+'[4hXY' + E+'[4l' +
     E+'[2;1H' + '0123456789' * 8 + E+'[2;1H' + E+'[4hab' + E+'[4l' +
     E+'[3;1Hhello' + E+'[3;1HJ' +
     E+'[4;1Htail' + E+'[4;1H' + E+'[4h' + E+'[31mRED' + E+'[0m' + E+'[4l' +
     E+'[5;1Habc' + E+'[5;2H' + E+'[4h中' + E+'[4l')
rows = {0: 'abXYcdef', 1: 'ab' + ('0123456789' * 8)[:78], 2: 'Jello', 3: 'REDtail', 4: 'a中bc'}
attrs = [A(3, 0, 2, '1')]
cases['seq_insert_mode'] = (s, dump((4, 3), '', rows, attrs))

# ---------------------------------------------------------------- tabs
s = ('a\tb\tc\r\n' + '\t' * 11 + 'X\r\n' +
     E+'[3;5H' + E+'H' + E+'[3;1H\tY\tZ' +
     E+'[3g' + E+'[4;1H\tW' +
     E+'[5;11H' + E+'H' + E+'[5;21H' + E+'H' + E+'[5;1H\t1\t2' +
     E+'[5;11H' + E+'[0g' + E+'[6;1H\t3' +
     E+'[7;30H' + E+'[ZB' +
     E+'[8;1H' + E+'[2IC' +
     E+'[10;1H0123456789abcdef' + E+'[10;1H\tT')
rows = {0: 'a' + ' ' * 7 + 'b' + ' ' * 7 + 'c', 1: ' ' * 79 + 'X', 2: ' ' * 4 + 'Y' + ' ' * 3 + 'Z',
        3: ' ' * 79 + 'W', 4: ' ' * 10 + '1' + ' ' * 9 + '2', 5: ' ' * 20 + '3', 6: ' ' * 20 + 'B',
        7: ' ' * 79 + 'C', 9: '0123456789abcdef    T'}
cases['seq_tabs'] = (s, dump((9, 21), '', rows, []))

# ---------------------------------------------------------------- charsets
s = (E+'(0lqqqqk' + E+'(B\r\n' + E+'(0x' + E+'(Babcd' + E+'(0x' + E+'(B\r\n' +
     E+'(0mqqqqj' + E+'(B\r\n' +
     E+'(0_`abcdefghijklmnopqrstuvwxyz{|}~' + E+'(B\r\n' +
     E+')0ab\x0elqk\x0fcd\r\n' +
     E+'(A#100 costs #5' + E+'(B #\r\n' +
     E+')A\x0e#\x0f#\r\n' +
     E+'(0ABC xyz 123' + E+'(B')
rows = {0: '┌────┐', 1: '│abcd│', 2: '└────┘', 3: '_◆▒␉␌␍␊°±␤␋┘┐┌└┼⎺⎻─⎼⎽├┤┴┬│≤≥π≠£·',
        4: 'ab┌─┐cd', 5: '£100 costs £5 #', 6: '£#', 7: 'ABC │≤≥ 123'}
cases['seq_charsets'] = (s, dump((7, 11), '', rows, []))

# ---------------------------------------------------------------- DECALN
s = (E+'[5;10r' + E+'#8H' + E+'[10;1H\nafter' + E+'[3;3H' + E+'[2X')
rows = {r: 'E' * 80 for r in range(25)}
rows[0] = 'H' + 'E' * 79
rows[2] = 'EE  ' + 'E' * 76
rows[10] = 'after' + 'E' * 75
cases['seq_decaln'] = (s, dump((2, 2), '', rows, []))

# ---------------------------------------------------------------- REP
s = ('a' + E+'[5b' + E+'[2;1H中' + E+'[2b' + E+'[3;78Hx' + E+'[4b' +
     E+'[5;1Hy' + E+'[0b' + E+'[6;1Hz' + E+'[31m' + E+'[2b' + E+'[0m')
# xterm repeats only a graphic character that immediately precedes REP: the
# SGR between 'z' and CSI 2 b makes that REP do nothing.
rows = {0: 'aaaaaa', 1: '中中中', 2: ' ' * 77 + 'xxx', 3: 'xx', 4: 'yy', 5: 'z'}
cases['seq_rep'] = (s, dump((5, 1), '', rows, []))

# ---------------------------------------------------------------- combining
s = ('e\u0301 a\u0300\u0323 o\u0308\u0304\r\n' + '中\u0301x\r\n' +
     E+'[3;80Hq\u0301r' + E+'[6;1H' + E+'[1mb\u0301' + E+'[0m')
rows = {0: 'e\u0301 a\u0300\u0323 o\u0308\u0304', 1: '中\u0301x', 2: ' ' * 79 + 'q\u0301', 3: 'r',
        5: 'b\u0301'}
attrs = [A(5, 0, 0, 'default', 'default', 'bold')]
cases['seq_combining'] = (s, dump((5, 1), '', rows, attrs))

# ---------------------------------------------------------------- SGR colours
s = (E+'[38;5;196ma' + E+'[48;5;21mb' + E+'[0m\r\n' +
     E+'[38;2;255;128;0mc' + E+'[48;2;0;0;255md' + E+'[0m\r\n' +
     E+'[38:2::18:52:86me' + E+'[38:2:171:205:239mf' + E+'[38:5:100mg' + E+'[48:5:200mh' + E+'[m\r\n' +
     E+'[31m0' + E+'[1m1' + E+'[22m2' + E+'[91m3' + E+'[101m4' + E+'[39;49m5' + E+'[0m\r\n' +
     E+'[1mB' + E+'[0;3mI' + E+'[0;4mU' + E+'[0;5mK' + E+'[0;7mR' + E+'[0;8mH' + E+'[0;9mS' +
     E+'[0;21mD' + E+'[0;4:3mC' + E+'[0;4:0mN' + E+'[0;2mF' + E+'[0;53mO' + E+'[0;6mQ' + E+'[0m\r\n' +
     E+'[1;4;7;38;5;46;48;2;10;20;30mall' + E+'[0m\r\n' +
     E+'[1;31;44mx' + E+'[my' + E+'[1;31;44mz' + E+'[0;32mw' + E+'[0m\r\n' +
     E+'[38;5;1mp' + E+'[38;5;9mq' + E+'[48;5;15mr' + E+'[0m')
rows = {0: 'ab', 1: 'cd', 2: 'efgh', 3: '012345', 4: 'BIUKRHSDCNFOQ', 5: 'all', 6: 'xyzw', 7: 'pqr'}
attrs = [A(0, 0, 0, '196'), A(0, 1, 1, '196', '21'),
         A(1, 0, 0, '#FF8000'), A(1, 1, 1, '#FF8000', '#0000FF'),
         A(2, 0, 0, '#123456'), A(2, 1, 1, '#ABCDEF'), A(2, 2, 2, '100'), A(2, 3, 3, '100', '200'),
         A(3, 0, 0, '1'), A(3, 1, 1, '1', 'default', 'bold'), A(3, 2, 2, '1'), A(3, 3, 3, '9'),
         A(3, 4, 4, '9', '9'),
         A(4, 0, 0, 'default', 'default', 'bold'), A(4, 1, 1, 'default', 'default', 'italic'),
         A(4, 2, 2, 'default', 'default', 'underline'), A(4, 3, 3, 'default', 'default', 'blink'),
         A(4, 4, 4, 'default', 'default', 'reverse'), A(4, 5, 5, 'default', 'default', 'invisible'),
         A(4, 6, 6, 'default', 'default', 'strike'), A(4, 7, 8, 'default', 'default', 'underline'),
         A(5, 0, 2, '46', '#0A141E', 'bold', 'underline', 'reverse'),
         A(6, 0, 0, '1', '4', 'bold'), A(6, 2, 2, '1', '4', 'bold'), A(6, 3, 3, '2'),
         A(7, 0, 0, '1'), A(7, 1, 1, '9'), A(7, 2, 2, '9', '15')]
cases['seq_sgr_colors'] = (s, dump((7, 3), '', rows, attrs))

# ---------------------------------------------------------------- alternate screen
s = ('main screen line 1\r\nmain screen line 2' + E+'[5;10H' + E+'[?1049hALT' +
     E+'[10;10Hmore alt' + E+'[?1049lM' +
     E+'[8;1H' + E+'[?1048h' + E+'[1;1Htop?' + E+'[?1048lR' +
     E+'[10;1H' + E+'[31m' + E+'7' + E+'[0m' + E+'[10;5Hn' + E+'8r' + E+'[0m')
rows = {0: 'top? screen line 1', 1: 'main screen line 2', 4: ' ' * 9 + 'M', 7: 'R', 9: 'r   n'}
attrs = [A(9, 0, 0, '1')]
cases['seq_altscreen'] = (s, dump((9, 1), '', rows, attrs))

s = ('main text' + E+'[44m' + E+'[?1049h' + E+'[0mon alt')
rows = {0: ' ' * 9 + 'on alt'}
attrs = [A(0, 0, 8, 'default', '4'), A(0, 15, 79, 'default', '4')] + \
        [A(r, 0, 79, 'default', '4') for r in range(1, 25)]
cases['seq_altscreen_active'] = (s, dump((0, 15), '', rows, attrs))

# ---------------------------------------------------------------- titles
s = (E+']0;first\x07' + E+']2;sécond ✓' + E+'\\' + E+']1;icon only\x07' + 'text')
cases['seq_title'] = (s, dump((0, 4), 'sécond ✓', {0: 'text'}, []))
s = (E+']2;something\x07' + E+']0;\x07' + 'x')
cases['seq_title_empty'] = (s, dump((0, 1), '', {0: 'x'}, []))


# ---------------------------------------------------------------- malformed UTF-8
# One U+FFFD per malformed sequence, as xterm shows it: a lead byte with too
# few continuation bytes, a lone continuation byte or an impossible byte
# (FE) is one; a structurally complete but overlong, surrogate, > U+10FFFF
# or 5-byte sequence is also one.
b = (b'A\xffB\r\n' + b'A\xc0\xafB\r\n' + b'A\xe2\x82B\r\n' + b'A\xed\xa0\x80B\r\n' +
     b'A\xf4\x90\x80\x80B\r\n' + b'A\xe0\x80\xafB\r\n' + b'A\x80B\r\n' + b'A\xf0\x9f\x98B\r\n' +
     b'A\xc3\r\nok\r\n' + b'A\xc3\x1b[31mB\x1b[0m\r\n' + b'A\xfe\xfeB\r\n' + b'A\xf8\x88\x80\x80\x80B')
R = '\ufffd'
rows = {0: 'A'+R+'B', 1: 'A'+R+'B', 2: 'A'+R+'B', 3: 'A'+R+'B', 4: 'A'+R+'B', 5: 'A'+R+'B',
        6: 'A'+R+'B', 7: 'A'+R+'B', 8: 'A'+R, 9: 'ok', 10: 'A'+R+'B', 11: 'A'+R+R+'B', 12: 'A'+R+'B'}
cases['seq_utf8_invalid'] = (b, dump((12, 3), '', rows, [A(10, 2, 2, '1')]))

# ---------------------------------------------------------------- 1049 l twice
# ncurses' rmcup can come twice (dialog, whiptail): 1049 is 1047 plus 1048,
# so the second one, on the main screen already, restores the cursor again.
smcup, rmcup = E+'[?1049h' + E+'[22;0;0t', E+'[?1049l' + E+'[23;0;0t'
s = ('line 1\r\nline 2\r\n$ dialog' + smcup + E+'[1;1H' + E+'[44m' + E+'[2J' +
     E+'[20;5Hbox' + E+'[0m' + rmcup + rmcup + 'X')
cases['seq_altscreen_rmcup_twice'] = (s, dump((2, 9), '', {0: 'line 1', 1: 'line 2', 2: '$ dialogX'}, []))

# ---------------------------------------------------------------- REP after other things
# xterm repeats only a graphic character printed directly before REP: any
# control (CR, LF, BS, HT, BEL, SO, NUL, ^A, ENQ, DEL), any ESC, CSI, OSC or
# DCS in between, or another REP, leaves nothing to repeat.  A sequence
# cut short by ESC is no sequence, combining marks are not characters.
s = ('a' + E+'[3b\r\nb\r' + E+'[3b\r\nc\n' + E+'[3b\r\nd' + E+']2;x\x07' + E+'[3b\r\n' +
     'e' + E+'7' + E+'[3b\r\nf' + E+'[2b' + E+'[2b\r\ng\b' + E+'[3b\r\nh\t' + E+'[3b\r\n' +
     'i\x07' + E+'[3b\r\nj' + E+'P$qm' + E+'\\' + E+'[3b\r\nk' + E+'[31m' + E+'[3b' + E+'[m\r\n' +
     'l\x0e' + E+'[3b\x0f\r\nm' + E+'[' + E+'[3b\r\nn' + E+'(B' + E+'[3b\r\n' +
     'o' + E+']2;t' + E+'\\' + E+'[3b\r\np' + E+'[?25h' + E+'[3b\r\nq' + E+'[0b\r\n')
rows = {0: 'aaaa', 1: 'b', 2: 'c', 4: 'd', 5: 'e', 6: 'fff', 7: 'g', 8: 'h', 9: 'i', 10: 'j',
        11: 'k', 12: 'l', 13: 'mmmm', 14: 'n', 15: 'o', 16: 'p', 17: 'qq'}
cases['seq_rep_interrupted'] = (s, dump((18, 0), 't', rows, []))
s = ('a\x00' + E+'[3b\r\nb\x01' + E+'[3b\r\nc\x7f' + E+'[3b\r\nd\x05' + E+'[3b\r\n' +
     'e' + E+'[3b' + E+'[m' + E+'[2b\r\n' + E+'[1;31mf' + E+'[2b' + E+'[m\r\n' +
     '中' + E+'[2b\r\nx\u0301' + E+'[2b\r\ng' + E+'[3b\r\n')
rows = {0: 'a', 1: 'b', 2: 'c', 3: 'd', 4: 'eeee', 5: 'fff', 6: '中中中', 7: 'x\u0301xx', 8: 'gggg'}
cases['seq_rep_controls'] = (s, dump((9, 0), '', rows, [A(5, 0, 2, '1', 'default', 'bold')]))

# ---------------------------------------------------------------- wide, no autowrap
# With DECAWM off a wide character that does not fit before the right
# margin is dropped and the cursor stays (xterm); one that fits is written.
s = (E+'[?7l' + E+'[1;80H中' + E+'[2;79H中x' + E+'[3;77Habc中' + E+'[4;1H0123456789' +
     E+'[4;78H中' + E+'[5;80Hz中' + E+'[6;79H中中')
rows = {1: ' ' * 79 + 'x', 2: ' ' * 76 + 'abc', 3: '0123456789' + ' ' * 67 + '中', 4: ' ' * 79 + 'z',
        5: ' ' * 78 + '中'}
cases['seq_nowrap_wide'] = (s, dump((5, 79), '', rows, []))

# ---------------------------------------------------------------- DECSCA
# Protected cells (CSI 1 " q) survive DECSEL and DECSED only; EL, ED and
# ECH erase them.  SGR 0 keeps the protection, DECSC/DECRC save and restore
# it, DECSTR and RIS clear it, CSI 2 " q is "unprotected" as 0 is.
P, U = E+'[1"q', E+'[0"q'
s = (P+'PROT'+U+'free' + E+'[1;1H' + E+'[?2K' +
     E+'[2;1Hab'+P+'CD' + E+'[2"qefgh' + E+'[2;6H' + E+'[?1K' +
     E+'[3;1H'+P+'P'+U+'qrs'+P+'T'+U + E+'[3;2H' + E+'[?K' +
     E+'[4;1H'+P+'XYZ'+U + E+'[4;2H' + E+'[2K' +
     E+'[5;1H'+P+'ECH!'+U + E+'[5;1H' + E+'[3X' +
     E+'[6;1H'+P + E+'[1mbold' + E+'[0mplain'+U+'free' + E+'[?2K' +
     E+'[7;1H'+P + E+'7'+U+'uu' + E+'8' + 'P7' + E+'[7;10H'+U+'zz' + E+'[?2K' +
     E+'[8;1H'+P + E+'[!psoft' + E+'[?2K' +
     E+'[9;1H'+P+'wide中x'+U + E+'[9;6H' + E+'[?0K' + E+'[10;1Hend')
rows = {0: 'PROT', 1: '  CD  gh', 2: 'P   T', 4: '   !', 5: 'boldplain', 6: 'P7', 8: 'wide中x',
        9: 'end'}
cases['seq_decsca_line'] = (s, dump((9, 3), '', rows, [A(5, 0, 3, 'default', 'default', 'bold')]))
s = (''.join(E+'[%d;1Hfree' % r + P+'KEEP'+U+'more' for r in range(1, 7)) +
     E+'[2;3H' + E+'[?1J' + E+'[5;7H' + E+'[?J' +
     E+'[8;1H'+P+'GONE'+U + E+'[8;1H' + E+'[J' + E+'[10;1H')
rows = {0: '    KEEP', 1: '   eKEEPmore', 2: 'freeKEEPmore', 3: 'freeKEEPmore', 4: 'freeKEEP',
        5: '    KEEP'}
cases['seq_decsca_screen'] = (s, dump((9, 0), '', rows, []))
s = (P + E+'cris' + E+'[3;1H'+P+'kept'+U+' gone' + E+'[5;5Hgone too'+P+'K2'+U + E+'[?2J')
cases['seq_decsca_all'] = (s, dump((4, 14), '', {2: 'kept', 4: ' ' * 12 + 'K2'}, []))

for name, (inp, out) in cases.items():
    with open(os.path.join(OUT, name + '.in'), 'wb') as f:
        f.write(inp if isinstance(inp, bytes) else inp.encode('utf-8'))
    with open(os.path.join(OUT, name + '.out'), 'w', encoding='utf-8', newline='\n') as f:
        f.write(out)
print(len(cases), 'cases')
