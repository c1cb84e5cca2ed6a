import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { unavailableOr } from './client.ts';
import { ContainerNotFoundError, EngineError, OperationAbortedError, dockerMessage, statusCodeOf } from './errors.ts';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in a running container (`docker exec`), collecting its output. */
export async function execInContainer(
  docker: Docker,
  id: string,
  cmd: string[],
  opts: { user?: string; signal?: AbortSignal; maxBytes?: number } = {},
): Promise<ExecResult> {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  let exec: Docker.Exec;
  let stream: Readable;
  try {
    exec = await docker.getContainer(id).exec({
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      ...(opts.user ? { User: opts.user } : {}),
    });
    stream = (await (exec.start as (o: object) => Promise<unknown>).call(exec, { hijack: true, stdin: false })) as Readable;
  } catch (err) {
    if (statusCodeOf(err) === 404) throw new ContainerNotFoundError(id, { cause: err });
    if (statusCodeOf(err) !== undefined) throw new EngineError(`Docker could not run ${cmd[0]} in container ${id}: ${dockerMessage(err)}`, { cause: err });
    throw unavailableOr(docker, err);
  }
  const out: Buffer[] = [];
  const errOut: Buffer[] = [];
  let size = 0;
  const collect = (into: Buffer[]) => {
    const sink = new PassThrough();
    sink.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBytes) into.push(c);
    });
    return sink;
  };
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      stream.destroy();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    docker.modem.demuxStream(stream, collect(out), collect(errOut));
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', (err) => (opts.signal?.aborted ? resolve() : reject(unavailableOr(docker, err))));
  });
  if (opts.signal?.aborted) throw new OperationAbortedError(`Running ${cmd[0]} in container ${id}`);
  // The exit code can lag the end of the output by a moment; ask a bounded number of times.
  let info = await exec.inspect();
  for (let i = 0; i < 50 && info.Running; i += 1) {
    await new Promise((r) => setTimeout(r, 20));
    info = await exec.inspect();
  }
  return { exitCode: info.Running ? -1 : (info.ExitCode ?? -1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(errOut).toString('utf8') };
}
