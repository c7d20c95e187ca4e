#!/usr/bin/env node
// Committed launcher, so package managers can link the `aitrace` command before the TypeScript build exists.
import '../dist/bin.js';
