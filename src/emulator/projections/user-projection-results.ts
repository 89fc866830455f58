/**
 * A projection's results in the log, for queries that output them (`outputState`, `transformBy`, `filterBy`):
 * a `Result` event per change of a partition's result, in the partition's result stream
 * (Services/Processing/Emitting/ResultEventEmitter.cs, names from ProjectionNamesBuilder.cs; 24.10).
 */
import type { QueryDefinition } from './js-sandbox.js';
import { partitionResultStreamOf, resultStreamOf } from './projection-names.js';
import type { ProjectionWriter, WriteContext } from './projection-writes.js';

/** Writes one projection's results. */
export class ResultPublisher {
  constructor(
    private readonly writer: ProjectionWriter,
    private readonly name: string,
    private readonly definition: QueryDefinition,
  ) {}

  /** Writes the partition's result, when the query outputs results at all. */
  publish(partition: string, result: string | null, context: WriteContext): void {
    if (!this.definition.producesResults) return;
    const stream = partitionResultStreamOf(this.name, this.definition, partition);
    this.writer.result(stream, resultStreamOf(this.name, this.definition), result, context);
  }
}
