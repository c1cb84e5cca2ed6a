import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAppService } from '../../core/app/app-service.ts';
import { gatewayTrayHome } from '../../core/config/home.ts';
import { ProfileError, ProfileStore } from '../../core/credentials/profile-store.ts';
import { startUiServer } from '../../web/serve-ui.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { parseEtcdImage, parseEtcdUrl } from '../etcd-flag.ts';
import { parseFlags } from '../flags.ts';

const usage = `Usage: gateway-tray ui --web [options]

Serves the Gateway Tray window to a browser on this machine: the built renderer and a WebSocket bridge
to the same core the desktop app uses (the embedded control plane runs in this process for the local
profile). Prints the URL to open; it carries a one-time token after '#', so share it with no one.
Stops on Ctrl-C (SIGINT) or SIGTERM, with the control plane it hosts; a running gateway keeps
serving from memory, and its heartbeats resume when the app or this command is back.

Options:
  --web          serve the UI to a browser (the only mode here: the desktop app is 'npm start')
  --port N       port on 127.0.0.1 (default: a free one)
  --image REF    make the default profile use this gateway image (e.g. a local or mirrored one)
  --etcd URL     etcd for the embedded control plane (default: the app's own, started when needed:
                 the PATH's etcd, else etcd in a Docker container)
  --etcd-image REF  the image of that etcd container (default: $GATEWAY_TRAY_ETCD_IMAGE, else the
                 Settings' etcd image, else quay.io/coreos/etcd:v3.5.21)`;

/** renderer/dist beside src/ or dist/: both are two folders below the package root. */
export function rendererDist(): string {
  return fileURLToPath(new URL('../../../renderer/dist', import.meta.url));
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n < 1 || n > 65535) throw new UsageError(`--port expects a port number from 1 to 65535, got "${value}"`);
  return n;
}

export const uiCommand: CliCommand = {
  name: 'ui',
  summary: 'Serve the Gateway Tray window to a browser (ui --web)',
  usage,
  async run(args, io) {
    const { values } = parseFlags(args, { web: { type: 'boolean' }, port: { type: 'string' }, image: { type: 'string' }, etcd: { type: 'string' }, 'etcd-image': { type: 'string' } }, usage);
    if (!values.web) throw new UsageError(`Say --web: this command serves the UI to a browser (the desktop app starts with 'npm start').\n\n${usage}`);
    const wanted = port(values.port);
    const etcd = values.etcd === undefined ? undefined : parseEtcdUrl(values.etcd);
    const etcdImage = values['etcd-image'] === undefined ? undefined : parseEtcdImage(values['etcd-image']);
    if (values.image !== undefined) {
      const store = new ProfileStore({ home: gatewayTrayHome(io.env) });
      let p;
      try {
        p = store.update(store.defaultName(), { image: values.image });
      } catch (err) {
        if (err instanceof ProfileError) throw new UsageError(`--image: ${err.message}`);
        throw err;
      }
      io.err(`Profile "${p.name}" now uses the image ${p.image}.`);
    }

    const staticDir = rendererDist();
    if (!existsSync(`${staticDir}/index.html`)) throw new Error(`The UI is not built (${staticDir} has no index.html): run 'npm run build:renderer' first.`);

    const service = await createAppService({ env: io.env, transport: 'web', ...(etcd ? { etcdUrl: etcd } : {}), ...(etcdImage ? { etcdImage } : {}), log: (line) => io.err(line) });
    let server;
    try {
      server = await startUiServer({ service, staticDir, ...(wanted ? { port: wanted } : {}), log: (line) => io.err(line) });
    } catch (err) {
      await service.dispose();
      const msg = err instanceof Error ? err.message : String(err);
      throw new Error(/EADDRINUSE/.test(msg) ? `Port ${wanted} is in use by another process; choose another with --port, or stop it.` : msg, { cause: err });
    }
    io.out(`Gateway Tray UI: open ${server.url}`);

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    io.err(`${signal} received; stopping the UI server and its control plane (a running gateway keeps serving)`);
    await server.close();
    await service.dispose();
    return 0;
  },
};
