/**
 * Slack's request signature, v0 (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 * HMAC-SHA256 of "v0:<timestamp>:<raw body>" with the app's signing secret. The receiver's guard
 * (httpRoute.ts) verifies with `isSlackSignatureValid`; the signing side is for the tests and the
 * benchmark that play Slack's part. The known-answer test pins both to Slack's documented example.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function slackSignature(signingSecret: string, timestampSec: number, rawBody: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest('hex')}`;
}

/** The headers Slack sends with a signed request. */
export function slackSignedHeaders(signingSecret: string, rawBody: string, contentType: string, timestampSec = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestampSec),
    'x-slack-signature': slackSignature(signingSecret, timestampSec, rawBody),
  };
}

const SIGNATURE = /^v0=([0-9a-f]{64})$/;

/**
 * Whether `signature` (the X-Slack-Signature header) signs `rawBody` at `timestampSec` with the
 * secret. Compared in constant time, as Bolt's own check does, but with one HMAC instead of three
 * (Bolt's tsscmp hashes both sides again to compare them).
 */
export function isSlackSignatureValid(signingSecret: string, timestampSec: number, rawBody: string, signature: string): boolean {
  const given = SIGNATURE.exec(signature);
  if (!given || !Number.isSafeInteger(timestampSec)) return false;
  const expected = createHmac('sha256', signingSecret).update(`v0:${timestampSec}:${rawBody}`).digest();
  return timingSafeEqual(expected, Buffer.from(given[1]!, 'hex'));
}
