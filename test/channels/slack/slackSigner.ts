/**
 * Slack's side of the request signature, v0 (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 * HMAC-SHA256 of "v0:<timestamp>:<raw body>" with the app's signing secret. Only the tests and the
 * benchmark sign, playing Slack's part; the server verifies with Bolt's own check. The known-answer
 * test pins this signer to Slack's documented example.
 */
import { createHmac } from 'node:crypto';

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
