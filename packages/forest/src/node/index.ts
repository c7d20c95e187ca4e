export { followFile, type FollowEvent, type FollowOptions } from './followFile.js';
export { readTraceFile, type ReadTraceFileOptions } from './readTraceFile.js';
