#!/usr/bin/env node
import { main } from './main.js';

// Output to a closed pipe (`aitrace tree big.jsonl | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
