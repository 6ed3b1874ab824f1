import type { Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { renderCommandHelp, renderHelp } from "../help.ts";

/** `vigil help [command]`: the general help, or one command's. Needs no hub. */
export const helpCommand: Command = {
  name: "help",
  args: [{ name: "command", required: false }],
  summary: "show this help, or the help of one command",
  description: "Shows the list of commands and global options, or with a command name, that command's usage.",
  async run(ctx) {
    const name = ctx.args.command;
    if (name === undefined) {
      ctx.io.out(renderHelp(ctx.commands, ctx.version));
      return EXIT.ok;
    }
    const command = ctx.commands.get(name);
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    ctx.io.out(renderCommandHelp(command));
    return EXIT.ok;
  },
};
