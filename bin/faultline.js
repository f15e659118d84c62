#!/usr/bin/env node
// The faultline CLI entry: loads the TypeScript sources through tsx (no build step needed).
import { register } from 'tsx/esm/api';
register();
await import('../app/cli.ts');
