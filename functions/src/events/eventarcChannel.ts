import { getApps, initializeApp, type App, type Credential } from 'firebase-admin/app';
import { getEventarc } from 'firebase-admin/eventarc';
import type { PublishPort } from './eventPublisher.js';

/**
 * The publish port over an Eventarc channel (firebase-admin's
 * `getEventarc().channel(name).publish`): `name` is EVENTARC_CHANNEL, a
 * channel id (`firebase`: us-central1 of the runtime's project), a
 * `locations/<region>/channels/<id>` or a full `projects/...` name. In the
 * emulator the SDK sends to CLOUD_EVENTARC_EMULATOR_HOST, which the Functions
 * emulator sets when the Eventarc emulator runs. The channel is made on first
 * use, so an instance that publishes nothing never builds one.
 */
export function eventarcChannel(app: App, name: string): PublishPort {
  let channel: ReturnType<ReturnType<typeof getEventarc>['channel']> | undefined;
  return (event) => {
    channel ??= getEventarc(publishingApp(app)).channel(name);
    return channel.publish({ ...event });
  };
}

/** Name of the app that publishes to the Eventarc emulator. */
const EMULATOR_APP = 'eventarc-emulator';

/**
 * A token for the Eventarc emulator, which checks none. The SDK asks the app's
 * credential for a token before every publish, even to the emulator, and an
 * emulator run offline has no credential to ask (the publish would fail).
 */
const emulatorCredential: Credential = {
  getAccessToken: () => Promise.resolve({ access_token: 'emulator', expires_in: 3600 }),
};

/**
 * The app the channel publishes with: the runtime's (its service account)
 * unless the Functions emulator pointed the SDK at the Eventarc emulator, then
 * a copy of it with the emulator's token.
 */
function publishingApp(app: App): App {
  if (!process.env.CLOUD_EVENTARC_EMULATOR_HOST) return app;
  const existing = getApps().find((a) => a.name === EMULATOR_APP);
  return existing ?? initializeApp({ ...app.options, credential: emulatorCredential }, EMULATOR_APP);
}
