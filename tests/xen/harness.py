#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Boot real Xen 4.17 + a Debian dom0 under qemu (TCG), start a PV guest and
check its console in xenstore; optionally run our xenconsole and vncterm in
dom0 against it.  See tests/xen/README.md.

Exit status 0 when every step passed, 1 on the first failure (the message
says which wait timed out), 2 for a setup error.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))

XEN_ARGS = ("console=com1 com1=115200,8n1 dom0_mem=768M,max:768M dom0_max_vcpus=2 "
            "noreboot smap=0 smep=0")
DOM0_ARGS = "console=hvc0 earlyprintk=xen"
# TCG's max CPU minus the AVX family (docs: rare guest crashes with it on).
CPU = "max,avx=off,avx2=off,fma=off,f16c=off,vaes=off,vpclmulqdq=off"
# Xen's serial input buffer is 128 bytes and drops overflow silently.
PACE_BYTES = 32
PACE_SECONDS = 0.030


class Failure(Exception):
    pass


def log(msg):
    print("harness: " + msg, flush=True)


class Serial:
    """The qemu serial line: a reader thread keeps everything in self.buf
    (and in a log file); expect() searches it from a cursor."""

    def __init__(self, path, logfile, connect_timeout=30):
        deadline = time.monotonic() + connect_timeout
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.monotonic() > deadline:
                    raise Failure("qemu's serial socket %s never appeared" % path)
                time.sleep(0.05)
        self.buf = ""
        self.pos = 0
        self.lock = threading.Condition()
        self.closed = False
        self.logf = open(logfile, "w", encoding="utf-8", errors="replace")
        self.t = threading.Thread(target=self._reader, daemon=True)
        self.t.start()

    def _reader(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            with self.lock:
                if not data:
                    self.closed = True
                    self.lock.notify_all()
                    return
                text = data.decode("utf-8", errors="replace")
                self.buf += text
                self.logf.write(text)
                self.logf.flush()
                self.lock.notify_all()

    def expect(self, pattern, timeout, what):
        """Wait for regex pattern after the cursor; move the cursor past it."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
                left = deadline - time.monotonic()
                if left <= 0:
                    tail = self.buf[-600:]
                    raise Failure("timed out after %.0f s waiting for %s (/%s/); last output:\n%s"
                                  % (timeout, what, pattern, tail))
                if self.closed:
                    raise Failure("qemu's serial closed while waiting for %s; last output:\n%s"
                                  % (what, self.buf[-600:]))
                self.lock.wait(min(left, 0.5))

    def send(self, text):
        data = text.encode()
        for i in range(0, len(data), PACE_BYTES):
            self.sock.sendall(data[i:i + PACE_BYTES])
            time.sleep(PACE_SECONDS)

    def run(self, cmd, timeout=30, check=True):
        """Run one shell command in dom0; return (status, output)."""
        # The marker is split in the typed text so the echo of the command
        # line never matches it.
        self.send(cmd + '; echo "@@R""C=$?@@"\n')
        m = self.expect(r"@@RC=(\d+)@@", timeout, "the end of `%s`" % cmd)
        start = self.buf.rfind('"@@R""C=$?@@"', 0, m.start())
        out = self.buf[start + len('"@@R""C=$?@@"'):m.start()] if start >= 0 else ""
        out = out.replace("\r", "").strip("\n")
        rc = int(m.group(1))
        if check and rc != 0:
            raise Failure("`%s` exited %d:\n%s" % (cmd, rc, out))
        return rc, out


def extra_cpio(workdir, files, init_lines):
    """A second cpio (appended to dom0's initramfs) with files under
    /usr/local/bin and an /extra/init.sh."""
    root = os.path.join(workdir, "extra")
    os.makedirs(os.path.join(root, "usr/local/bin"))
    os.makedirs(os.path.join(root, "extra"))
    for f in files:
        shutil.copy2(f, os.path.join(root, "usr/local/bin", os.path.basename(f)))
    with open(os.path.join(root, "extra/init.sh"), "w") as fh:
        fh.write("#!/bin/sh\n" + "".join(l + "\n" for l in init_lines))
    os.chmod(os.path.join(root, "extra/init.sh"), 0o755)
    out = os.path.join(workdir, "extra.cpio")
    names = subprocess.run("cd %s && find . | LC_ALL=C sort" % root, shell=True,
                           capture_output=True, check=True).stdout
    with open(out, "wb") as fh:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root, input=names,
                       stdout=fh, check=True)
    return out


def text_port_echo(ser, port, tag, S):
    """Type `echo TAG-$((6*7))` through the text port; the guest's shell must
    answer TAG-42 in the stream that comes back."""
    _, out = ser.run("(sleep 1; printf 'echo %s-$((6*7))\\r'; sleep 3) | "
                     "timeout 8 socat - TCP:127.0.0.1:%d > /tmp/tp.out 2>&1; "
                     "grep -c '%s-42' /tmp/tp.out" % (tag, port, tag), 40 * S, check=False)
    if not re.search(r"^[1-9]", out, re.M):
        _, dump = ser.run("cat -v /tmp/tp.out | tail -c 600", 20 * S, check=False)
        raise Failure("the text port on %d did not carry %s-42 back:\n%s" % (port, tag, dump))


def start_vncterm(ser, args, cpath, S):
    """Start vncterm as the host agent does (as root: it sandboxes itself);
    return (pid, vnc port, text port) from xenstore.  Its exit status is
    appended to /tmp/vt.log as `vncterm-exit N`."""
    ser.run("rm -f /tmp/vt.log; ((/usr/local/bin/vncterm %s; echo vncterm-exit $?) "
            ">> /tmp/vt.log 2>&1 &) ; sleep 3" % args, 60 * S)
    _, out = ser.run("i=0; until xenstore-read %s/tc-port; do i=$((i+1)); "
                     "[ $i -gt 20 ] && cat /tmp/vt.log && false; sleep 1; done; "
                     "xenstore-read %s/vnc-port; xenstore-read /local/domain/%s/vncterm-pid"
                     % (cpath, cpath, cpath.split("/")[3]), 60 * S)
    tc, vnc, pid = [int(x) for x in re.findall(r"^(\d+)$", out, re.M)[-3:]]
    log("vncterm %s: pid %d, vnc-port %d, tc-port %d" % (args, pid, vnc, tc))
    return pid, vnc, tc


def assert_sandboxed(ser, pid, S, port=None):
    """The worker is confined; with port, its uid is vncterm_base's + port."""
    _, out = ser.run("read W _ < /proc/%d/task/%d/children; grep -E '^(Uid|Seccomp|NoNewPrivs):' "
                     "/proc/$W/status; readlink /proc/$W/root; getent passwd vncterm_base"
                     % (pid, pid), 30 * S)
    uid = re.search(r"^Uid:\s+(\d+)", out, re.M)
    base = re.search(r"^vncterm_base:[^:]*:(\d+):", out, re.M)
    if port is not None and not (uid and base and int(uid.group(1)) == int(base.group(1)) + port):
        raise Failure("vncterm's worker does not run as vncterm_base + port %d:\n%s" % (port, out))
    if not (uid and int(uid.group(1)) >= 131072 and re.search(r"^Seccomp:\s+2", out, re.M)
            and re.search(r"^NoNewPrivs:\s+1", out, re.M)
            and "/var/xen/vncterm/%d" % pid in out):
        raise Failure("vncterm's worker is not sandboxed:\n" + out)


def wait_gone(pid):
    """Shell: wait up to 15 s until pid has exited (dom0's init, a shell,
    may leave it a zombie for a while) and its directory is removed."""
    return ("i=0; while [ -d /var/xen/vncterm/%d ] || { [ -e /proc/%d ] && "
            "! grep -q '^State:.*Z' /proc/%d/status; }; do i=$((i+1)); "
            "[ $i -gt 15 ] && break; sleep 1; done; test $i -le 15 || "
            "{ cat /tmp/vt.log; ls /var/xen/vncterm; for p in /proc/[0-9]*; do "
            "grep -qs vncterm $p/cmdline && echo $p $(grep -E '^(State|PPid)' $p/status) "
            "$(cat $p/wchan); done; false; }" % (pid, pid, pid))


def assert_exited(ser, pid, why, S):
    """vncterm (pid) ends by itself, with status 0, its directory removed."""
    _, out = ser.run(wait_gone(pid) + "; sleep 1; cat /tmp/vt.log", 60 * S, check=False)
    if not re.search(r"^vncterm-exit 0$", out, re.M):
        raise Failure("vncterm did not exit cleanly after %s:\n%s" % (why, out))


def agent_stop(ser, pid, cpath, why, S):
    """After the domain's release vncterm stays, saying so, until the host
    agent stops it as xenopsd does (SIGTERM, a wait, SIGKILL, then rm
    vncterm-pid): SIGTERM alone ends it, status 0, its keys removed."""
    _, out = ser.run("sleep 2; kill -0 %d && echo still-running; cat /tmp/vt.log"
                     % pid, 30 * S, check=False)
    if "still-running" not in out or "is gone; staying until SIGTERM" not in out:
        raise Failure("vncterm did not stay after %s:\n%s" % (why, out))
    _, out = ser.run("kill -TERM %d; i=0; while [ -e /proc/%d ] && ! grep -q '^State:.*Z' "
                     "/proc/%d/status; do i=$((i+1)); [ $i -gt 5 ] && { kill -KILL %d; "
                     "echo needed-sigkill; break; }; sleep 1; done; xenstore-rm %s "
                     "2>/dev/null; true" % (pid, pid, pid, pid,
                                            "/local/domain/%s/vncterm-pid" % cpath.split("/")[3]),
                     60 * S, check=False)
    if "needed-sigkill" in out:
        raise Failure("vncterm did not end on SIGTERM after %s" % why)
    assert_exited(ser, pid, "the agent's SIGTERM after " + why, S)
    _, out = ser.run("xenstore-read %s/vnc-port || echo no-port" % cpath, 30 * S, check=False)
    if "no-port" not in out:
        raise Failure("vnc-port is left after %s:\n%s" % (why, out))


def xen_client_refused(ser, domid, S):
    """Xen's own xenconsole is refused while vncterm holds the console."""
    _, out = ser.run("timeout 10 /usr/lib/xen-4.17/bin/xenconsole %d </dev/null; "
                     "echo xen-xc-exit $?" % domid, 30 * S, check=False)
    if "Could not lock /var/lock/xenconsole.%d" % domid not in out:
        raise Failure("Xen's xenconsole was not refused beside vncterm:\n" + out)


def cpu_ticks(pid):
    """Shell: utime + stime of pid and its worker, in clock ticks."""
    return ("{ read W _ < /proc/%d/task/%d/children; "
            "for p in %d $W; do cut -d' ' -f14,15 /proc/$p/stat; done | "
            "awk '{ t += $1 + $2 } END { print \"ticks\", t }'; }" % (pid, pid, pid))


def measure_cpu(ser, pid, seconds, S):
    """Ticks (1/100 s) vncterm (monitor + worker) used in seconds."""
    _, out = ser.run("%s; sleep %d; %s" % (cpu_ticks(pid), seconds, cpu_ticks(pid)), 60 * S)
    t = [int(x) for x in re.findall(r"^ticks (\d+)$", out, re.M)[-2:]]
    if len(t) != 2:
        raise Failure("could not read vncterm's CPU time:\n" + out)
    return t[1] - t[0]


def assert_idle(ser, pid, S):
    """An idle vncterm must not use the CPU (a busy loop shows here)."""
    ticks = measure_cpu(ser, pid, 2, S)
    if ticks > 20:  # 10% of one CPU at 100 Hz
        raise Failure("idle vncterm used %d ticks of CPU in 2 s" % ticks)


class Viewer:
    """tests/xen/vncread on the host, through qemu's port forward to a
    socat relay in dom0 and on to vncterm's VNC port there."""

    def __init__(self, ser, vncread, hostport, S):
        self.ser, self.vncread, self.hostport, self.S = ser, vncread, hostport, S

    def relay(self, port):
        self.ser.run("pkill -f 'TCP-LISTEN:%d' ; (socat TCP-LISTEN:%d,fork,reuseaddr "
                     "TCP:127.0.0.1:%d < /dev/null > /dev/null 2>&1 &) ; sleep 1"
                     % (self.hostport, self.hostport, port), 30 * self.S)

    def cmd(self, steps, timeout):
        return [self.vncread, "--timeout", str(int(timeout * self.S)),
                "127.0.0.1:%d" % self.hostport] + steps

    def finish(self, proc, what):
        out, err = proc.communicate()
        for line in out.splitlines():
            log("viewer: " + line)
        if proc.returncode != 0:
            raise Failure("the viewer (%s) failed, status %d:\n%s" % (what, proc.returncode, err))
        return out

    def run(self, steps, what, timeout=60):
        """Run steps; the relay and qemu's forward may need a moment, so a
        failed handshake (status 2) is retried."""
        for attempt in range(3):
            proc = subprocess.Popen(self.cmd(steps, timeout), stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            if attempt < 2 and proc.wait() == 2:
                log("viewer: handshake failed (%s), retrying" % proc.stderr.read().strip())
                time.sleep(2)
                continue
            return self.finish(proc, what)

    def start(self, steps, timeout=60):
        """Run steps in the background; finish() collects them."""
        return subprocess.Popen(self.cmd(steps, timeout), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)


def matched(out, pattern):
    """The line a `wait=` step matched, from vncread's report."""
    m = re.search(r"^vncread: /%s/ matched '([^']*)'" % re.escape(pattern), out, re.M)
    if not m:
        raise Failure("the viewer reported no match for /%s/:\n%s" % (pattern, out))
    return m.group(1)


def xenconsole_escape(ser, domid, mode, tag, S):
    """Our xenconsole on a real tty (script), in mode --pty or --ring: the
    typed command is answered, and the escape key (^]) detaches it with
    status 0 while its input is still open."""
    # The input stays open past the escape (until 10 s), so only the key
    # can end it in time; `timeout` ends a client that ignores it (124).
    _, out = ser.run("t0=$(date +%%s); (sleep 2; printf 'echo %s-$((6*7))\\r'; sleep 2; "
                     "printf '\\035'; sleep 6) | { timeout 20 script -qfec "
                     "'/usr/local/bin/xenconsole %s %d' /tmp/xc.typescript > /dev/null; "
                     "echo \"xc-rc=$? after=$(($(date +%%s) - t0))\"; }"
                     "; grep -c '^%s-42' /tmp/xc.typescript"
                     % (tag, mode, domid, tag), 60 * S, check=False)
    m = re.search(r"xc-rc=(\d+) after=(\d+)", out)
    if not m or m.group(1) != "0" or int(m.group(2)) >= 10:
        _, dump = ser.run("cat -v /tmp/xc.typescript | tail -20", 20 * S, check=False)
        raise Failure("xenconsole %s did not detach on the escape key with status 0 "
                      "(%s):\n%s" % (mode, m.group(0) if m else out, dump))
    if not re.search(r"^[1-9]", out[m.end():], re.M):
        _, dump = ser.run("cat -v /tmp/xc.typescript | tail -20", 20 * S, check=False)
        raise Failure("xenconsole %s: no %s-42 answer from the guest:\n%s" % (mode, tag, dump))


def sysrq_from_viewer(ser, view, domid, S):
    """A viewer's Alt+SysRq+h reaches the guest's kernel: the sandboxed
    worker asks the monitor, which writes control/sysrq; the guest's Xen
    driver (drivers/xen/manage.c) takes it, writes "" back and runs it.  'h'
    is no command, so the kernel prints its help, with the console loglevel
    raised for the header, on hvc0 and so back on the viewer's screen.
    handle_sysrq() needs only a nonzero kernel.sysrq (Debian's default is
    438); the help is not masked."""
    view.run(["sysrq=h", "wait=sysrq: HELP :"], "SysRq from a viewer", 60)
    _, out = ser.run("grep -c \"asks domain %d for SysRq 'h'\" /tmp/vt.log; "
                     "echo \"pending=[$(xenstore-read /local/domain/%d/control/sysrq)]\""
                     % (domid, domid), 30 * S, check=False)
    if not re.search(r"^[1-9]", out, re.M) or "pending=[]" not in out:
        _, log_text = ser.run("cat /tmp/vt.log", 30 * S, check=False)
        raise Failure("SysRq from a viewer: vncterm did not log the request, or the guest "
                      "did not take it (control/sysrq not emptied):\n%s\n%s" % (out, log_text))


def guest_domid(ser, S):
    """The guest's domain id.  Tagged, and asked again if need be: a kernel
    message on dom0's console can land in the middle of the answer."""
    for attempt in range(3):
        _, out = ser.run("echo domid=$(xl domid guest)=", 30 * S)
        m = re.findall(r"domid=(\d+)=", out)
        if m:
            return int(m[-1])
        log("xl domid guest: no answer in %r, asking again" % out)
        time.sleep(1)
    raise Failure("xl domid guest gave no domain id:\n" + out)


def xl_restore(ser, path, S):
    """`xl restore PATH`.  Debian's xl 4.17 once aborted ("corrupted
    double-linked list") in its monitoring child's postfork(), after
    "Restore successful": the domain was restored and running and only xl's
    own watcher of it was gone, which none of our steps needs (xl destroy
    works without it).  That one case is logged and let through; any other
    failure, or a restored domain that is not there, fails the run."""
    rc, out = ser.run("xl restore %s" % path, 180 * S, check=False)
    if rc != 0:
        xl_own_abort = ("Restore successful" in out and
                        re.search(r"daemonizing child \[\d+\] died due to fatal signal", out))
        if not xl_own_abort:
            raise Failure("`xl restore %s` exited %d:\n%s" % (path, rc, out))
        ser.run("xl list guest", 30 * S)
        log("xl restore: xl's own monitoring child died after a successful restore; "
            "the domain is running, going on:\n%s" % out)
    ser.run("rm %s" % path, 30 * S)


def tool_checks(ser, domid, view, S, mark):
    """Our programs on real Xen, the way the host agent and an admin use them."""
    cpath = "/local/domain/%d/console" % domid
    glog = "/var/log/xen/console/guest-guest.log"
    # xenconsole through xenconsoled's pty: the guest's text comes out, and
    # a command typed into it reaches the guest (xenconsoled logs its answer).
    _, out = ser.run(
        "(sleep 2; printf 'echo xc-echo-$((6*7))\\r'; sleep 4) | "
        "timeout 10 /usr/local/bin/xenconsole %d > /tmp/xc.out 2>&1; "
        "grep -c guest-boot-ok /tmp/xc.out" % domid, 40 * S, check=False)
    if not re.search(r"^[1-9]", out, re.M):
        _, dump = ser.run("cat -v /tmp/xc.out | tail -20", 20 * S, check=False)
        raise Failure("xenconsole did not show the guest's text:\n" + dump)
    mark("xenconsole output ok")
    rc_in, _ = ser.run("grep -q xc-echo-42 %s" % glog, 20 * S, check=False)
    if rc_in != 0:
        raise Failure("xenconsole input: the typed line never reached the guest "
                      "(xenconsoled's log has no xc-echo-42)")
    mark("xenconsole input ok")
    xenconsole_escape(ser, domid, "--pty", "xc-pty", S)
    mark("xenconsole escape ok")

    # vncterm as the host agent starts it, on xenconsoled's pty: started
    # while a new guest is paused, so that its boot text comes through.
    ser.run("xl destroy guest; xl create -p /etc/xen/guest.cfg", 120 * S)
    domid = guest_domid(ser, S)
    cpath = "/local/domain/%d/console" % domid
    # --sysrq: -x PATH alone is the domain's own console, which it needs.
    pid, vnc, tc = start_vncterm(ser, "-x %s -T -v 127.0.0.1:1 --sysrq" % cpath, cpath, S)
    assert_sandboxed(ser, pid, S)
    assert_idle(ser, pid, S)
    xen_client_refused(ser, domid, S)
    mark("Xen's xenconsole refused beside vncterm ok")
    view.relay(vnc)
    ser.run("xl unpause guest", 30 * S)
    out = view.run(["wait=guest-boot-ok", "type=echo hello-$RANDOM\\r", "wait=^hello-[0-9]+$"],
                   "pty mode", 120)
    hello = matched(out, "^hello-[0-9]+$")
    text_port_echo(ser, tc, "pty", S)
    mark("sandboxed pty mode ok")
    sysrq_from_viewer(ser, view, domid, S)
    mark("sysrq from a viewer ok")

    # Suspend, as the host agent does it: SIGUSR1, keep the statefile, save.
    _, out = ser.run("kill -USR1 %d; sleep 2; F=$(xenstore-read %s/statefile) && "
                     "cp $F /tmp/saved.state && ls -l /tmp/saved.state" % (pid, cpath), 30 * S)
    mark("statefile ok")
    ser.run("xl save guest /tmp/guest.save", 180 * S)
    mark("xl save done")
    agent_stop(ser, pid, cpath, "xl save ended the domain", S)
    xl_restore(ser, "/tmp/guest.save", S)
    domid = guest_domid(ser, S)
    cpath = "/local/domain/%d/console" % domid
    mark("xl restore done")
    ser.run("i=0; until xenstore-read %s/tty; do i=$((i+1)); [ $i -gt 20 ] && false; "
            "sleep 1; done" % cpath, 60 * S)
    pid, vnc, tc = start_vncterm(ser, "-x %s -T -v 127.0.0.1:1 -l /tmp/saved.state "
                                 "--exit-on-release" % cpath, cpath, S)
    assert_sandboxed(ser, pid, S)
    view.relay(vnc)
    view.run(["wait=^%s$" % hello, "type=echo again-$RANDOM\\r", "wait=^again-[0-9]+$"],
             "restored screen")
    mark("restore with -l ok")
    # With --exit-on-release (the unit's) the guest's end ends vncterm, cleanly, its
    # directory removed.
    ser.run("xl destroy guest", 60 * S)
    assert_exited(ser, pid, "xl destroy", S)
    mark("destroy ends vncterm ok")

    # Ring mode.  xenconsoled is told to leave the console alone: the guest
    # is created paused (`xl create` waits for xenconsoled's tty, so
    # xenconsoled must run for it), xenconsoled is stopped and its tty node
    # removed, vncterm claims the console (type = vncterm), and xenconsoled,
    # restarted, must keep off it.  The guest's boot text then reaches the
    # viewer through the ring.
    ser.run("xl create -p /etc/xen/guest.cfg", 120 * S)
    domid = guest_domid(ser, S)
    cpath = "/local/domain/%d/console" % domid
    ser.run("kill $(cat /run/xenconsoled.pid); sleep 1; xenstore-rm %s/tty" % cpath, 30 * S)
    pid, vnc, tc = start_vncterm(ser, "--domid %d -T -v 127.0.0.1:2 --log-file /tmp/ring.log"
                                 % domid, cpath, S)
    assert_sandboxed(ser, pid, S, vnc)
    if tc != 9500 + vnc - 5900:
        raise Failure("ring mode: text port %d, not 9500+N for VNC port %d" % (tc, vnc))
    ser.run("xenconsoled --log=guest --pid-file=/run/xenconsoled.pid; sleep 2", 30 * S)
    _, out = ser.run("xenstore-read %s/type; xenstore-read %s/tty || echo no-tty"
                     % (cpath, cpath), 30 * S, check=False)
    if "vncterm" not in out or "no-tty" not in out:
        raise Failure("ring mode: the console is not vncterm's alone (type, tty):\n" + out)
    view.relay(vnc)
    ser.run("xl unpause guest", 30 * S)
    view.run(["wait=guest-boot-ok", "type=echo hello-$RANDOM\\r", "wait=^hello-[0-9]+$"],
             "ring mode", 120)
    mark("sandboxed ring mode ok")

    # A guest that floods its console.  Asserted: behaviour, not speed (TCG
    # runs as fast as the host lets it): the viewer keeps getting frames,
    # paced (at most one per 40 ms, never a long silence), Control+C typed
    # during the flood reaches the guest, and every byte of a finite flood
    # reaches the console log, in order, with the guest never held up for
    # good.  vncterm's CPU is reported as a figure.
    flood = view.start(["type=yes flood-line\\r", "wait=^flood-line$", "watch=10"])
    time.sleep(3)
    ticks = measure_cpu(ser, pid, 8, S)
    log("flood: vncterm used %d ticks (1/100 s) of CPU in 8 s (figure, not asserted)" % ticks)
    try:
        out = view.finish(flood, "during the flood")
    finally:
        ser.run("cat /tmp/vt.log; dmesg | tail -5", 30 * S, check=False)
    m = re.search(r"watch (\d+) s: (\d+) updates, longest gap (\d+) ms", out)
    if not m:
        raise Failure("flooding guest: the viewer did not report its watch:\n" + out)
    secs, updates, gap = (int(x) for x in m.groups())
    # Paced: a frame every 15 ms at most (FRAME_MS; 40 once the rate is a
    # flood's, which a guest slowed by TCG may not reach), not one per read
    # or event; at least one frame every 2 s.
    if updates > secs * 1000 // 15 + 20:
        raise Failure("flooding guest: %d updates in %d s: frames are not paced" % (updates, secs))
    if updates < secs // 2 or gap > 2000 * S:
        raise Failure("flooding guest: %d updates in %d s, longest gap %d ms: the viewer "
                      "was starved" % (updates, secs, gap))
    try:
        view.run(["ctrl=c", "type=echo after-$RANDOM\\r", "wait=^after-[0-9]+$"],
                 "after the flood")
    except Failure:
        _, out = ser.run("cat /tmp/vt.log; dmesg | tail -5", 30 * S, check=False)
        log("after the flood, vncterm's log:\n" + out)
        raise
    view.run(["type=seq 1 20000; echo seq-$((6*7))\\r", "wait=^seq-42$"], "a finite flood",
             300)
    _, out = ser.run("tr -d '\\r' < /tmp/ring.log | awk '/^[0-9]+$/ { if ($1 == n + 1) n = $1 } "
                     "END { print \"seq-lines\", n }'", 60 * S)
    m = re.search(r"^seq-lines (\d+)$", out, re.M)
    if not m or int(m.group(1)) != 20000:
        raise Failure("a finite flood: the console log holds lines 1-%s of seq 1 20000 in order, "
                      "not all:\n%s" % (m.group(1) if m else "?", out))
    mark("flooding guest ok")

    # Ended, vncterm gives the console back: xenconsoled takes it again.
    ser.run("kill %d; " % pid + wait_gone(pid), 60 * S)
    _, out = ser.run("i=0; until xenstore-read %s/tty; do i=$((i+1)); [ $i -gt 10 ] && false; "
                     "sleep 1; done; xenstore-read %s/type" % (cpath, cpath), 60 * S, check=False)
    if "xenconsoled" not in out:
        raise Failure("after vncterm, xenconsoled did not take the console back:\n" + out)
    mark("handback ok")
    # xenconsole on the ring itself (xenconsoled stopped, its tty removed).
    ser.run("kill $(cat /run/xenconsoled.pid); sleep 1; xenstore-rm %s/tty" % cpath, 30 * S)
    xenconsole_escape(ser, domid, "--ring", "xc-ring", S)
    _, out = ser.run("xenstore-read %s/type" % cpath, 30 * S)
    if "xenconsoled" not in out:
        raise Failure("xenconsole --ring did not restore the console's type:\n" + out)
    mark("xenconsole ring ok")
    ser.run("xl destroy guest", 60 * S)


class BootFailure(Failure):
    """Xen or dom0 did not come up: outside our code, worth one retry."""


def start_qemu(qemu, img, initrd, work, hostport):
    sockpath = os.path.join(work, "serial.sock")
    if os.path.exists(sockpath):
        os.unlink(sockpath)
    cmd = [qemu, "-machine", "pc", "-accel", "tcg", "-cpu", CPU, "-smp", "2", "-m", "2560",
           "-display", "none", "-monitor", "none", "-no-reboot",
           "-chardev", "socket,id=ser0,path=%s,server=on,wait=on" % sockpath,
           "-serial", "chardev:ser0",
           "-nic", "user,model=e1000,hostfwd=tcp:127.0.0.1:%d-:%d" % (hostport, hostport),
           "-kernel", os.path.join(img, "xen"), "-append", XEN_ARGS,
           "-initrd", "%s %s,%s" % (os.path.join(img, "vmlinuz"), DOM0_ARGS, initrd)]
    log("qemu: " + " ".join(cmd))
    qlog = open(os.path.join(work, "qemu.log"), "w")
    proc = subprocess.Popen(cmd, stdout=qlog, stderr=subprocess.STDOUT, start_new_session=True)
    qlog.close()
    return proc, sockpath


def boot(ser, S, mark):
    """Up to dom0's shell and `xl info`; any failure here is a BootFailure."""
    try:
        ser.expect(r"Xen version 4\.17", 60 * S, "Xen's banner")
        mark("xen banner")
        ser.expect(r"Linux version \d", 90 * S, "the dom0 kernel (Xen hands over)")
        mark("dom0 kernel starts")
        ser.expect(r"dom0-init: ready", 150 * S, "dom0's init to finish")
        mark("dom0 init done")
        ser.expect(r"dom0# ", 60 * S, "the dom0 shell prompt")
        mark("dom0 shell")
        # Let late kernel messages pass, then a no-op to sync with the shell.
        ser.run("true", 30 * S)
        _, out = ser.run("xl info", 60 * S)
    except Failure as e:
        raise BootFailure(str(e))
    m = re.search(r"xen_version\s*:\s*(\S+)", out)
    if not m:
        raise BootFailure("`xl info` printed no xen_version:\n" + out)
    log("xl info: xen_version %s" % m.group(1))
    mark("xl info")


def guest_checks(ser, S, mark):
    """A PV guest boots and its console is in xenstore; returns its domid."""
    ser.run("xl create /etc/xen/guest.cfg", 120 * S)
    mark("xl create done")
    domid = guest_domid(ser, S)
    log("guest domid %d" % domid)
    glog = "/var/log/xen/console/guest-guest.log"
    ser.run("i=0; while ! grep -q guest-boot-ok %s 2>/dev/null; do i=$((i+1)); "
            "[ $i -gt %d ] && break; sleep 1; done; grep guest- %s"
            % (glog, int(90 * S), glog), 100 * S)
    mark("guest text")
    cpath = "/local/domain/%d/console" % domid
    _, out = ser.run("xenstore-ls %s" % cpath, 30 * S)
    keys = dict(re.findall(r"^\s*([\w-]+) = \"([^\"]*)\"", out, re.M))
    missing = [k for k in ("ring-ref", "port", "tty") if k not in keys]
    if missing:
        raise Failure("%s lacks %s:\n%s" % (cpath, ", ".join(missing), out))
    log("%s: %s" % (cpath, " ".join("%s=%s" % kv for kv in sorted(keys.items()))))
    mark("xenstore console ok")
    return domid


def stop_qemu(proc, ser, S, work, mark):
    try:
        if ser is None:
            raise Failure("no serial")
        ser.send("echo o > /proc/sysrq-trigger\n")
        proc.wait(timeout=60 * S)
        mark("powered off")
    except Exception:
        log("qemu did not power off; killing it (pid %d)" % proc.pid)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    with open(os.path.join(work, "qemu.log")) as fh:
        q = fh.read().strip()
    # qemu's note that it waits for the serial socket is not news.
    q = "\n".join(l for l in q.splitlines() if "QEMU waiting for connection" not in l)
    if q:
        log("qemu said: " + q[-1000:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", default=os.path.join(TOP, "build/xen-image/current"),
                    help="directory made by build-image.sh (default: %(default)s)")
    ap.add_argument("--tools", action="store_true",
                    help="also copy vncterm/vncterm and xenconsole/xenconsole into dom0 and test them")
    ap.add_argument("--vncread", default=os.path.join(TOP, "build/tests/vncread"),
                    help="the host's viewer (default: %(default)s)")
    ap.add_argument("--log", default=os.path.join(TOP, "build/xen-serial.log"),
                    help="the whole serial output goes here (default: %(default)s)")
    ap.add_argument("--slow", type=float, default=1.0,
                    help="multiply every timeout by this")
    ap.add_argument("--keep", action="store_true", help="leave qemu running at the end (debug)")
    ap.add_argument("--vnc-hostport", type=int, default=15901,
                    help="host port forwarded to dom0's relay for vncterm (default %(default)s)")
    args = ap.parse_args()

    img = os.path.realpath(args.image)
    for f in ("xen", "vmlinuz", "dom0.cpio"):
        p = os.path.join(img, f)
        if not os.path.isfile(p):
            log("missing %s: run tests/xen/build-image.sh build/xen-image first" % p)
            return 2
        if "," in p:
            log("path %s has a comma, which qemu's -initrd cannot take" % p)
            return 2
    qemu = shutil.which("qemu-system-x86_64")
    if not qemu:
        log("qemu-system-x86_64 not found (apt-get install qemu-system-x86)")
        return 2

    work = tempfile.mkdtemp(prefix="xen-harness.")
    initrd = os.path.join(img, "dom0.cpio")
    if args.tools:
        progs = [os.path.join(TOP, "vncterm/vncterm"), os.path.join(TOP, "xenconsole/xenconsole"),
                 os.path.join(TOP, "vncterm/install-user.sh")]
        for p in progs + [args.vncread]:
            if not os.access(p, os.X_OK):
                log("%s is not built (make check-xen builds it)" % p)
                return 2
        # The install step makes vncterm_base, as on a real host.
        extra = extra_cpio(work, progs, ["mkdir -p /var/xen/vncterm /run/lock",
                                         "sh /usr/local/bin/install-user.sh"])
        # Linux unpacks concatenated archives, so one file with both.
        initrd = os.path.join(work, "dom0+extra.cpio")
        with open(initrd, "wb") as out:
            for part in (os.path.join(img, "dom0.cpio"), extra):
                with open(part, "rb") as fh:
                    shutil.copyfileobj(fh, out, 1 << 20)
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)

    S = args.slow
    rc = 1
    t0 = time.monotonic()

    def mark(name):
        log("%-24s %6.1f s" % (name, time.monotonic() - t0))

    for attempt in (1, 2):
        proc, sockpath = start_qemu(qemu, img, initrd, work, args.vnc_hostport)
        ser = None
        retry = False
        try:
            ser = Serial(sockpath, args.log if attempt == 1 else args.log + ".retry")
            boot(ser, S, mark)
            domid = guest_checks(ser, S, mark)
            if args.tools:
                tool_checks(ser, domid, Viewer(ser, args.vncread, args.vnc_hostport, S), S, mark)
            rc = 0
        except BootFailure as e:
            log("FAIL: the boot did not complete: %s" % e)
            retry = attempt == 1
        except Failure as e:
            log("FAIL: %s" % e)
        except Exception as e:
            # A bug of the harness's own: still stop qemu, which would go
            # on using the CPU (and the forwarded port) after we are gone.
            log("FAIL: the harness itself failed: %s" % traceback.format_exc())
        if args.keep and rc == 0:
            log("qemu left running, pid %d, serial %s" % (proc.pid, sockpath))
            return rc
        stop_qemu(proc, ser, S, work, mark)
        if not retry:
            break
        # A boot that stalls under TCG is not our code's failure: once more.
        log("RETRY: booting again once (attempt 2); the failed boot's serial log is %s"
            % args.log)
    shutil.rmtree(work, ignore_errors=True)
    log("%s; serial log: %s" % ("PASS" if rc == 0 else "FAIL", args.log))
    return rc


if __name__ == "__main__":
    sys.exit(main())
