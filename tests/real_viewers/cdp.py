#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Drive Debian's noVNC (vnc_lite.html) in headless Chromium against vncterm.

Usage: cdp.py VNC_PORT WORKDIR WIDTH HEIGHT COMMAND

WORKDIR holds want1.rgb and want2.rgb (WIDTH x HEIGHT, 0x00RRGGBB as
little-endian 32-bit words): the screens expected after typing COMMAND
then Enter, and after putting the text of WORKDIR/paste.txt (UTF-8) on
noVNC's clipboard, RFB.clipboardPasteFrom(), and middle-clicking the
canvas (vncterm keeps a viewer's clipboard until it pastes, then types its
newline as Enter).  noVNC 1.3 sends it as UTF-8 through the extended clipboard
(Notify, Request, Provide), since vncterm announces Notify; it would fall
back to Latin-1 otherwise.  The canvas is written to got1.rgb and got2.rgb in the same format
so that the caller judges the pixels itself.  Exit status 0 when both
screens matched; progress and figures go to standard error.

Only the Python standard library: an HTTP server thread for
/usr/share/novnc, Chromium as a child, and a minimal RFC 6455 client for
the DevTools protocol.  The caller runs this in a process group it kills,
so Chromium never outlives the test.
"""
import base64
import functools
import http.client
import http.server
import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time

NOVNC = "/usr/share/novnc"


def log(msg):
    print("cdp: " + msg, file=sys.stderr, flush=True)


class WebSocket:
    """Just enough RFC 6455 for DevTools: text frames, masked as a client."""

    def __init__(self, port, path):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=20)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise OSError("DevTools closed during the handshake")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise OSError("DevTools refused the WebSocket: " + head.decode(errors="replace"))
        self.buf = b""

    def _read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise OSError("DevTools connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send(self, text):
        data = text.encode()
        mask = os.urandom(4)
        n = len(data)
        if n < 126:
            hd = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            hd = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            hd = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        self.sock.sendall(hd + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def recv(self):
        """One whole message (fragments joined); control frames skipped."""
        msg = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7f
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read(n)
            op = b0 & 0x0f
            if op == 8:
                raise OSError("DevTools closed the WebSocket")
            if op in (9, 10):
                continue
            msg += payload
            if b0 & 0x80:
                return msg.decode()


class Page:
    """Commands to one page target; events are ignored."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def js(self, expr, await_promise=False):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True,
                      awaitPromise=await_promise)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr[:60]}...: {r['exceptionDetails']}")
        return r["result"].get("value")

    def key(self, ch):
        """One key press as a real keyboard makes it: keyDown with text, keyUp."""
        if ch == "\r":
            down = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r"}
        else:
            down = {"key": ch, "text": ch}
            if ch.isalpha():
                down["code"] = "Key" + ch.upper()
                down["windowsVirtualKeyCode"] = ord(ch.upper())
            elif ch.isdigit():
                down["code"] = "Digit" + ch
                down["windowsVirtualKeyCode"] = ord(ch)
        self.call("Input.dispatchKeyEvent", type="keyDown", **down)
        up = {k: v for k, v in down.items() if k != "text"}
        self.call("Input.dispatchKeyEvent", type="keyUp", **up)


def serve_novnc():
    """noVNC's files on a free loopback port, from a thread of ours."""
    handler = functools.partial(QuietHandler, directory=NOVNC)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd.server_address[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def start_chromium(workdir, url):
    profile = os.path.join(workdir, "profile")
    os.makedirs(profile, exist_ok=True)
    args = ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--remote-debugging-port=0",
            "--user-data-dir=" + profile, "--window-size=800,600", url]
    errlog = open(os.path.join(workdir, "chromium.log"), "wb")
    # Its crash database and caches go to the scratch directory, not $HOME.
    env = dict(os.environ, HOME=workdir, XDG_CONFIG_HOME=os.path.join(workdir, "config"),
               XDG_CACHE_HOME=os.path.join(workdir, "cache"))
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=errlog, stderr=errlog,
                            env=env)
    # With port 0 Chromium picks one and writes it into the profile.
    active = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if os.path.exists(active):
            lines = open(active).read().split("\n")
            if len(lines) >= 2 and lines[0].isdigit():
                return proc, int(lines[0])
        if proc.poll() is not None:
            raise RuntimeError(f"chromium exited with {proc.returncode}")
        time.sleep(0.05)
    raise RuntimeError("chromium never opened its DevTools port")


def page_target(devtools_port, url_prefix):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", devtools_port, timeout=5)
            conn.request("GET", "/json/list")
            targets = json.loads(conn.getresponse().read())
            conn.close()
        except (OSError, http.client.HTTPException, ValueError):
            # The port file can come before the server answers in full.
            targets = []
        for t in targets:
            if t.get("type") == "page" and t.get("url", "").startswith(url_prefix):
                return t["webSocketDebuggerUrl"].split(str(devtools_port), 1)[1]
        time.sleep(0.05)
    raise RuntimeError(f"no page target for noVNC among {targets}")


# The canvas as base64 of its RGBA bytes.
CANVAS_JS = """(() => {
  const c = document.querySelector('#screen canvas');
  if (!c || c.width === 0) return null;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let s = '';
  for (let i = 0; i < d.length; i += 8192)
    s += String.fromCharCode.apply(null, d.subarray(i, i + 8192));
  return [c.width, c.height, btoa(s)];
})()"""


def wait_for_canvas(page, want, width, height, got_path, timeout):
    """Poll the canvas until it equals want; returns the differing pixels."""
    deadline = time.monotonic() + timeout
    bad = width * height
    while True:
        r = page.js(CANVAS_JS)
        if r and r[0] == width and r[1] == height:
            rgba = base64.b64decode(r[2])
            got = bytearray(width * height * 4)
            # RGBA bytes to the caller's little-endian 0x00RRGGBB words: B G R 0.
            got[0::4] = rgba[2::4]
            got[1::4] = rgba[1::4]
            got[2::4] = rgba[0::4]
            bad = sum(1 for i in range(0, len(got), 4) if got[i:i + 3] != want[i:i + 3])
            with open(got_path, "wb") as f:
                f.write(got)
            if bad == 0:
                return 0
        if time.monotonic() > deadline:
            return bad
        time.sleep(0.1)


def main():
    vnc_port, workdir = int(sys.argv[1]), sys.argv[2]
    width, height = int(sys.argv[3]), int(sys.argv[4])
    command = sys.argv[5]
    paste = open(os.path.join(workdir, "paste.txt"), encoding="utf-8").read()
    want1 = open(os.path.join(workdir, "want1.rgb"), "rb").read()
    want2 = open(os.path.join(workdir, "want2.rgb"), "rb").read()
    t0 = time.monotonic()

    http_port = serve_novnc()
    # Debian's vnc_lite.html (noVNC 1.3) connects on load to host:port/path.
    url = f"http://127.0.0.1:{http_port}/vnc_lite.html?host=127.0.0.1&port={vnc_port}"
    proc, devtools_port = start_chromium(workdir, url)
    try:
        page = Page(WebSocket(devtools_port, page_target(devtools_port, url)))
        status = ""
        deadline = time.monotonic() + 15
        while not status.startswith("Connected") and time.monotonic() < deadline:
            status = page.js("document.getElementById('status')?.textContent || ''") or ""
            time.sleep(0.05)
        if not status.startswith("Connected"):
            log(f"noVNC never connected; status: {status!r}")
            return 1
        log(f"noVNC status {status!r} after {time.monotonic() - t0:.2f} s")

        # vnc_lite keeps its RFB object in module scope.  The same module
        # (same URL, so the same class) patched to remember the instance the
        # next time noVNC sends a key reaches it for the clipboard call.
        page.js("import('./core/rfb.js').then(m => { const p = m.default.prototype;"
                " const send = p.sendKey; p.sendKey = function (...a) {"
                " window.vncterm_rfb = this; return send.apply(this, a); }; return true; })",
                await_promise=True)
        # And to say when it has sent the clipboard's text (the Provide
        # vncterm asks for): a middle click sent after it comes after it.
        page.js("import('./core/rfb.js').then(m => { const M = m.default.messages;"
                " const provide = M.extendedClipboardProvide;"
                " M.extendedClipboardProvide = function (...a) {"
                " const r = provide.apply(this, a); window.vncterm_provided = true; return r; };"
                " return true; })", await_promise=True)
        # noVNC listens for keys on its canvas: give it the focus.
        page.call("Page.bringToFront")
        page.js("document.querySelector('#screen canvas').focus()")
        t1 = time.monotonic()
        for ch in command + "\r":
            page.key(ch)
        bad = wait_for_canvas(page, want1, width, height, os.path.join(workdir, "got1.rgb"), 10)
        log(f"typed screen: {bad} pixels differ, {time.monotonic() - t1:.2f} s after typing")
        if bad:
            return 1

        if not page.js("!!window.vncterm_rfb"):
            log("could not reach noVNC's RFB object")
            return 1
        caps = page.js("JSON.stringify([window.vncterm_rfb._clipboardServerCapabilitiesFormats,"
                       " window.vncterm_rfb._clipboardServerCapabilitiesActions])")
        log(f"server's extended clipboard capabilities (formats, actions): {caps}")
        t2 = time.monotonic()
        # The text goes on noVNC's clipboard; with the extended clipboard it
        # follows a round trip (notify, request, provide), so the middle
        # click waits for the provide (vncterm keeps the text until a
        # paste).  The paste's own newline runs the command.
        page.js(f"window.vncterm_rfb.clipboardPasteFrom({json.dumps(paste)})")
        deadline = time.monotonic() + 10
        while not page.js("!!window.vncterm_provided") and time.monotonic() < deadline:
            time.sleep(0.05)
        if not page.js("!!window.vncterm_provided"):
            log("noVNC never sent the clipboard's text")
            return 1
        box = page.js("JSON.stringify(document.querySelector('#screen canvas')"
                      ".getBoundingClientRect())")
        box = json.loads(box)
        x, y = box["left"] + 4, box["top"] + 4
        page.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        page.call("Input.dispatchMouseEvent", type="mousePressed", x=x, y=y, button="middle",
                  buttons=4, clickCount=1)
        page.call("Input.dispatchMouseEvent", type="mouseReleased", x=x, y=y, button="middle",
                  buttons=0, clickCount=1)
        bad = wait_for_canvas(page, want2, width, height, os.path.join(workdir, "got2.rgb"), 10)
        log(f"pasted screen: {bad} pixels differ, {time.monotonic() - t2:.2f} s after pasting")
        return 1 if bad else 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    sys.exit(main())
