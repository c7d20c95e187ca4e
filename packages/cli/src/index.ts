export { COMMANDS, type Command } from './commands/index.js';
export { main, mainHelp } from './main.js';
export { createStyle, formatDuration, keyAttributes, renderForest, spanLine, traceHeader, type RenderOptions, type Style } from '@aitrace/mcp';
