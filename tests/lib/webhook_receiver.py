#!/usr/bin/env python3
"""A webhook receiver for the tests, as an agency's system would be: HTTPS on 127.0.0.1 with a
certificate the test made, one path per agency (/hook/CODE). It checks each delivery's signature
with the agency's secret, drops a second delivery of an event by its id, and behaves as the file
DIR/mode-CODE says, read at every request: "ok" (200, the default), "fail" (500), "slow" (200
after half a second), "redirect" (302 to /hook/elsewhere), "big" (200 with a body of up to 64 MiB; how much
of it went out before the client hung up is logged in DIR/big) or "hang" (keeps the delivery,
then answers nothing for a minute). Every request is a line of DIR/log.jsonl.

    webhook_receiver.py DIR CERT KEY     (DIR/secret-CODE holds each agency's secret; the port
                                          chosen is written to DIR/port; DIR/port.want asks for one)
"""
import hashlib
import hmac
import json
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR, CERT, KEY = sys.argv[1:4]
seen = set()
answering = set()
lock = threading.Lock()


def read(name, default=""):
    try:
        with open(os.path.join(DIR, name)) as f:
            return f.read().strip()
    except FileNotFoundError:
        return default


class Hook(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        agency = self.path.rsplit("/", 1)[-1]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        ts = self.headers.get("X-Lapor-Timestamp", "")
        given = self.headers.get("X-Lapor-Signature", "")
        want = "sha256=" + hmac.new(read("secret-" + agency).encode(), ts.encode() + b"." + body,
                                    hashlib.sha256).hexdigest()
        event = self.headers.get("X-Lapor-Event-Id", "")
        mode = read("mode-" + agency, "ok")
        with lock:
            dup = event in seen
            if mode != "fail":
                seen.add(event)
            # A second request for an event whose first is still being answered: the event
            # was in flight twice. (A hung request is never answered, so it does not count.)
            overlap = event in answering
            if mode != "hang":
                answering.add(event)
        entry = {"agency": agency, "event_id": event, "mode": mode, "duplicate": dup, "overlap": overlap,
                 "signature_ok": hmac.compare_digest(given, want),
                 "age_s": abs(time.time() - int(ts or 0)), "body": body.decode()}
        with lock, open(os.path.join(DIR, "log.jsonl"), "a") as f:
            f.write(json.dumps(entry) + "\n")
        if mode == "hang":
            time.sleep(60)
            return
        if mode == "slow":
            time.sleep(0.5)
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "/hook/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "big":
            self.send_big()
            return
        self.send_response(500 if mode == "fail" else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"no" if mode == "fail" else b"ok")
        self.wfile.flush()
        with lock:
            answering.discard(event)

    def send_big(self):
        self.send_response(200)
        self.send_header("Content-Length", str(64 << 20))
        self.end_headers()
        sent = 0
        try:
            while sent < 64 << 20:
                self.wfile.write(b"x" * 65536)
                sent += 65536
        except OSError:
            pass
        with open(os.path.join(DIR, "big"), "w") as f:
            f.write(str(sent))


server = ThreadingHTTPServer(("127.0.0.1", int(read("port.want", "0"))), Hook)
server.daemon_threads = True
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(os.path.join(DIR, "port.tmp"), "w") as f:
    f.write(str(server.server_address[1]))
os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
server.serve_forever()
