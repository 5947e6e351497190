/**
 * Every error the partitions engine raises for user input (a definition, a key, a mapping) is a
 * `PartitionsError`, so callers can tell a refusal Dagster would also make from a bug.
 */
export class PartitionsError extends Error {
  /** The Python exception Dagster raises in the same situation. */
  readonly pythonType: string;
  constructor(message: string, pythonType = 'DagsterInvalidDefinitionError') {
    super(message);
    this.pythonType = pythonType;
  }
}
