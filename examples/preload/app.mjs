// A plain Node HTTP app with no tracing code: run it with `node --import @aitrace/otel/register app.mjs`.
import http from 'node:http';

const server = http.createServer((req, res) => {
  if (req.url === '/slow') {
    setTimeout(() => res.end('done slowly'), 50);
    return;
  }
  res.end(`hello from ${req.url}`);
});

server.listen(0, '127.0.0.1', async () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  for (const path of ['/', '/slow', '/missing']) {
    const response = await fetch(base + path);
    console.log(`${path} -> ${response.status} ${await response.text()}`);
  }
  server.close();
  console.log(`trace written to ${process.env.AITRACE_OUTPUT || 'stdout'}`);
});
