/** Reading a password: from a pipe (first line), or typed at a terminal without echo. */
import { userInfo } from 'node:os';
import type { AuditContext } from '../services/audit.ts';

/** Reads a secret from stdin. */
export async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          reject(new Error('cancelado'));
          return;
        }
        if (ch === '\u007f') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** How CLI actions appear in the audit log. */
export function cliAuditContext(): AuditContext {
  let user = 'desconocido';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep the placeholder
  }
  return { actor: `cli:${user}`, role: null, ip: null, requestId: null };
}
