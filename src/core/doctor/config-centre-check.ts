import { readTlsBundle, type TlsBundle } from '../credentials/tls-bundle.ts';
import { HUNG, versionStatus } from '../gateway/config-centre-probe.ts';
import { dataPlaneAddress } from '../gateway/dataplane-reach.ts';
import { messageOf } from '../gateway/errors.ts';
import { readInstanceId } from '../gateway/instance-lookup.ts';
import { renderStartupTemplate } from '../gateway/template.ts';
import type { Checker } from './types.ts';

/**
 * The config centre as the gateway reaches it: the control plane's data-plane endpoint passes
 * `/version` to etcd, so a dead etcd shows here (config-centre-down) even while the management API
 * answers and heartbeats go through.
 */
export const configCentreCheck: Checker = {
  id: 'config-centre',
  title: 'Config centre (etcd)',
  async run({ client, home, profile, engine }) {
    if (!client) return { status: 'skip', detail: 'the control plane is not available' };
    const instanceId = readInstanceId(home, profile.name);
    if (!instanceId) return { status: 'skip', detail: 'no gateway launched yet' };
    let bundle: TlsBundle | undefined;
    try {
      bundle = readTlsBundle({ home, profile: profile.name, instanceId })?.bundle;
    } catch {
      bundle = undefined;
    }
    if (!bundle) return { status: 'skip', detail: 'the gateway has no certificate yet' };
    let rendered;
    try {
      const clusterId = profile.clusterId ?? (await client.clusters((await client.me()).org_ids[0] ?? ''))[0]?.id;
      if (!clusterId) return { status: 'skip', detail: 'the control plane lists no cluster' };
      rendered = renderStartupTemplate(await client.startupTemplate(clusterId));
    } catch (err) {
      return { status: 'fail', detail: `could not read the startup template: ${messageOf(err)}`, fix: 'See the control-plane check above.' };
    }
    const address = await dataPlaneAddress(engine, rendered.dataPlaneUrl, process.platform).catch(() => undefined);
    if (!address) return { status: 'warn', detail: `could not work out where ${rendered.dataPlaneUrl} is on this host`, fix: "Check 'gateway-tray engine'." };
    const answer = await versionStatus(address, rendered.sni, bundle, instanceId);
    if (answer === 200) return { status: 'ok', detail: `${rendered.dataPlaneUrl} answers /version with the gateway's certificate` };
    if (answer === HUNG) {
      return { status: 'fail', detail: `config-centre-down: ${rendered.dataPlaneUrl} took the connection but etcd behind it does not answer /version`, fix: profile.kind === 'local' ? "Run 'gateway-tray launch' to restart the local etcd, or 'gateway-tray control-plane status'." : "The control plane's config centre is down; ask its operator." };
    }
    if (answer instanceof Error) {
      return { status: 'fail', detail: `the data-plane endpoint ${rendered.dataPlaneUrl} does not answer (${answer.message})`, fix: profile.kind === 'local' ? "Run 'gateway-tray launch' (it starts the local control plane)." : 'Check the network to the control plane.' };
    }
    if (answer === 401 || answer === 403) {
      return { status: 'fail', detail: `the control plane refused the gateway's certificate (HTTP ${answer})`, fix: "Run 'gateway-tray renew-cert'." };
    }
    return {
      status: 'fail',
      detail: `config-centre-down: the control plane's etcd does not answer (HTTP ${answer} on /version)`,
      fix: profile.kind === 'local' ? "Run 'gateway-tray launch' to restart the local etcd, or 'gateway-tray control-plane status'." : "The control plane's config centre is down; ask its operator.",
    };
  },
};
