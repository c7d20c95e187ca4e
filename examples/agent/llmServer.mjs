// A local OpenAI-compatible chat completions server with a scripted model, so the agent runs with no network and
// no key: the first answer asks for tools, the answer after the tool results is text. Streaming (SSE, with a
// usage chunk when asked) and usage in every answer, as the real API does.
import { createServer } from 'node:http';

/** Rough token count: words and punctuation, enough to give real-looking, reproducible usage numbers. */
function tokens(text) {
  return (String(text ?? '').match(/\w+|[^\s\w]/g) ?? []).length;
}

function promptTokens(messages) {
  return messages.reduce(
    (sum, message) =>
      sum +
      4 +
      tokens(typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '')) +
      tokens(JSON.stringify(message.tool_calls ?? '')),
    0,
  );
}

/** The scripted model: tool calls for the topics in the question first, then an answer built from the tool results. */
function reply(messages) {
  const last = messages.at(-1);
  if (last?.role === 'user') {
    const topics = [...String(last.content).matchAll(/\[(\w+)\]/g)].map((match) => match[1]);
    return {
      content: null,
      tool_calls: topics.map((topic, i) => ({
        id: `call_${i + 1}`,
        type: 'function',
        function: { name: 'search_docs', arguments: JSON.stringify({ topic }) },
      })),
      finish_reason: 'tool_calls',
    };
  }
  const found = messages.filter((m) => m.role === 'tool' && !String(m.content).startsWith('error:')).map((m) => m.content);
  const failed = messages.filter((m) => m.role === 'tool' && String(m.content).startsWith('error:')).length;
  return { content: `${found.join(' ')}${failed > 0 ? ` (${failed} topic could not be looked up.)` : ''}`, tool_calls: undefined, finish_reason: 'stop' };
}

function usage(messages, answer) {
  const prompt = promptTokens(messages);
  const completion = tokens(answer.content) + tokens(JSON.stringify(answer.tool_calls ?? ''));
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, prompt_tokens_details: { cached_tokens: 0 } };
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function stream(res, base, answer, withUsage) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const chunk = (delta, finish, extra = {}) =>
    res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`);
  chunk({ role: 'assistant', content: '' }, null);
  if (answer.content) for (const piece of answer.content.match(/\S+\s*/g) ?? []) chunk({ content: piece }, null);
  answer.tool_calls?.forEach((call, index) => chunk({ tool_calls: [{ index, ...call }] }, null));
  chunk({}, answer.finish_reason);
  if (withUsage) res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: answer.usage })}\n\n`);
  res.end('data: [DONE]\n\n');
}

/** Starts the server on 127.0.0.1, any free port; resolves to `{ baseURL, close }`. */
export async function startLlmServer() {
  let sequence = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
        return send(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      let request;
      try {
        request = JSON.parse(body);
      } catch {
        return send(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
      }
      const answer = reply(request.messages ?? []);
      answer.usage = usage(request.messages ?? [], answer);
      const base = {
        id: `chatcmpl-local-${++sequence}`,
        created: Math.floor(Date.now() / 1000),
        model: `${request.model}-local`,
        system_fingerprint: 'fp_local',
      };
      if (request.stream) return stream(res, base, answer, request.stream_options?.include_usage === true);
      const message = { role: 'assistant', content: answer.content, ...(answer.tool_calls ? { tool_calls: answer.tool_calls } : {}) };
      send(res, 200, { ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: answer.finish_reason }], usage: answer.usage });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseURL: `http://127.0.0.1:${server.address().port}/v1`, close: () => new Promise((resolve) => server.close(resolve)) };
}
