import type { App } from 'firebase-admin/app';
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
    channel ??= getEventarc(app).channel(name);
    return channel.publish({ ...event });
  };
}
