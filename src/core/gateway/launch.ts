import { findExisting, removeStale, retireContainer } from './adopt.ts';
import { configuredDataPlane, staleConfig } from './config-freshness.ts';
import { configCentreProblem } from './config-centre-probe.ts';
import { readTlsBundle, type TlsBundle } from '../credentials/tls-bundle.ts';
import { fetchInstanceCertificate, keptBundleCandidate, reusableBundle } from './certificate.ts';
import { createAndStart, startAgain } from './container.ts';
import { gatewayContainerSpec, portBindings } from './container-spec.ts';
import { checkDataPlaneReachable, dataPlaneAddress } from './dataplane-reach.ts';
import { GatewayError, messageOf } from './errors.ts';
import { ensureGatewayImage } from './image.ts';
import { writeInstanceFiles } from './instance-files.ts';
import { containerNameFor, instancePaths, moduleOfLabels } from './paths.ts';
import { checkEngine, checkPorts, checkToken } from './preflight.ts';
import { resolveCluster, resolveInstance } from './resolve.ts';
import { Rollback } from './rollback.ts';
import { renderStartupTemplate, TemplateError } from './template.ts';
import { portsOf, type GatewayContext, type LaunchOptions, type LaunchProgress, type LaunchResult, type LaunchStage } from './types.ts';
import { waitUntilRegistered } from './wait-registered.ts';
import { chooseModule, moduleMounts, ModuleChoiceError, type ModuleChoice } from '../module/choose-module.ts';
import type { ModuleKind } from '../module/module-setting.ts';
import { describeModule, moduleDirFor } from './module-dir.ts';
import { mayStartAgain, sameAsNew } from './start-again.ts';
import type { ContainerInfo } from '../engine/types.ts';

/** The instance's bundle on disk, or undefined when there is none or it cannot be read. */
function readBundleQuietly(where: { home: string; profile: string; instanceId: string }): TlsBundle | undefined {
  try {
    return readTlsBundle(where)?.bundle;
  } catch {
    return undefined;
  }
}

/** A container listing that takes longer than this gets the ping, which names a Docker that hangs. */
const ENGINE_HANG_MS = 1000;

/** Marks a promise started ahead of its await as handled, so an early rejection waits for its turn. */
function early<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Click "Launch" to a registered gateway, idempotently: a gateway that already runs is adopted and
 * nothing is created; any failure rolls back what this launch made (container, certificate, files) and
 * says what to do. Each stage is reported through `onProgress`.
 */
export async function launchGateway(ctx: GatewayContext, opts: LaunchOptions = {}): Promise<LaunchResult> {
  const started = Date.now();
  const report = (stage: LaunchStage, status: LaunchProgress['status'], message: string, extra: Pick<LaunchProgress, 'download'> = {}): void => {
    try {
      opts.onProgress?.({ stage, status, message, ...extra });
    } catch {
      // a progress display must not break the launch
    }
  };
  const abortCheck = (stage: LaunchStage): void => {
    if (opts.signal?.aborted) throw new GatewayError(stage, 'The launch was cancelled.', { reason: 'cancelled' });
  };
  const { profile, engine, client } = ctx;
  const image = opts.image ?? profile.image;
  const ports = portsOf(profile);
  const bindings = portBindings(ports, opts.proxyBindAddress);
  const rollback = new Rollback();
  // `started`: the container this launch made or started again, whose log is followed from its start.
  const wait = (clusterId: string, instanceId: string, containerId: string, module: ModuleKind | undefined, started?: ContainerInfo) =>
    waitUntilRegistered(engine, client, { clusterId, instanceId, containerId }, {
      timeoutMs: opts.registerTimeoutMs ?? 60_000,
      agentStatusFile: module !== 'api7',
      ...(started ? { followLogFrom: started.startedAt !== undefined ? { startedAt: started.startedAt } : {} } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      onWaiting: (message) => report('register', 'progress', message),
    });

  try {
    report('preflight', 'start', 'Checking Docker, the token and the ports');
    // Independent requests go out together; each result is still awaited in the order the stages are
    // reported, so the first failure named is the one a sequential launch would name.
    // The container listing below is the engine check: Docker answering it like Docker is what the ping
    // proves, and the ping's version request costs dockerd 10–50 ms (it runs two helper programs), which
    // held up the whole pre-flight. Only when a pre-flight step fails, or the listing is slower than the
    // ping's own timeout, does the ping run, so the failure named is the ping's, as when it went first.
    const engineFirst = <T>(step: Promise<T>): Promise<T> => {
      let timer: NodeJS.Timeout | undefined;
      const hung = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => checkEngine(ctx, opts.signal).catch(reject), ENGINE_HANG_MS);
      });
      return Promise.race([
        step.catch(async (err: unknown) => {
          await checkEngine(ctx, opts.signal);
          throw err;
        }),
        hung,
      ]).finally(() => clearTimeout(timer));
    };
    const asked = early(checkToken(ctx));
    const clusterFound = early(asked.then((me) => resolveCluster(ctx, me)));
    // Read-only work of the certificate stage (template, data-plane address, and below whether the kept
    // bundle is still accepted: a TLS handshake) overlaps pre-flight; minting a certificate waits for its stage.
    const templated = early(
      clusterFound.then(async (c) => {
        let rendered;
        try {
          rendered = renderStartupTemplate(await client.startupTemplate(c.clusterId));
        } catch (err) {
          if (err instanceof TemplateError) throw new GatewayError('certificate', err.message, { cause: err });
          throw new GatewayError('certificate', `Could not fetch the startup template: ${messageOf(err)}`, { cause: err });
        }
        const address = await dataPlaneAddress(engine, rendered.dataPlaneUrl, ctx.platform ?? process.platform);
        await checkDataPlaneReachable(address);
        return { rendered, address };
      }),
    );
    // The instance id is made only once the token is known to be good. The container listing and the
    // reading of the kept bundle (certificate parsing: CPU while the requests are out) need nothing else.
    const resolved = early(asked.then(() => resolveInstance(ctx)));
    const whereOf = (i: { instanceId: string }) => ({ home: ctx.home, profile: profile.name, instanceId: i.instanceId });
    const listed = early(resolved.then((i) => findExisting(engine, profile.name, i.instanceId)));
    const candidate = early(resolved.then((i) => keptBundleCandidate(whereOf(i))));
    // On a re-launch the kept config.yaml names the data-plane address and SNI the live template will name
    // again, so the kept bundle's check (a TLS handshake) goes out before the template has come. Its answer
    // is used only when the template names the same; otherwise the check is made again, on the live ones.
    const keptPlane = early(Promise.all([resolved, candidate]).then(([i, c]) => (c ? configuredDataPlane(instancePaths(ctx.home, profile.name, i.instanceName).configFile) : undefined)));
    const guessed = early(
      Promise.all([resolved, candidate, keptPlane]).then(async ([i, c, kp]) => {
        if (!kp) return undefined;
        const address = await dataPlaneAddress(engine, kp.url, ctx.platform ?? process.platform);
        return { bundle: await reusableBundle(whereOf(i), address, kp.sni, c) };
      }).catch(() => undefined),
    );
    const prepared = early(
      Promise.all([templated, resolved, candidate, keptPlane]).then(async ([{ rendered, address }, i, c, kp]) => {
        // A guess that failed to be checked at all (not a refusal) is checked again on the live address.
        const guess = kp && kp.url === rendered.dataPlaneUrl && kp.sni === rendered.sni ? await guessed : undefined;
        return { rendered, kept: guess ? guess.bundle : await reusableBundle(whereOf(i), address, rendered.sni, c) };
      }),
    );
    await engineFirst(asked);
    const instance = await engineFirst(resolved);
    const where = whereOf(instance);
    const existing = await engineFirst(listed);
    const paths = instancePaths(ctx.home, profile.name, instance.instanceName);
    const notices: string[] = [];
    if (existing.running) {
      // Never adopt a gateway that names a data-plane address that is not the live one (or when asked to recreate).
      const stale = staleConfig(paths.configFile, (await templated).rendered.hosts);
      const why = stale?.message ?? (opts.recreate ? `Recreating ${existing.running.name} as asked` : undefined);
      if (why) {
        report('preflight', 'progress', why);
        ctx.log?.(why);
        notices.push(why);
        await retireContainer(engine, existing.running, ctx.log);
        delete existing.running;
      }
    }
    if (existing.running) {
      report('preflight', 'done', `The gateway already runs (${existing.running.name}); adopting it`);
      if (opts.image && opts.image !== existing.running.image) {
        notices.push(
          `Adopted the running gateway, which runs ${existing.running.image}; ${opts.image} applies after a relaunch ('gateway-tray launch --recreate', or Stop then Launch).`,
        );
        report('preflight', 'progress', notices[notices.length - 1]!);
      }
      const cluster = await clusterFound;
      report('register', 'start', 'Checking its registration');
      const running = moduleOfLabels(existing.running.labels);
      const reg = await wait(cluster.clusterId, instance.instanceId, existing.running.id, running);
      report('register', 'done', `Registered at ${reg.instance.register_time}`);
      // A kept bundle that is not accepted right now: say why, rather than report a plain success.
      const [{ rendered, address }, { kept }] = await Promise.all([templated, prepared]);
      const centre = kept ? undefined : await configCentreProblem(readBundleQuietly(where), address, rendered.sni, instance.instanceId);
      if (centre) {
        notices.push(`Adopted, but ${centre}`);
        report('register', 'progress', notices[notices.length - 1]!);
      }
      return {
        adopted: true,
        containerId: existing.running.id,
        containerName: existing.running.name,
        instanceId: instance.instanceId,
        clusterId: cluster.clusterId,
        image: existing.running.image,
        ...(running ? { module: running } : {}),
        ports,
        registeredAt: reg.instance.register_time,
        lastHeartbeatAt: reg.instance.last_seen_time,
        durationMs: Date.now() - started,
        ...(notices.length > 0 ? { notices } : {}),
      };
    }
    // A stopped container that is what this launch would make is started again at the container stage,
    // unless a new one was asked for.
    const stopped = opts.recreate ? [] : existing.stale.filter(mayStartAgain);
    await removeStale(engine, existing.stale.filter((c) => !stopped.includes(c)), ctx.log);
    await checkPorts(bindings);
    report('preflight', 'done', 'Docker answers, the token is valid and the ports are free');
    abortCheck('resolve');

    report('resolve', 'start', 'Finding the cluster');
    const cluster = await clusterFound;
    report('resolve', 'done', `Cluster ${cluster.clusterId}, instance ${instance.instanceId}`);
    abortCheck('certificate');

    report('certificate', 'start', 'Fetching the startup template and an instance certificate');
    const { rendered, kept } = await prepared;
    const bundle = kept ?? (await fetchInstanceCertificate(client, cluster.clusterId, where, rollback));
    report('certificate', 'done', `${kept ? 'Current certificate still valid and accepted' : 'New certificate'} for ${instance.instanceId}; config centre ${rendered.dataPlaneUrl}`);
    abortCheck('module');

    report('module', 'start', `Choosing the gateway module (setting: ${profile.module})`);
    let choice: ModuleChoice;
    try {
      choice = chooseModule(rendered, profile.module, { env: ctx.env ?? process.env, image });
    } catch (err) {
      if (err instanceof ModuleChoiceError) throw new GatewayError('module', err.message, { cause: err });
      throw err;
    }
    const moduleDir = await moduleDirFor(ctx, choice, (p) => report('module', p.status, p.message, p.download ? { download: p.download } : {}), opts.signal);
    report('module', 'done', describeModule(choice, moduleDir));
    abortCheck('files');

    report('files', 'start', 'Writing config.yaml and apisix.uid');
    writeInstanceFiles(paths, instance.instanceId, choice.yaml, rollback);
    report('files', 'done', paths.dir);
    abortCheck('image');

    report('image', 'start', `Looking for ${image}`);
    const { pulled, id: imageId } = await ensureGatewayImage(engine, image, opts.onProgress, opts.signal);
    report('image', 'done', pulled ? `Pulled ${image}` : `${image} is present`);
    abortCheck('container');

    report('container', 'start', 'Creating and starting the gateway container');
    const containerName = containerNameFor(profile.name, instance.instanceName, instance.instanceId);
    const spec = gatewayContainerSpec({
      image,
      profile: profile.name,
      instanceName: instance.instanceName,
      instanceId: instance.instanceId,
      containerName,
      paths,
      moduleMounts: moduleMounts(choice.kind, moduleDir),
      module: choice.kind,
      bindings,
      bundle,
      ...(ctx.labels ? { labels: ctx.labels } : {}),
    });
    const again = sameAsNew(stopped, spec, imageId);
    await removeStale(engine, stopped.filter((c) => c !== again), ctx.log, 'container');
    const container = again ? await startAgain(engine, again, rollback) : await createAndStart(engine, spec, bundle, rollback, image);
    report('container', 'done', `${again ? 'Started again' : 'Started'} ${containerName} (${container.id.slice(0, 12)})${again ? ': made as a new one would be, with the same certificate' : ''}`);

    report('register', 'start', 'Waiting for the first heartbeat');
    const reg = await wait(cluster.clusterId, instance.instanceId, container.id, choice.kind, container);
    report('register', 'done', `Registered at ${reg.instance.register_time}`);
    rollback.commit();
    return {
      adopted: false,
      containerId: container.id,
      containerName,
      instanceId: instance.instanceId,
      clusterId: cluster.clusterId,
      image,
      module: choice.kind,
      ports,
      registeredAt: reg.instance.register_time,
      lastHeartbeatAt: reg.instance.last_seen_time,
      durationMs: Date.now() - started,
      ...(notices.length > 0 ? { notices } : {}),
    };
  } catch (err) {
    const problems = await rollback.run();
    const failure = err instanceof GatewayError ? err : new GatewayError('preflight', messageOf(err), { cause: err });
    if (problems.length === 0) throw failure;
    const rolled = new GatewayError(failure.stage, `${failure.message}\nRolling back also failed: ${problems.join('; ')}`, { cause: failure.cause, ...(failure.reason ? { reason: failure.reason } : {}) });
    throw rolled;
  }
}
