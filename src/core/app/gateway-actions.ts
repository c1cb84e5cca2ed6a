import type { EngineCheck, LaunchOutcome, LaunchProgressEvent, LaunchStageView, LogLineView } from '../../contract/ipc-contract.ts';
import { GatewayError } from '../gateway/errors.ts';
import { launchGateway } from '../gateway/launch.ts';
import { renewCertificate } from '../gateway/renew.ts';
import { restartFresh } from '../gateway/fresh-restart.ts';
import { restartGateway } from '../gateway/restart.ts';
import { stopGateway } from '../gateway/stop.ts';
import { instanceContainers } from '../gateway/instance-lookup.ts';
import { LAUNCH_STAGES, STAGE_TITLES } from '../gateway/types.ts';
import { checkEngineNow } from './engine-check.ts';
import { LaunchTurns } from './launch-turns.ts';
import { problemOfSession } from '../status/session-problem.ts';
import type { LiveSession } from './live-session.ts';

export interface GatewayActionsDeps {
  current: () => Promise<LiveSession>;
  /** Local profile without a control plane: host it, and re-open the session on it. */
  ensureControlPlane: () => Promise<LiveSession>;
  onProgress: (p: LaunchProgressEvent) => void;
  onLaunchEnd: (err: unknown) => void;
  sample: () => Promise<void>;
  labels?: Record<string, string>;
  /**
   * Whose turn it is to launch each profile, shared with the control plane's recreate of stale gateways
   * (local-control-plane-host), so a launch never runs beside another one of the same profile.
   */
  turns?: LaunchTurns;
}

/** Launch, stop, restart, renew and logs of the default profile's gateway, on the core's gateway layer. */
export class GatewayActions {
  #launch: Promise<LaunchOutcome> | undefined;
  #abort: AbortController | undefined;
  /** The image the launch under way was asked for (undefined: the profile's). */
  #launchImage: string | undefined;

  readonly #turns: LaunchTurns;

  constructor(private readonly deps: GatewayActionsDeps) {
    this.#turns = deps.turns ?? new LaunchTurns();
  }

  static stages(): LaunchStageView[] {
    return LAUNCH_STAGES.map((id) => ({ id, title: STAGE_TITLES[id] }));
  }

  async checkEngine(): Promise<EngineCheck> {
    const l = await this.deps.current();
    return checkEngineNow(l.session.engine, l.session.discovery);
  }

  /** One launch at a time; a second click while one runs joins it instead of starting another. */
  launch(image?: string): Promise<LaunchOutcome> {
    // Joining a launch of another image would silently run the wrong one.
    if (this.#launch && image !== undefined && image !== this.#launchImage) {
      return Promise.reject(new Error(`A launch with ${this.#launchImage ?? "the profile's image"} is under way; wait for it (or cancel it), then launch ${image}.`));
    }
    if (!this.#launch) {
      this.#launchImage = image;
      const abort = new AbortController();
      this.#abort = abort;
      this.#launch = this.#runLaunch(abort.signal, image).finally(() => {
        this.#launch = undefined;
        this.#abort = undefined;
      });
    }
    return this.#launch;
  }

  /** Aborts the launch under way; it rolls back what it made and rejects with "cancelled". */
  cancelLaunch(): { cancelled: boolean } {
    if (!this.#abort || this.#abort.signal.aborted) return { cancelled: false };
    this.#abort.abort();
    return { cancelled: true };
  }

  async #runLaunch(signal: AbortSignal, image?: string): Promise<LaunchOutcome> {
    let live = await this.deps.current();
    const progress = (p: LaunchProgressEvent): void => {
      live.watcher.setLaunching(p.status === 'done' ? undefined : p.stage);
      this.deps.onProgress(p);
    };
    try {
      progress({ stage: 'control-plane', status: 'start', message: 'Connecting to the control plane' });
      if (!live.client && live.profile.kind === 'local') live = await this.deps.ensureControlPlane();
      if (signal.aborted) throw new GatewayError('control-plane', 'The launch was cancelled.', { reason: 'cancelled' });
      progress({ stage: 'control-plane', status: 'done', message: live.session.apiUrl ?? 'ready' });
      if (!live.client) {
        // A cloud profile whose token is missing or refused: said with its reason, so the window offers "Set the token".
        const why = live.session.controlPlaneProblem;
        const reason = problemOfSession(why)?.reason;
        progress({ stage: 'preflight', status: 'start', message: 'Checking the token' });
        throw new GatewayError('preflight', `The control plane is not available: ${why ?? 'unknown reason'}.`, reason ? { reason } : {});
      }
      const session = live;
      let waited = false;
      const result = await this.#turns.run(
        session.profile.name,
        'a launch',
        () => {
          // The stage the wait was shown on is done once the turn came.
          if (waited) progress({ stage: 'control-plane', status: 'done', message: 'its turn came' });
          return this.#launchGateway(session, signal, progress, image);
        },
        {
          signal,
          // Said as progress of the stage under way, so the window shows why nothing moves yet.
          onWait: (holder) => {
            waited = true;
            progress({ stage: 'control-plane', status: 'progress', message: `Waiting for ${holder.what} of profile "${session.profile.name}" to finish` });
          },
        },
      );
      live.watcher.setLaunching(undefined);
      this.deps.onLaunchEnd(undefined);
      await Promise.all([live.watcher.probeNow(), this.deps.sample()]);
      return {
        adopted: result.adopted,
        containerId: result.containerId,
        instanceId: result.instanceId,
        image: result.image,
        ...(result.module ? { module: result.module } : {}),
        ...(result.registeredAt ? { registeredAt: result.registeredAt } : {}),
        durationMs: result.durationMs,
      };
    } catch (err) {
      live.watcher.setLaunching(undefined);
      this.deps.onLaunchEnd(err);
      void live.watcher.probeNow();
      throw err;
    }
  }

  #launchGateway(live: LiveSession, signal: AbortSignal, progress: (p: LaunchProgressEvent) => void, image?: string) {
    return launchGateway(
      { ...live.session.context(), ...(this.deps.labels ? { labels: this.deps.labels } : {}) },
      {
        ...(image ? { image } : {}),
        signal,
        onProgress: (p) =>
          progress({
            stage: p.stage,
            status: p.status,
            message: p.message,
            ...(p.pull ? { pull: { percent: p.pull.percent, currentBytes: p.pull.currentBytes, totalBytes: p.pull.totalBytes, layers: { ...p.pull.layers }, ...(p.pull.perLayer ? { perLayer: p.pull.perLayer.map((l) => ({ ...l })) } : {}) } } : {}),
            ...(p.download ? { download: { percent: p.download.percent, currentBytes: p.download.currentBytes, totalBytes: p.download.totalBytes } } : {}),
          }),
      },
    );
  }

  async stop(): Promise<{ stopped: string[] }> {
    const l = await this.deps.current();
    const r = await stopGateway(l.session.engine, { home: l.session.home, profile: l.profile.name });
    await l.watcher.probeNow();
    return { stopped: r.stopped };
  }

  /** Re-renders the config and recreates the container when it is stale or crashed (restartFresh), else restarts it. */
  async restart(): Promise<{ containerId: string }> {
    const l = await this.deps.current();
    // A restart may recreate the container (restartFresh): it takes the profile's launch turn too.
    return this.#turns.run(l.profile.name, 'a restart', () => this.#restart(l));
  }

  async #restart(l: LiveSession): Promise<{ containerId: string }> {
    if (!l.session.client) {
      const c = await restartGateway(l.session.engine, { home: l.session.home, profile: l.profile.name });
      await l.watcher.probeNow();
      return { containerId: c.id };
    }
    const r = await restartFresh({ ...l.session.context(), ...(this.deps.labels ? { labels: this.deps.labels } : {}) }, { wait: false });
    await l.watcher.probeNow();
    return { containerId: r.containerId };
  }

  async renew(): Promise<{ notAfter: string; restarted: boolean }> {
    const l = await this.deps.current();
    const r = await renewCertificate(l.session.context());
    await l.watcher.probeNow();
    return { notAfter: r.certificate.notAfter.toISOString(), restarted: r.restarted };
  }

  /** The gateway container of the default profile; says to launch first when there is none. */
  async containerId(): Promise<string> {
    const l = await this.deps.current();
    const known = l.watcher.current?.containerId;
    if (known) return known;
    const { containers } = await instanceContainers(l.session.engine, l.session.home, l.profile.name);
    const c = containers.find((x) => x.running) ?? containers[0];
    if (!c) throw new Error('There is no gateway container yet: launch the gateway first.');
    return c.id;
  }

  async tailLogs(lines: number): Promise<LogLineView[]> {
    const l = await this.deps.current();
    return (await l.session.engine.readLogs(await this.containerId(), { tail: lines })).map((x) => ({ stream: x.stream, line: x.line }));
  }
}
