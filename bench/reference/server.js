// A reference push server for the load lab: the same wire contract as PushLab for what the
// load lab uses (POST a message, SSE stream, WebSocket join + chat frames), written in a few
// lines of Node on the `ws` package, so a benchmark can report PushLab's figures as a ratio to
// it on the same machine, in the same session, with the same clients.
//
//   npm install --no-save ws@8 && taskset -c 0 node server.js 18090
'use strict';
const http = require('http');
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2] || 18090);
const rooms = new Map(); // name -> { lastId, sse: Set<res>, ws: Set<socket> }

function room(name) {
  let r = rooms.get(name);
  if (!r) {
    r = { lastId: 0, sse: new Set(), ws: new Set() };
    rooms.set(name, r);
  }
  return r;
}

function publish(name, body) {
  const r = room(name);
  const message = { id: ++r.lastId, room: name, from: body.from, text: body.text, nonce: body.nonce ?? null,
    sentAt: Date.now() };
  const json = JSON.stringify(message);
  const sse = Buffer.from(`id: ${message.id}\nevent: message\ndata: ${json}\n\n`);
  for (const res of r.sse) res.write(sse);
  const frame = `{"type":"chat",${json.slice(1)}`;
  for (const socket of r.ws) socket.send(frame);
  return json;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const parts = url.pathname.split('/'); // ['', 'api', 'rooms', room, what]
  if (parts[1] === 'api' && parts[2] === 'rooms' && parts[4] === 'messages' && req.method === 'POST') {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const json = publish(parts[3], JSON.parse(body));
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(json);
    });
    return;
  }
  if (parts[1] === 'api' && parts[2] === 'rooms' && parts[4] === 'events' && req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.write('retry: 3000\n\n');
    const r = room(parts[3]);
    r.sse.add(res);
    req.on('close', () => r.sse.delete(res));
    return;
  }
  res.writeHead(404, { 'Content-Type': 'application/problem+json' });
  res.end('{"status":404}');
});

const wss = new WebSocketServer({ server, path: '/ws/chat' });
wss.on('connection', (socket) => {
  const joined = new Set();
  socket.on('message', (data) => {
    const frame = JSON.parse(data);
    if (frame.type === 'join') {
      const r = room(frame.room);
      r.ws.add(socket);
      joined.add(r);
      socket.send(JSON.stringify({ type: 'history', room: frame.room, messages: [] }));
    }
  });
  socket.on('close', () => joined.forEach((r) => r.ws.delete(socket)));
});

server.listen(port, '127.0.0.1', () => console.log(`reference server on http://127.0.0.1:${port}`));
