/** A task source that cannot be read as a whole (missing, unknown format, no split chosen, corrupt). */
export class TaskSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskSourceError';
  }
}
