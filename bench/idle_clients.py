#!/usr/bin/env python3
"""Opens N idle connections of one technique to a PushLab server on 127.0.0.1 and holds them
until stdin closes: SSE streams (GET /api/rooms/{room}/events) or WebSocket chat connections
(handshake on /ws/chat, then a masked join frame). Prints "ready <n>" once every connection has
its response headers (SSE) or its 101 and history frame (WebSocket). Used by bench/idle-memory.sh."""
import base64, os, selectors, socket, struct, sys, time

port, technique, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
room = sys.argv[4] if len(sys.argv) > 4 else "idle"
sel = selectors.DefaultSelector()
pending = {}

def frame(text):
    data = text.encode()
    mask = os.urandom(4)
    head = bytes([0x81])
    if len(data) < 126:
        head += bytes([0x80 | len(data)])
    else:
        head += bytes([0x80 | 126]) + struct.pack(">H", len(data))
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))

socks = []
for i in range(count):
    s = socket.create_connection(("127.0.0.1", port))
    if technique == "sse":
        req = f"GET /api/rooms/{room}/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
    else:
        key = base64.b64encode(os.urandom(16)).decode()
        req = (f"GET /ws/chat?user=idle{i} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Origin: http://127.0.0.1:{port}\r\n\r\n")
    s.sendall(req.encode())
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    pending[s] = b""
    socks.append(s)
    # keep the handshakes in flight bounded
    while len(pending) > 200:
        for key, _ in sel.select(5):
            sk = key.fileobj
            pending[sk] += sk.recv(65536)
            buf = pending[sk]
            if technique == "sse" and b"\r\n\r\n" in buf:
                sel.unregister(sk); del pending[sk]
            elif technique == "websocket" and b"\r\n\r\n" in buf:
                if not buf.startswith(b"HTTP/1.1 101"):
                    sys.exit("handshake refused: " + buf[:200].decode(errors="replace"))
                sk.setblocking(True); sk.sendall(frame('{"type":"join","room":"%s"}' % room)); sk.setblocking(False)
                sel.unregister(sk); del pending[sk]
deadline = time.time() + 120
while pending and time.time() < deadline:
    for key, _ in sel.select(5):
        sk = key.fileobj
        pending[sk] += sk.recv(65536)
        buf = pending[sk]
        if b"\r\n\r\n" in buf:
            if technique == "websocket":
                if not buf.startswith(b"HTTP/1.1 101"):
                    sys.exit("handshake refused: " + buf[:200].decode(errors="replace"))
                sk.setblocking(True); sk.sendall(frame('{"type":"join","room":"%s"}' % room)); sk.setblocking(False)
            sel.unregister(sk); del pending[sk]
if pending:
    sys.exit(f"{len(pending)} connections did not open")
print("ready", len(socks), flush=True)
sys.stdin.read()
