/**
 * The one place that sets up TensorFlow.js: the WebAssembly backend (`@tensorflow/tfjs-backend-wasm`,
 * SIMD, one thread: tfjs disables its threaded wasm build under Node, tensorflow/tfjs#3830), or the
 * pure-JavaScript `cpu` backend when wasm cannot initialise, with the reason logged. Every learner
 * awaits `tfReady()` before touching a tensor (it also loads the library); the backend is chosen
 * once per process.
 */

import type * as TF from '@tensorflow/tfjs';

/**
 * TensorFlow.js, loaded by the first `tfReady()` (about half a second of start-up that commands
 * without a neural network do not pay): undefined before it resolves.
 */
export let tf: typeof TF;

/** Which backend runs the tensors, and why it is not wasm if it is not. */
export interface TfBackendInfo {
  readonly backend: 'wasm' | 'cpu';
  /** Threads of the wasm backend (1 under Node); 1 for cpu. */
  readonly threads: number;
  /** Why wasm was not used (only for `cpu`). */
  readonly fallbackReason?: string;
}

let ready: Promise<TfBackendInfo> | null = null;

/**
 * Sets the backend once (later calls return the same answer). `log` receives the reason when wasm
 * fails and `cpu` is used instead (default: console.warn).
 */
export function tfReady(log: (message: string) => void = (m) => console.warn(m)): Promise<TfBackendInfo> {
  ready ??= (async (): Promise<TfBackendInfo> => {
    tf = await import('@tensorflow/tfjs');
    // Importing the wasm backend registers it with tfjs.
    const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
    let reason: string;
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return { backend: 'wasm', threads: getThreadsCount() };
      }
      reason = 'setBackend("wasm") devolvió false';
    } catch (e) {
      reason = e instanceof Error ? e.message : String(e);
    }
    log(`TensorFlow.js: no se pudo iniciar el backend wasm (${reason}); se usa "cpu", más lento`);
    await tf.setBackend('cpu');
    await tf.ready();
    return { backend: 'cpu', threads: 1, fallbackReason: reason };
  })();
  return ready;
}
