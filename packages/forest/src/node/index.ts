export { FileFollower, type FileFollowerOptions, type FollowEvent } from './FileFollower.js';
export { systemClock, type FollowClock } from './FollowClock.js';
export { followFile, type FollowLook, type FollowOptions } from './followFile.js';
export { readTraceFile, type ReadTraceFileOptions } from './readTraceFile.js';
export { fileIdentity, HEAD_BYTES, TailedFile, type FilePosition, type TailedFileOptions, type TailRead } from './TailedFile.js';
