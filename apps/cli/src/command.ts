/** One flag of a command: `--name <arg>` takes a value, a flag without `arg` is a boolean switch. */
export interface OptionSpec {
  /** The value's placeholder in help (`<n>`); absent for a boolean flag. */
  readonly arg?: string;
  /** One line for `--help`. */
  readonly description: string;
  /** The value used when the flag is not given; help shows it as `(default: ...)`. */
  readonly default?: string;
  /** Not given -> `missing --name <arg>` (exit 2). */
  readonly required?: true;
  /** Starts a help section: this flag and the ones after it, up to the next `group`, are listed under it. */
  readonly group?: string;
}

/** A command's flags by name (without the leading `--`), in help order. */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

/** The parsed flags: a string for a flag with a default or required, else string | undefined; true when a switch is given. */
export type OptionValues<O extends OptionTable> = {
  -readonly [K in keyof O]: O[K] extends { arg: string }
    ? O[K] extends { default: string } | { required: true }
      ? string
      : string | undefined
    : boolean;
};

/** What a command's run() gets: its flags, its positional arguments and the flags the user gave. */
export interface CommandArgs<V = Record<string, string | boolean | undefined>> {
  values: V;
  positionals: string[];
  /** Flags given on the command line (a flag with a default is in `values` either way). */
  given: ReadonlySet<string>;
}

/** The run() argument of the command whose flags are `O`. */
export type ArgsOf<O extends OptionTable> = CommandArgs<OptionValues<O>>;

/** One `ct3d` subcommand: its help texts and flags, and its module, loaded only when the command runs. */
export interface CommandSpec {
  name: string;
  summary: string;
  /** The help section of the command list it is shown in. */
  group: string;
  /** Positional arguments (`<dir>` required, `[dir]` optional) and their help lines. */
  arguments?: Record<string, string>;
  options: OptionTable;
  /** More help after the option list. */
  help?: string;
  load(): Promise<CommandModule>;
}

/** A command's module: does the work and returns the process exit code. */
export interface CommandModule {
  run(args: CommandArgs): Promise<number>;
}
