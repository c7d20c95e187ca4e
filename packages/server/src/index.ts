export { SqliteTraceStore } from './store/SqliteTraceStore.js';
