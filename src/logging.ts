/**
 * Structured logs (pino). Logs never carry message text or patient codes unless LOG_LEVEL=debug:
 * callers log ids, kinds and timings, and put anything a user typed under `debug` only.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'pdta-assistant' },
    redact: { paths: ['text', 'message', 'patientCode', '*.text', '*.message', '*.patientCode'], censor: '[redacted]' },
  });
}
