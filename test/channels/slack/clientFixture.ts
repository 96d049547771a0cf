/**
 * What the Slack client-level tests (webClient, channelPacer, sharedPace) share: one Web API
 * stand-in for the test file, reset before each test, and a typical answer as the bot posts it.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { FakeSlackApi } from './fakeSlackApi.js';

export const ANSWER = { text: 'Neridronato – dose', blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text: '*Neridronato* 2 mg/kg', verbatim: true as const } }] };

/** The stand-in, started before the file's first test and closed after its last. */
export function slackApiForThisFile(): { readonly api: FakeSlackApi } {
  let api: FakeSlackApi | undefined;
  beforeAll(async () => {
    api = await new FakeSlackApi().start();
  });
  afterAll(async () => {
    await api?.close();
  });
  beforeEach(() => {
    api?.reset();
  });
  return {
    get api(): FakeSlackApi {
      if (!api) throw new Error('the Slack API stand-in is started in beforeAll');
      return api;
    },
  };
}
