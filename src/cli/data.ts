import {Command} from "commander";
import {dataListCommand} from "./dataList.ts";
import {dataPullCommand} from "./dataPull.ts";
import {dataShowCommand} from "./dataShow.ts";
import {dataStatsCommand} from "./dataStats.ts";
import type {CliIO} from "./io.ts";

/** `tlr data list | pull | stats | show`: benchmark datasets. */
export function dataCommand(io: CliIO): Command {
  const data = new Command("data").description("benchmark datasets: list them, pull them from the Hugging Face Hub, count their rows, show their prompts");
  for (const sub of [dataListCommand(io), dataPullCommand(io), dataStatsCommand(io), dataShowCommand(io)]) data.addCommand(sub);
  return data;
}
