import { runDoctor } from '../../core/doctor/run-doctor.ts';
import type { CheckStatus } from '../../core/doctor/types.ts';
import { openSession } from '../../core/gateway/session.ts';
import type { CliCommand } from '../command.ts';
import { PROFILE_FLAG, parseFlags } from '../flags.ts';

const usage = `Usage: gateway-tray doctor [options]

Runs small checks and says how to fix what is wrong: Docker engine, which socket was chosen, host
ports, gateway image, control plane reachable, its config centre (etcd, as the gateway reaches it),
certificate, the gateway's own heartbeat and its age, clock skew, and where secrets are kept.

Options:
  -p, --profile NAME   profile (default: the default profile)
  --json               the results as JSON
Exit code 1 when a check fails.`;

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL', skip: 'skip' };

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check the setup and say how to fix what is wrong',
  usage,
  async run(args, io) {
    const { values } = parseFlags(args, { ...PROFILE_FLAG, json: { type: 'boolean' } }, usage);
    const session = await openSession({ env: io.env, ...(values.profile ? { profile: values.profile } : {}), notice: (l) => io.err(l) });
    const results = await runDoctor({
      home: session.home,
      profile: session.profile,
      engine: session.engine,
      discovery: session.discovery,
      env: io.env,
      secrets: session.secrets,
      ...(session.client ? { client: session.client } : {}),
      ...(session.controlPlaneProblem ? { controlPlaneProblem: session.controlPlaneProblem } : {}),
      ...(session.apiUrl ? { apiUrl: session.apiUrl } : {}),
    });
    if (values.json) io.out(JSON.stringify({ profile: session.profile.name, checks: results }, null, 2));
    else {
      io.out(`Profile "${session.profile.name}" (${session.profile.kind}), home ${session.home}`);
      for (const r of results) {
        io.out(`[${MARK[r.status]}] ${r.title}: ${r.detail}`);
        if (r.fix && (r.status === 'warn' || r.status === 'fail')) io.out(`       fix: ${r.fix}`);
      }
    }
    return results.some((r) => r.status === 'fail') ? 1 : 0;
  },
};
