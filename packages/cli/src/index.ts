export { COMMANDS, type Command } from './commands/index.js';
export { main, mainHelp } from './main.js';
export { formatDuration, keyAttributes, renderForest, spanLine, traceHeader, type RenderOptions } from './renderTree.js';
export { createStyle, type Style } from './style.js';
