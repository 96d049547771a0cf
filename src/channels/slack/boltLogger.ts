/**
 * Bolt, the Web API client and the Socket Mode client log through @slack/logger's interface; this
 * sends their lines to our pino logger. Their debug lines can hold request bodies (message text),
 * so they stay at debug, where LOG_LEVEL=debug alone shows them.
 */
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../logging.js';

function line(parts: unknown[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
}

export function boltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'slack' });
  return {
    // Formatting is skipped when the level is off: Bolt calls debug() several times per event.
    debug: (...msg: unknown[]) => {
      if (log.isLevelEnabled('debug')) log.debug(line(msg));
    },
    info: (...msg: unknown[]) => {
      if (log.isLevelEnabled('info')) log.info(line(msg));
    },
    warn: (...msg: unknown[]) => log.warn(line(msg)),
    error: (...msg: unknown[]) => log.error(line(msg)),
    setLevel: () => undefined,
    getLevel: () => {
      if (log.isLevelEnabled('debug')) return LogLevel.DEBUG;
      if (log.isLevelEnabled('info')) return LogLevel.INFO;
      if (log.isLevelEnabled('warn')) return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: () => undefined,
  };
}
