// Entry of a sweep worker thread: loader hooks are per thread, so register tsx here first, then
// load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker.ts');
