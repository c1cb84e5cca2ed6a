/**
 * The test reporter of a unit shard (test/runner/unit-shard.ts): sends each event to the runner as it
 * comes, and `done` after the event that closes a file's suite (the only tests at nesting 0 in a
 * shard), so that the runner knows which events belong to which file. The reporter sees an event
 * after the test ended, and in order, so `done` cannot overtake the file's own events.
 */
import { toWire, type FromShard, type TestEvent } from './shard-wire.ts';

function send(message: FromShard): void {
  if (process.connected) process.send?.(message);
}

export default async function* shardReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  for await (const event of source) {
    send({ type: 'event', event: toWire(event) });
    const closesFile = (event.type === 'test:pass' || event.type === 'test:fail') && (event.data.nesting ?? 0) === 0;
    if (closesFile && event.data.name !== undefined) send({ type: 'done', name: event.data.name });
  }
  // Nothing to yield: the runner writes the report.
  yield* [];
}
