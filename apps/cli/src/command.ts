/** One `ct3d` subcommand: its help texts, and its module, loaded only when the command runs. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  load(): Promise<CommandModule>;
}

/** A command's module: parses its own flags and returns the process exit code. */
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}
