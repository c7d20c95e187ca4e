import type { NormalizedRecord } from '@aitrace/format';
import type { SpanNode } from '../types.js';

/** A tool call an assistant message asks for. */
export interface GenAiToolCall {
  id: string | undefined;
  name: string;
  /** The arguments, parsed from JSON text when they are JSON. */
  arguments: unknown;
}

/** A tool's answer, sent back to the model. */
export interface GenAiToolResult {
  id: string | undefined;
  result: unknown;
}

/** One message of a GenAI conversation, whichever convention it was written in. */
export interface GenAiMessage {
  /** `system`, `user`, `assistant`, `tool` (or what the source wrote). */
  role: string;
  /** The text parts joined; empty when the message has only tool calls or content capture was off. */
  text: string;
  toolCalls: GenAiToolCall[];
  toolResults: GenAiToolResult[];
  /** On a model's answer: why it stopped (`stop`, `tool_calls`, `length`). */
  finishReason: string | undefined;
  /** True for the model's answer (output messages, `gen_ai.choice`). */
  output: boolean;
}

/** Token counts of one call or a sum of calls; a count is undefined when no source gave it. */
export interface GenAiUsage {
  input: number | undefined;
  output: number | undefined;
  /** Input tokens read from the provider's prompt cache. */
  cached: number | undefined;
  /** Output tokens spent on reasoning. */
  reasoning: number | undefined;
}

/** What a span means in GenAI terms. */
export interface GenAiView {
  /** `gen_ai.operation.name`: `chat`, `embeddings`, `execute_tool`, `invoke_agent`, `create_agent`... */
  operation: string | undefined;
  /** `gen_ai.provider.name`, else the older `gen_ai.system`. */
  provider: string | undefined;
  requestModel: string | undefined;
  responseModel: string | undefined;
  /** The response model, else the request model. */
  model: string | undefined;
  finishReasons: string[];
  usage: GenAiUsage;
  conversationId: string | undefined;
  /** On `execute_tool` spans: the tool's name, call id, arguments and result. */
  tool: { name: string | undefined; callId: string | undefined; arguments: unknown; result: unknown } | undefined;
  agentName: string | undefined;
  /** System instructions, then input messages, then the model's answer, from attributes, events or logs. */
  messages: GenAiMessage[];
}

const OLD_MESSAGE_EVENTS: Readonly<Record<string, string>> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
  'gen_ai.choice': 'assistant',
};
const DETAILS_EVENT = 'gen_ai.client.inference.operation.details';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** JSON text parsed, other values as they are; text that is not JSON stays text. */
function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function firstNumber(attrs: Record<string, unknown>, keys: readonly string[]): number | undefined {
  for (const key of keys) {
    const value = num(attrs[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

const INPUT_KEYS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.token_count.prompt'];
const OUTPUT_KEYS = ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.token_count.completion'];
const CACHED_KEYS = ['gen_ai.usage.cache_read.input_tokens', 'llm.token_count.prompt_details.cache_read'];
const REASONING_KEYS = ['gen_ai.usage.reasoning.output_tokens', 'llm.token_count.completion_details.reasoning'];
const USAGE_KEYS = [...INPUT_KEYS, ...OUTPUT_KEYS, ...CACHED_KEYS, ...REASONING_KEYS];

/** Token usage from GenAI attributes (current and older names) or OpenInference's `llm.token_count.*`. */
export function usageOf(attrs: Record<string, unknown>): GenAiUsage {
  return {
    input: firstNumber(attrs, INPUT_KEYS),
    output: firstNumber(attrs, OUTPUT_KEYS),
    cached: firstNumber(attrs, CACHED_KEYS),
    reasoning: firstNumber(attrs, REASONING_KEYS),
  };
}

/** True when the attributes hold any token-usage key `usageOf` reads (a quick test before it, allocating nothing). */
export function mayReportUsage(attrs: Record<string, unknown>): boolean {
  for (const key of USAGE_KEYS) if (attrs[key] !== undefined) return true;
  return false;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content.map((part) => (typeof part === 'string' ? part : isObject(part) ? (str(part.text) ?? str(part.content) ?? '') : '')).join('');
  return '';
}

function emptyMessage(role: string, output: boolean): GenAiMessage {
  return { role, text: '', toolCalls: [], toolResults: [], finishReason: undefined, output };
}

/** A message in the current convention: `{role, parts: [{type: text|tool_call|tool_call_response|reasoning, ...}], finish_reason}`. */
function partsMessage(raw: Record<string, unknown>, output: boolean): GenAiMessage {
  const message = emptyMessage(str(raw.role) ?? (output ? 'assistant' : 'user'), output);
  message.finishReason = str(raw.finish_reason);
  const texts: string[] = [];
  for (const part of Array.isArray(raw.parts) ? raw.parts : []) {
    if (!isObject(part)) continue;
    if (part.type === 'tool_call') message.toolCalls.push({ id: str(part.id), name: str(part.name) ?? '?', arguments: parseJson(part.arguments) });
    else if (part.type === 'tool_call_response') message.toolResults.push({ id: str(part.id), result: parseJson(part.response ?? part.result) });
    else if (typeof part.content === 'string') texts.push(part.content);
  }
  if (raw.parts === undefined) texts.push(textOf(raw.content));
  message.text = texts.join('');
  return message;
}

/** Messages from a `gen_ai.input.messages` / `gen_ai.output.messages` value (JSON text or structured). */
function messagesFrom(value: unknown, output: boolean): GenAiMessage[] {
  const parsed = parseJson(value);
  return Array.isArray(parsed) ? parsed.filter(isObject).map((raw) => partsMessage(raw, output)) : [];
}

/** The system instructions (`gen_ai.system_instructions`: parts, JSON text or plain text) as one system message. */
function instructionsFrom(value: unknown): GenAiMessage[] {
  const parsed = parseJson(value);
  if (parsed === undefined || parsed === null) return [];
  const message = emptyMessage('system', false);
  message.text = Array.isArray(parsed)
    ? parsed.map((part) => (isObject(part) ? (str(part.content) ?? '') : typeof part === 'string' ? part : '')).join('')
    : textOf(parsed);
  return message.text === '' ? [] : [message];
}

/** Tool calls in the older OpenAI-shaped form: `[{id, type, function: {name, arguments}}]`. */
function oldToolCalls(value: unknown): GenAiToolCall[] {
  const calls = parseJson(value);
  if (!Array.isArray(calls)) return [];
  return calls.filter(isObject).map((call) => {
    const fn = isObject(call.function) ? call.function : call;
    return { id: str(call.id), name: str(fn.name) ?? '?', arguments: parseJson(fn.arguments) };
  });
}

/** The model a span's attributes name: the response model, else the request model (GenAI or OpenInference). */
export function modelOf(attrs: Record<string, unknown>): string | undefined {
  return str(attrs['gen_ai.response.model']) ?? str(attrs['gen_ai.request.model']) ?? str(attrs['llm.model_name']);
}

/** Every model a span's attributes name (response, request, OpenInference), without repeats: what a `model` filter matches. */
export function modelsOf(attrs: Record<string, unknown>): string[] {
  const models: string[] = [];
  for (const key of ['gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name']) {
    const model = str(attrs[key]);
    if (model !== undefined && !models.includes(model)) models.push(model);
  }
  return models;
}

/** The conversation (`gen_ai.conversation.id`) a span belongs to. */
export function conversationIdOf(attrs: Record<string, unknown>): string | undefined {
  return str(attrs['gen_ai.conversation.id']);
}

/** The event name of a span event or log: the record's event, else its `event.name` attribute. */
export function genAiEventName(record: NormalizedRecord): string {
  return OLD_MESSAGE_EVENTS[record.event] !== undefined || record.event === DETAILS_EVENT ? record.event : (str(record.attrs['event.name']) ?? record.event);
}

/** A message from an older per-message event (`gen_ai.user.message`, `gen_ai.choice`...); its fields are in the body or the attributes. */
function oldEventMessage(event: string, record: NormalizedRecord): GenAiMessage {
  const body = isObject(record.attrs.body) ? record.attrs.body : record.attrs;
  const choice = event === 'gen_ai.choice';
  const inner = choice && isObject(body.message) ? body.message : body;
  const message = emptyMessage(str(inner.role) ?? OLD_MESSAGE_EVENTS[event] ?? 'user', choice);
  message.text = textOf(inner.content);
  message.toolCalls = oldToolCalls(inner.tool_calls);
  if (event === 'gen_ai.tool.message') message.toolResults.push({ id: str(body.id) ?? str(body.tool_call_id), result: parseJson(inner.content) });
  if (choice) message.finishReason = str(body.finish_reason);
  return message;
}

function conversationOf(attrs: Record<string, unknown>, records: readonly NormalizedRecord[]): GenAiMessage[] {
  const fromAttrs = [
    ...instructionsFrom(attrs['gen_ai.system_instructions']),
    ...messagesFrom(attrs['gen_ai.input.messages'], false),
    ...messagesFrom(attrs['gen_ai.output.messages'], true),
  ];
  if (fromAttrs.length > 0) return fromAttrs;
  const messages: GenAiMessage[] = [];
  for (const record of records) {
    const event = genAiEventName(record);
    if (event === DETAILS_EVENT) {
      messages.push(
        ...instructionsFrom(record.attrs['gen_ai.system_instructions']),
        ...messagesFrom(record.attrs['gen_ai.input.messages'], false),
        ...messagesFrom(record.attrs['gen_ai.output.messages'], true),
      );
    } else if (OLD_MESSAGE_EVENTS[event] !== undefined) messages.push(oldEventMessage(event, record));
  }
  return messages;
}

function stringList(value: unknown): string[] {
  const parsed = parseJson(value);
  if (Array.isArray(parsed)) return parsed.filter((item): item is string => typeof item === 'string');
  return typeof parsed === 'string' && parsed !== '' ? [parsed] : [];
}

/** True when a span carries GenAI or OpenInference attributes, or GenAI message events or logs. */
export function isGenAiSpan(span: SpanNode): boolean {
  for (const key in span.attrs) if (key.startsWith('gen_ai.') || key.startsWith('llm.')) return true;
  return span.events.some((r) => genAiEventName(r).startsWith('gen_ai.')) || span.logs.some((r) => genAiEventName(r).startsWith('gen_ai.'));
}

/** The GenAI view of a span (operation, model, tokens, conversation), or undefined for a span that is not GenAI. */
export function genAiView(span: SpanNode): GenAiView | undefined {
  if (!isGenAiSpan(span)) return undefined;
  const attrs = span.attrs;
  const records = [...span.events, ...span.logs].sort((a, b) => a.timeUs - b.timeUs);
  const requestModel = str(attrs['gen_ai.request.model']) ?? str(attrs['llm.model_name']);
  const responseModel = str(attrs['gen_ai.response.model']);
  const operation = str(attrs['gen_ai.operation.name']);
  const toolName = str(attrs['gen_ai.tool.name']);
  return {
    operation,
    provider: str(attrs['gen_ai.provider.name']) ?? str(attrs['gen_ai.system']) ?? str(attrs['llm.provider']),
    requestModel,
    responseModel,
    model: modelOf(attrs),
    finishReasons: stringList(attrs['gen_ai.response.finish_reasons']),
    usage: usageOf(attrs),
    conversationId: conversationIdOf(attrs),
    tool:
      operation === 'execute_tool' || toolName !== undefined
        ? {
            name: toolName,
            callId: str(attrs['gen_ai.tool.call.id']),
            arguments: parseJson(attrs['gen_ai.tool.call.arguments']),
            result: parseJson(attrs['gen_ai.tool.call.result']),
          }
        : undefined,
    agentName: str(attrs['gen_ai.agent.name']),
    messages: conversationOf(attrs, records),
  };
}
