import { Command } from "commander";
import { birdSpeakerConfig } from "../../publish/bgp/bird-configs.ts";
import { configOf, globalOptions } from "../cli-context.ts";
import { output } from "../output.ts";

/** `decree bgp config`: decree's own BIRD, the daemon that announces the route feed to operators' routers. */
export function bgpCommand(): Command {
  const bgp = new Command("bgp");
  bgp
    .command("config")
    .description(
      "print the BIRD 2 configuration of decree's own BGP daemon (the bgp settings); each operator's side: " +
        "decree operators config NAME --for bird",
    )
    .action((_options: unknown, command: Command) => {
      const text = birdSpeakerConfig(configOf(command).bgp);
      output(globalOptions(command).json, { speaker: "bird", config: text }, () => text);
    });
  return bgp;
}
