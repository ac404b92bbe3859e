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
    return (pid, vnc port, text port) from xenstore."""
    ser.run("(/usr/local/bin/vncterm %s > /tmp/vt.log 2>&1 &) ; sleep 3" % args, 60 * S)
    _, out = ser.run("i=0; until xenstore-read %s/tc-port; do i=$((i+1)); "
                     "[ $i -gt 20 ] && cat /tmp/vt.log && false; sleep 1; done; "
                     "xenstore-read %s/vnc-port; xenstore-read /local/domain/%s/vncterm-pid"
                     % (cpath, cpath, cpath.split("/")[3]), 60 * S)
    tc, vnc, pid = [int(x) for x in re.findall(r"^(\d+)$", out, re.M)[-3:]]
    return pid, vnc, tc


def assert_sandboxed(ser, pid, S):
    _, out = ser.run("read W _ < /proc/%d/task/%d/children; grep -E '^(Uid|Seccomp|NoNewPrivs):' "
                     "/proc/$W/status; readlink /proc/$W/root" % (pid, pid), 30 * S)
    uid = re.search(r"^Uid:\s+(\d+)", out, re.M)
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


def assert_idle(ser, pid, S):
    """An idle vncterm's worker must not use the CPU (a busy loop shows here)."""
    _, out = ser.run("read W _ < /proc/%d/task/%d/children; a=$(cut -d' ' -f14,15 /proc/$W/stat); "
                     "sleep 2; b=$(cut -d' ' -f14,15 /proc/$W/stat); echo $a $b; ls -l /proc/$W/fd"
                     % (pid, pid), 30 * S)
    t = [int(x) for x in re.findall(r"^(\d+) (\d+) (\d+) (\d+)$", out, re.M)[-1]]
    ticks = (t[2] + t[3]) - (t[0] + t[1])
    if ticks > 20:  # 10% of one CPU at 100 Hz
        raise Failure("the idle worker used %d ticks of CPU in 2 s:\n%s" % (ticks, out))


def sandboxed_checks(ser, domid, cpath, S, mark):
    """vncterm as the host agent starts it, sandboxed, in xenconsoled's pty
    mode and then in ring mode; SIGUSR1; the guest's end ends vncterm."""
    pid, _, tc = start_vncterm(ser, "-x %s -T -v 127.0.0.1:1" % cpath, cpath, S)
    assert_sandboxed(ser, pid, S)
    assert_idle(ser, pid, S)
    text_port_echo(ser, tc, "pty", S)
    mark("sandboxed pty mode ok")
    ser.run("kill -USR1 %d; sleep 2; F=$(xenstore-read %s/statefile) && echo $F && test -s $F"
            % (pid, cpath), 30 * S)
    mark("statefile ok")
    ser.run("kill %d; " % pid + wait_gone(pid), 40 * S)
    # Ring mode: xenconsoled is told to leave the console alone (stopped,
    # its tty node removed), then vncterm claims and reads the ring itself.
    ser.run("kill $(cat /run/xenconsoled.pid); sleep 1; xenstore-rm %s/tty" % cpath, 30 * S)
    pid, _, tc = start_vncterm(ser, "--domid %d -T -v 127.0.0.1:2" % domid, cpath, S)
    assert_sandboxed(ser, pid, S)
    _, out = ser.run("xenstore-read %s/type" % cpath, 30 * S)
    if "vncterm" not in out:
        raise Failure("ring mode did not claim the console (type: %s)" % out)
    text_port_echo(ser, tc, "ring", S)
    mark("sandboxed ring mode ok")
    # The guest's end ends vncterm, cleanly, its directory removed.
    ser.run("xl destroy guest; " + wait_gone(pid) + "; cat /tmp/vt.log", 60 * S)
    mark("destroy ends vncterm ok")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image", default=os.path.join(TOP, "build/xen-image/current"),
                    help="directory made by build-image.sh (default: %(default)s)")
    ap.add_argument("--tools", action="store_true",
                    help="also copy vncterm/vncterm and xenconsole/xenconsole into dom0 and test them")
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
    sockpath = os.path.join(work, "serial.sock")
    initrd = os.path.join(img, "dom0.cpio")
    if args.tools:
        progs = [os.path.join(TOP, "vncterm/vncterm"), os.path.join(TOP, "xenconsole/xenconsole"),
                 os.path.join(TOP, "vncterm/install-user.sh")]
        for p in progs:
            if not os.access(p, os.X_OK):
                log("%s is not built (make)" % p)
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

    hp = args.vnc_hostport
    cmd = [qemu, "-machine", "pc", "-accel", "tcg", "-cpu", CPU, "-smp", "2", "-m", "2560",
           "-display", "none", "-monitor", "none", "-no-reboot",
           "-chardev", "socket,id=ser0,path=%s,server=on,wait=on" % sockpath,
           "-serial", "chardev:ser0",
           "-nic", "user,model=e1000,hostfwd=tcp:127.0.0.1:%d-:%d" % (hp, hp),
           "-kernel", os.path.join(img, "xen"), "-append", XEN_ARGS,
           "-initrd", "%s %s,%s" % (os.path.join(img, "vmlinuz"), DOM0_ARGS, initrd)]
    log("qemu: " + " ".join(cmd))
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    qlog = open(os.path.join(work, "qemu.log"), "w")
    proc = subprocess.Popen(cmd, stdout=qlog, stderr=subprocess.STDOUT, start_new_session=True)
    t0 = time.monotonic()
    times = {}

    def mark(name):
        times[name] = time.monotonic() - t0
        log("%-22s %6.1f s" % (name, times[name]))

    S = args.slow
    rc = 1
    ser = None
    try:
        ser = Serial(sockpath, args.log)
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
        m = re.search(r"xen_version\s*:\s*(\S+)", out)
        if not m:
            raise Failure("`xl info` printed no xen_version:\n" + out)
        log("xl info: xen_version %s" % m.group(1))
        mark("xl info")
        ser.run("xl create /etc/xen/guest.cfg", 120 * S)
        mark("xl create done")
        _, out = ser.run("xl domid guest", 30 * S)
        domid = int(re.findall(r"^(\d+)$", out, re.M)[-1])
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

        if args.tools:
            # xenconsole (pty mode, through xenconsoled): the guest's text
            # must come out; then type a command into the guest's shell and
            # look for its answer in xenconsoled's log of the guest.
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
            else:
                mark("xenconsole input ok")
            ser.run("(/usr/local/bin/vncterm -x %s -T -v 127.0.0.1:1 -S > /tmp/vncterm.log 2>&1 &) ; sleep 3"
                    % cpath, 60 * S)
            _, out = ser.run("i=0; until xenstore-read %s/vnc-port; do i=$((i+1)); "
                             "[ $i -gt 20 ] && cat /tmp/vncterm.log && false; sleep 1; done"
                             % cpath, 60 * S)
            port = int(re.findall(r"^(\d+)$", out, re.M)[-1])
            log("vncterm vnc-port %d" % port)
            _, out = ser.run("timeout 3 socat -u TCP:127.0.0.1:%d - | head -c 12; echo" % port,
                             30 * S, check=False)
            if "RFB 003." not in out:
                raise Failure("vncterm's port %d gave no RFB banner: %r" % (port, out))
            mark("vncterm ok")
            ser.run("pkill -f '/usr/local/bin/vncterm' ; sleep 1", 30 * S, check=False)
            sandboxed_checks(ser, domid, cpath, S, mark)
        rc = 0
    except Failure as e:
        log("FAIL: %s" % e)
        rc = 1
    finally:
        if args.keep and rc == 0:
            log("qemu left running, pid %d, serial %s" % (proc.pid, sockpath))
            return rc
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
        qlog.close()
        with open(os.path.join(work, "qemu.log")) as fh:
            q = fh.read().strip()
        if q:
            log("qemu said: " + q[-1000:])
        shutil.rmtree(work, ignore_errors=True)
    log("%s; serial log: %s" % ("PASS" if rc == 0 else "FAIL", args.log))
    return rc


if __name__ == "__main__":
    sys.exit(main())
