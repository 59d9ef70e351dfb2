/**
 * Language models that may write a summary (issue 14, docs/text.md#resúmenes): a local GGUF file
 * through node-llama-cpp (VIGIA_LLM_MODEL_PATH, loaded on first use) or an OpenAI-compatible HTTP
 * endpoint through the `openai` package (VIGIA_LLM_URL: OpenAI, Ollama, vLLM, a llama.cpp server).
 * A model that cannot answer (unreachable, too slow, an error, an empty reply) throws
 * {@link ModelUnavailable} with a Spanish reason; the caller then writes with the built-in method.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { LlmSettings } from '../config/env.ts';
import { ConfigError } from '../core/errors.ts';
import type { Prompt } from '../text/summarize.ts';

/** Who writes: `incorporado`, `openai:<model>` or `llama:<file>`. */
export function generatorName(s: LlmSettings): string {
  if (s.modelPath) return `llama:${basename(s.modelPath)}`;
  if (s.url && s.model) return `openai:${s.model}`;
  return 'incorporado';
}

/** The model could not write: why, in Spanish. */
export class ModelUnavailable extends Error {}

/** What a model wrote. */
export interface ModelReply {
  text: string;
  generator: string;
  /** What the endpoint reports of the model that answered (name, fingerprint), if anything. */
  modelVersion: string | null;
}

/**
 * Asks the configured model. Null when none is configured.
 * @throws ConfigError when VIGIA_LLM_MODEL_PATH names no file (a setting to fix, not a fallback)
 * @throws ModelUnavailable when the model does not answer usefully
 */
export async function askModel(s: LlmSettings, prompt: Prompt): Promise<ModelReply | null> {
  if (s.modelPath) return askLocal(s, prompt);
  if (s.url && s.model) return askEndpoint(s, prompt);
  return null;
}

async function askEndpoint(s: LlmSettings, prompt: Prompt): Promise<ModelReply> {
  const { default: OpenAI, APIConnectionTimeoutError, APIConnectionError, APIError } = await import('openai');
  const client = new OpenAI({
    baseURL: s.url,
    // Local servers (Ollama, vLLM, llama.cpp) take any key; the client insists on one.
    apiKey: s.apiKey ?? 'sin-clave',
    timeout: s.timeoutMs,
    maxRetries: 0,
  });
  const generator = generatorName(s);
  try {
    const r = await client.chat.completions.create({
      model: s.model as string,
      temperature: 0,
      messages: [
        { role: 'system', content: prompt.system },
        { role: 'user', content: prompt.user },
      ],
    });
    const text = r.choices[0]?.message?.content?.trim() ?? '';
    if (text === '') throw new ModelUnavailable(`${generator}: respuesta vacía`);
    const version = [r.model, r.system_fingerprint].filter(Boolean).join(' / ');
    return { text, generator, modelVersion: version || null };
  } catch (err) {
    if (err instanceof ModelUnavailable) throw err;
    if (err instanceof APIConnectionTimeoutError)
      throw new ModelUnavailable(`${generator}: sin respuesta en ${s.timeoutMs} ms`);
    if (err instanceof APIConnectionError)
      throw new ModelUnavailable(`${generator}: no se pudo conectar con el servicio del modelo`);
    if (err instanceof APIError)
      throw new ModelUnavailable(`${generator}: el servicio respondió con error ${err.status ?? ''}`.trim());
    throw new ModelUnavailable(`${generator}: ${(err as Error).message.slice(0, 200)}`);
  }
}

async function askLocal(s: LlmSettings, prompt: Prompt): Promise<ModelReply> {
  const path = s.modelPath as string;
  if (!existsSync(path))
    throw new ConfigError([
      `VIGIA_LLM_MODEL_PATH: no existe el archivo del modelo "${path}" (un archivo .gguf)`,
    ]);
  const generator = generatorName(s);
  let timer: NodeJS.Timeout | undefined;
  try {
    const work = (async () => {
      const { getLlama, LlamaChatSession } = await import('node-llama-cpp');
      const llama = await getLlama();
      const model = await llama.loadModel({ modelPath: path });
      const context = await model.createContext();
      try {
        const session = new LlamaChatSession({
          contextSequence: context.getSequence(),
          systemPrompt: prompt.system,
        });
        return await session.prompt(prompt.user, { temperature: 0 });
      } finally {
        await context.dispose();
        await model.dispose();
      }
    })();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ModelUnavailable(`${generator}: sin respuesta en ${s.timeoutMs} ms`)),
        s.timeoutMs,
      );
    });
    const text = (await Promise.race([work, timeout])).trim();
    if (text === '') throw new ModelUnavailable(`${generator}: respuesta vacía`);
    return { text, generator, modelVersion: basename(path) };
  } catch (err) {
    if (err instanceof ModelUnavailable) throw err;
    throw new ModelUnavailable(`${generator}: ${(err as Error).message.slice(0, 200)}`);
  } finally {
    clearTimeout(timer);
  }
}
