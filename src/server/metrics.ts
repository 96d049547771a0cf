/**
 * Prometheus metrics (prom-client), served at GET /metrics. The metric objects are exported so that
 * every part of the process counts into the same registry: the server counts turns, latency and
 * errors; the reminders dispatcher increments `remindersSentTotal`.
 *
 * One registry per process, not prom-client's global one, so that importing a library that also
 * uses prom-client cannot clash with our names. Labels are bounded sets (channel names, reply
 * kinds, error kinds, route paths): never a conversation id or anything a user typed.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ReplyKind } from '../reply/model.js';
import type { ChannelName } from '../core/turn.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const turnsTotal = new Counter<'channel' | 'kind'>({
  name: 'pdta_turns_total',
  help: 'Replies produced, by channel and reply kind (one turn may produce several replies).',
  labelNames: ['channel', 'kind'],
  registers: [registry],
});

export const turnDuration = new Histogram<'channel'>({
  name: 'pdta_turn_duration_seconds',
  help: 'Time to handle one turn (message or button click) in the conversation service, by channel.',
  labelNames: ['channel'],
  // Answers are computed in about a millisecond; the tail is the store and the per-conversation queue.
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const turnsInFlight = new Gauge({
  name: 'pdta_turns_in_flight',
  help: 'Turns being handled now (what a graceful shutdown waits for).',
  registers: [registry],
});

/**
 * What went wrong, by kind. Known kinds: turn_failed (the conversation service threw),
 * render_failed (a renderer threw), request_failed (an HTTP handler threw: 500), bad_request
 * (a client sent something invalid: 4xx), unavailable (refused while shutting down), overloaded
 * (refused past MAX_TURNS_IN_FLIGHT: 503 with Retry-After); channels add
 * their own (e.g. slack_api, teams_send, reminder_send).
 */
export const ERROR_KINDS = [
  'turn_failed',
  'render_failed',
  'request_failed',
  'bad_request',
  'unavailable',
  'overloaded',
  'slack_api',
  'teams_send',
  'reminder_send',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const errorsTotal = new Counter<'kind'>({
  name: 'pdta_errors_total',
  help: 'Errors, by kind (turn_failed, render_failed, request_failed, bad_request, unavailable, overloaded, and per-channel kinds).',
  labelNames: ['kind'],
  registers: [registry],
});

// Every known kind starts at 0, so that a dashboard's rate() sees the first error (a series that
// appears already at 1 has no increase to measure).
for (const kind of ERROR_KINDS) errorsTotal.inc({ kind }, 0);

/** Incremented by the follow-up reminders dispatcher, once per reminder delivered. */
export const remindersSentTotal = new Counter<'channel'>({
  name: 'pdta_reminders_sent_total',
  help: 'Follow-up reminders delivered, by channel.',
  labelNames: ['channel'],
  registers: [registry],
});

export const httpRequestsTotal = new Counter<'route' | 'method' | 'status'>({
  name: 'pdta_http_requests_total',
  help: 'HTTP requests, by matched route (or "unmatched"), method and status code.',
  labelNames: ['route', 'method', 'status'],
  registers: [registry],
});

export function countError(kind: ErrorKind): void {
  errorsTotal.inc({ kind });
}

export function countTurn(channel: ChannelName, kinds: readonly ReplyKind[], seconds: number): void {
  turnDuration.observe({ channel }, seconds);
  for (const kind of kinds) turnsTotal.inc({ channel, kind });
}
