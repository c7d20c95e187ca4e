import { usageWords, type GenAiMessage, type GenAiView } from '@aitrace/forest';
import { valueText } from '../model/valueText.js';
import { h, type Child } from './dom.js';
import { foldedText } from './FoldedText.js';

function valueBlock(value: unknown, className: string): HTMLElement {
  return foldedText(valueText(value).text, className);
}

function messageEntry(message: GenAiMessage): HTMLElement {
  const head = h(
    'div',
    { className: 'message-head' },
    h('span', { className: 'message-role', text: message.role }),
    message.output && h('span', { className: 'message-output muted', text: 'answer' }),
    message.finishReason !== undefined && h('span', { className: 'message-finish', text: `finish: ${message.finishReason}` }),
  );
  const calls = message.toolCalls.map((call) =>
    h(
      'div',
      { className: 'tool-call' },
      h(
        'div',
        { className: 'tool-head' },
        h('span', { className: 'tool-label muted', text: 'calls' }),
        h('span', { className: 'tool-name', text: call.name }),
        call.id !== undefined && h('code', { className: 'tool-id', text: call.id }),
      ),
      valueBlock(call.arguments, 'tool-arguments'),
    ),
  );
  const results = message.toolResults.map((result) =>
    h(
      'div',
      { className: 'tool-result' },
      h(
        'div',
        { className: 'tool-head' },
        h('span', { className: 'tool-label muted', text: 'result of' }),
        result.id !== undefined && h('code', { className: 'tool-id', text: result.id }),
      ),
      valueBlock(result.result, 'tool-output'),
    ),
  );
  // A tool message's content is its result; shown once, in the result block.
  const text = message.text !== '' && message.toolResults.length === 0 ? foldedText(message.text, 'message-text') : undefined;
  const empty = text === undefined && calls.length === 0 && results.length === 0;
  return h(
    'li',
    { className: `message role-${message.role.replace(/[^\w-]/g, '_')}${message.output ? ' output' : ''}` },
    head,
    text,
    empty && h('p', { className: 'muted', text: 'no content recorded (message capture may be off)' }),
    ...calls,
    ...results,
  );
}

/** The GenAI facts of a span: operation, provider, models, finish reasons, tokens, conversation, agent, tool. */
export function genAiFacts(view: GenAiView, subtree: string | undefined): Array<[string, Child | undefined]> {
  const models =
    view.requestModel !== undefined && view.responseModel !== undefined && view.requestModel !== view.responseModel
      ? `${view.requestModel} → ${view.responseModel}`
      : view.model;
  const tokens = usageWords(view.usage);
  return [
    ['operation', view.operation],
    ['provider', view.provider],
    ['model', models],
    ['finish', view.finishReasons.length > 0 ? view.finishReasons.join(', ') : undefined],
    ['tokens', tokens !== '' ? h('span', { className: 'genai-tokens', text: tokens }) : undefined],
    ['∑ below', subtree !== undefined ? h('span', { className: 'genai-subtree-tokens', text: subtree }) : undefined],
    ['agent', view.agentName],
    ['conversation', view.conversationId !== undefined ? h('code', { text: view.conversationId }) : undefined],
    ['tool', view.tool?.name],
    ['tool call', view.tool?.callId !== undefined ? h('code', { text: view.tool.callId }) : undefined],
  ];
}

/** The conversation of a GenAI span: each message with its role, text (folded when long), tool calls and results. */
export function conversationPanel(view: GenAiView): HTMLElement | undefined {
  const tool = view.tool;
  const toolBlocks: Child[] =
    tool !== undefined
      ? [
          tool.arguments !== undefined &&
            h(
              'div',
              { className: 'tool-call' },
              h('div', { className: 'tool-head' }, h('span', { className: 'tool-label muted', text: 'arguments' })),
              valueBlock(tool.arguments, 'tool-arguments'),
            ),
          tool.result !== undefined &&
            h(
              'div',
              { className: 'tool-result' },
              h('div', { className: 'tool-head' }, h('span', { className: 'tool-label muted', text: 'result' })),
              valueBlock(tool.result, 'tool-output'),
            ),
        ]
      : [];
  if (view.messages.length === 0 && toolBlocks.every((block) => block === false)) return undefined;
  return h(
    'div',
    { className: 'conversation' },
    view.messages.length > 0 && h('ol', { className: 'messages' }, ...view.messages.map(messageEntry)),
    ...toolBlocks,
  );
}
