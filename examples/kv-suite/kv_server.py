#!/usr/bin/env python3
"""pykv: a small replicated key-value store over HTTP, the system under test of faultline's
example suite (see README.md beside this file).

One node is the primary; the others are backups. Every request may go to any node:
- GET /kv/K reads K. A backup forwards the read to the primary (its own copy may be behind),
  so every read sees the primary's state: the store is linearizable.
- PUT /kv/K with {"value": V} writes, with {"from": A, "value": B} compares-and-sets. A backup
  forwards it to the primary, which replicates it to the backups and applies it once a majority
  of the nodes (itself included) has it. Without a majority the write fails (503) and the primary
  keeps its state: whether some backups applied it is then unknown to the client.
- POST /replicate applies a write on a backup. GET /health answers "ok".
Each node keeps its state in DATA/state.json (written and fsynced on every change), so a killed
node restarts with it.

--bug local-reads: backups answer reads from their own copy instead of asking the primary. A
backup cut off from the primary then serves stale values, and a write that reached a backup but
failed becomes visible there and nowhere else.
"""

import argparse
import json
import os
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REPLICATE_TIMEOUT_S = 0.5
FORWARD_TIMEOUT_S = 1.5


class Store:
    def __init__(self, data_dir):
        self.path = os.path.join(data_dir, "state.json")
        self.lock = threading.Lock()
        self.kv = {}
        if os.path.exists(self.path):
            with open(self.path) as f:
                self.kv = json.load(f)

    def put(self, key, value):
        self.kv[key] = value
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.kv, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)


def call(peer, method, path, body=None, timeout=FORWARD_TIMEOUT_S):
    """A request to another node: (status, parsed JSON body). Raises OSError when unreachable."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://{peer}{path}", data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def replicate(backups, key, value):
    """Sends a write to every backup at once; returns how many applied it."""
    acks = []

    def one(b):
        try:
            if call(b, "POST", "/replicate", {"key": key, "value": value}, REPLICATE_TIMEOUT_S)[0] == 200:
                acks.append(b)
        except OSError:
            pass

    threads = [threading.Thread(target=one, args=(b,)) for b in backups]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(acks)


def make_handler(args, store, peers):
    primary = peers[args.primary]
    backups = [addr for name, addr in peers.items() if name != args.primary]
    is_primary = args.node == args.primary

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, fmt, *a):  # one line per request would drown the node's log
            pass

        def reply(self, status, body):
            out = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting: it records the op as indefinite

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return json.loads(self.rfile.read(n) or b"null")

        def forward(self, method, body=None):
            try:
                self.reply(*call(primary, method, self.path, body))
            except OSError as e:
                self.reply(503, {"error": f"primary unreachable: {e}"})

        def do_GET(self):
            if self.path == "/health":
                return self.reply(200, "ok")
            if not self.path.startswith("/kv/"):
                return self.reply(404, {"error": "no such path"})
            key = self.path[len("/kv/"):]
            if is_primary or args.bug == "local-reads":
                with store.lock:
                    return self.reply(200, {"value": store.kv.get(key)})
            self.forward("GET")

        def do_PUT(self):
            if not self.path.startswith("/kv/"):
                return self.reply(404, {"error": "no such path"})
            body = self.body()
            if not is_primary:
                return self.forward("PUT", body)
            key = self.path[len("/kv/"):]
            with store.lock:
                if "from" in body and store.kv.get(key) != body["from"]:
                    return self.reply(412, {"error": "cas mismatch", "value": store.kv.get(key)})
                acks = replicate(backups, key, body["value"])
                if 1 + acks <= len(peers) // 2:
                    return self.reply(503, {"error": f"no majority: {acks} of {len(backups)} backups applied it"})
                store.put(key, body["value"])
                self.reply(200, {"value": body["value"]})

        def do_POST(self):
            if self.path != "/replicate":
                return self.reply(404, {"error": "no such path"})
            body = self.body()
            with store.lock:
                store.put(body["key"], body["value"])
            self.reply(200, "ok")

    return Handler


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--node", required=True)
    p.add_argument("--primary", required=True)
    p.add_argument("--peers", required=True, help="n1=host:port,n2=host:port,...")
    p.add_argument("--data", required=True)
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--bug", choices=["local-reads"])
    args = p.parse_args()
    peers = dict(x.split("=", 1) for x in args.peers.split(","))
    os.makedirs(args.data, exist_ok=True)
    server = ThreadingHTTPServer(("0.0.0.0", args.port), make_handler(args, Store(args.data), peers))
    print(f"pykv {args.node} listening on {args.port} (primary {args.primary}, bug {args.bug})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
