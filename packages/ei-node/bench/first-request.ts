/**
 * First versus tenth request to a fresh server, over a real socket, the server in a process of
 * its own: `npx tsx bench/first-request.ts [runs]` in packages/ei-node, after `npm run build`
 * (the servers run the built dist, as a user's would).
 *
 * Rows, each a fresh server process started `runs` times (default 5), interleaved run by run:
 *   - `transactive serve --port 0` (packages/cli/dist/bin.js), the reference VTN;
 *   - the same server from bench/serve-child.mjs (startEiServer, which prepares the dispatcher);
 *   - serve-child.mjs with `cold`: prepare() hidden, so the first request pays for it.
 * Start-up is from spawn to the printed URL: wall time, and the server's CPU time (user+system
 * from /proc/<pid>/stat, 10 ms ticks; Linux only, else blank) read when the URL arrives. The client (this process) first sends one
 * request to an unknown path on the keep-alive connection (its own first use of node:http and the
 * connection set-up are not the server's), then ten sequential oadrQueryRegistration requests;
 * the table gives the medians of the first, second and tenth.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const runs = Number(process.argv[2] ?? 5);
const BIN = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));
const CHILD = fileURLToPath(new URL("./serve-child.mjs", import.meta.url));
const BODY = `<oadr:oadrPayload xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:pyld="http://docs.oasis-open.org/ns/energyinterop/201110/payloads"><oadr:oadrSignedObject><oadr:oadrQueryRegistration ei:schemaVersion="2.0b" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110"><pyld:requestID>q-1</pyld:requestID></oadr:oadrQueryRegistration></oadr:oadrSignedObject></oadr:oadrPayload>`;

interface Row {
  readonly label: string;
  readonly args: readonly string[];
}
const ROWS: readonly Row[] = [
  { label: "`transactive serve --port 0`", args: [BIN, "serve", "--port", "0"] },
  { label: "startEiServer (prepares)", args: [CHILD] },
  { label: "startEiServer, prepare() hidden (cold)", args: [CHILD, "cold"] },
];

interface Sample {
  readonly startMs: number;
  readonly startCpuMs: number;
  readonly times: readonly number[];
}

/** Starts a server process; resolves with its URL and the time it took to print it. */
function start(
  args: readonly string[],
): Promise<{ child: ChildProcess; url: string; ms: number; cpuMs: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "ignore"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      out += chunk;
      const m = /https?:\/\/127\.0\.0\.1:\d+/.exec(out);
      if (m) resolve({ child, url: m[0], ms: performance.now() - t0, cpuMs: cpuOf(child.pid) });
    });
    child.on("exit", (code) =>
      reject(new Error(`server exited (${code}) before listening: ${out}`)),
    );
  });
}

/** CPU time (user + system) of a process so far, in ms; NaN where /proc is not there. */
function cpuOf(pid: number | undefined): number {
  try {
    // fields after the command name (which may hold spaces): utime and stime are the 12th and 13th
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

function post(agent: Agent, url: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: "POST", agent, headers: { "content-type": "application/xml" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(BODY);
  });
}

async function sample(row: Row): Promise<Sample> {
  const { child, url, ms, cpuMs } = await start(row.args);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await post(agent, url, "/nowhere");
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const status = await post(agent, url, "/OpenADR2/Simple/2.0b/EiRegisterParty");
      times.push(performance.now() - t);
      if (status !== 200) throw new Error(`${row.label}: HTTP ${status}`);
    }
    return { startMs: ms, startCpuMs: cpuMs, times };
  } finally {
    agent.destroy();
    child.kill("SIGTERM");
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const samples = ROWS.map((): Sample[] => []);
for (let r = 0; r < runs; r++)
  for (const [k, row] of ROWS.entries()) samples[k]?.push(await sample(row));

const f = (n: number): string => n.toFixed(1);
console.log(
  `${cpus()[0]?.model.split(" ")[0] ?? "?"} ${cpus().length} cores, Node ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}; ${runs} fresh server processes per row, interleaved; medians (ranges)\n`,
);
console.log(
  "| Server | start-up wall ms | start-up CPU ms | first request ms | second ms | tenth ms | first / tenth |\n| --- | --: | --: | --: | --: | --: | --: |",
);
for (const [k, row] of ROWS.entries()) {
  const s = samples[k] as Sample[];
  const col = (pick: (x: Sample) => number): string => {
    const xs = s.map(pick);
    return `${f(median(xs))} (${f(Math.min(...xs))}-${f(Math.max(...xs))})`;
  };
  const first = median(s.map((x) => x.times[0] as number));
  const tenth = median(s.map((x) => x.times[9] as number));
  console.log(
    `| ${row.label} | ${col((x) => x.startMs)} | ${col((x) => x.startCpuMs)} | ${col((x) => x.times[0] as number)} | ${col((x) => x.times[1] as number)} | ${col((x) => x.times[9] as number)} | ${(first / tenth).toFixed(1)}x |`,
  );
}
