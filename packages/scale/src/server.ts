/**
 * A nats-server process for tests, benchmarks and local runs: Debian's `nats-server` package
 * (2.9.x) started on 127.0.0.1 with a random port (the server picks it: `-1`, read back from its
 * log), JetStream in a store directory, and optionally a leaf-node listener (a hub) or leaf-node
 * remotes (a microgrid's own server that keeps working when its uplink is cut). For production
 * use scripts/nats-server.sh or your own configuration (docs/scale-out.md).
 */
import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ScaleError } from "./errors.js";

/** How to start a nats-server. */
export interface NatsServerOptions {
  /** the server's name (JetStream needs one per server in a leaf-node topology) */
  readonly name?: string;
  /** client port on 127.0.0.1 (default: a free one the server picks) */
  readonly port?: number;
  /** enable JetStream (default true) */
  readonly jetStream?: boolean;
  /** JetStream store directory (default: a temp directory removed by `stop`) */
  readonly storeDir?: string;
  /** JetStream domain (servers joined by leaf nodes that both run JetStream need distinct domains) */
  readonly domain?: string;
  /** accept leaf-node connections on 127.0.0.1 (this server is a hub) */
  readonly leafListen?: boolean | { readonly port: number };
  /** leaf-node remotes: URLs of hubs' leaf-node ports ("nats-leaf://127.0.0.1:7422") */
  readonly leafRemotes?: readonly string[];
  /** the binary (default: $NATS_SERVER, else nats-server on PATH or in /usr/sbin, /usr/bin) */
  readonly bin?: string;
  /** milliseconds to wait for "Server is ready" (default 30 000) */
  readonly readyTimeoutMs?: number;
}

/** A running nats-server. */
export interface NatsServer {
  /** client URL, nats://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** the leaf-node URL when it listens for leaf nodes, nats-leaf://127.0.0.1:PORT */
  readonly leafUrl: string | undefined;
  readonly storeDir: string | undefined;
  readonly pid: number;
  /** Stops it (SIGTERM, then SIGKILL after 10 s) and removes a temp store directory. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL): a crash, for fault tests; the store directory stays. */
  kill(): Promise<void>;
}

/** The nats-server binary to run, or undefined when none is installed. */
export function findNatsServer(bin?: string): string | undefined {
  const candidates = bin
    ? [bin]
    : [
        ...(process.env.NATS_SERVER ? [process.env.NATS_SERVER] : []),
        ...(process.env.PATH ?? "")
          .split(delimiter)
          .filter(Boolean)
          .map((d) => join(d, "nats-server")),
        "/usr/sbin/nats-server",
        "/usr/bin/nats-server",
        "/usr/local/bin/nats-server",
      ];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {}
  }
  return undefined;
}

/** Starts a nats-server (see the module comment); rejects with ScaleError when it cannot. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const bin = findNatsServer(options.bin);
  if (bin === undefined)
    throw new ScaleError(
      "nats-server-missing",
      options.bin ?? "nats-server",
      "nats-server is not installed: apt-get install nats-server (Debian), or set NATS_SERVER to its path",
    );
  const port = options.port ?? -1;
  if (!Number.isInteger(port) || port < -1 || port > 65535)
    throw new ScaleError("bad-option", "/port", `port must be 0..65535, got ${port}`);
  const work = mkdtempSync(join(tmpdir(), "transactive-nats-"));
  const jetStream = options.jetStream ?? true;
  const ownStore = jetStream && options.storeDir === undefined;
  const storeDir = jetStream ? (options.storeDir ?? join(work, "jetstream")) : undefined;
  const lines = [`listen: "127.0.0.1:${port === 0 ? -1 : port}"`];
  if (options.name !== undefined) lines.push(`server_name: ${JSON.stringify(options.name)}`);
  if (jetStream)
    lines.push(
      `jetstream { store_dir: ${JSON.stringify(storeDir)}${options.domain ? `, domain: ${JSON.stringify(options.domain)}` : ""} }`,
    );
  const leaf: string[] = [];
  if (options.leafListen) {
    const lp = typeof options.leafListen === "object" ? options.leafListen.port : -1;
    leaf.push(`listen: "127.0.0.1:${lp}"`);
  }
  if (options.leafRemotes?.length)
    leaf.push(
      `remotes: [ ${options.leafRemotes.map((u) => `{ urls: [${JSON.stringify(u)}] }`).join(", ")} ]`,
    );
  if (leaf.length) lines.push(`leafnodes { ${leaf.join("\n")} }`);
  const conf = join(work, "nats-server.conf");
  writeFileSync(conf, `${lines.join("\n")}\n`);

  const child = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const ready = new Promise<{ port: number; leafPort: number | undefined }>((resolve, reject) => {
    let clientPort: number | undefined;
    let leafPort: number | undefined;
    const timer = setTimeout(
      () =>
        reject(
          new ScaleError(
            "nats-server-failed",
            bin,
            `nats-server was not ready after ${options.readyTimeoutMs ?? 30_000} ms: ${log.slice(-2000)}`,
          ),
        ),
      options.readyTimeoutMs ?? 30_000,
    );
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString("utf8");
      if (log.length > 100_000) log = log.slice(-50_000);
      clientPort ??= portIn(log, /Listening for client connections on [^\s]+:(\d+)/);
      leafPort ??= portIn(log, /Listening for leafnode connections on [^\s]+:(\d+)/);
      if (clientPort !== undefined && /Server is ready/.test(log)) {
        clearTimeout(timer);
        resolve({ port: clientPort, leafPort });
      }
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new ScaleError("nats-server-failed", bin, `cannot run nats-server: ${e.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new ScaleError(
          "nats-server-failed",
          bin,
          `nats-server exited (${code ?? signal}) before it was ready: ${log.slice(-2000)}`,
        ),
      );
    });
  });
  let started: { port: number; leafPort: number | undefined };
  try {
    started = await ready;
  } catch (e) {
    child.kill("SIGKILL");
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
  const exited = new Promise<void>((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r();
    else child.once("exit", () => r());
  });
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(t);
    }
  };
  return {
    url: `nats://127.0.0.1:${started.port}`,
    port: started.port,
    leafUrl:
      started.leafPort === undefined ? undefined : `nats-leaf://127.0.0.1:${started.leafPort}`,
    storeDir,
    pid: child.pid as number,
    async stop() {
      await end("SIGTERM");
      rmSync(ownStore ? work : conf, { recursive: true, force: true });
      if (!ownStore) rmSync(work, { recursive: true, force: true });
    },
    async kill() {
      await end("SIGKILL");
    },
  };
}

function portIn(log: string, re: RegExp): number | undefined {
  const m = re.exec(log);
  return m ? Number(m[1]) : undefined;
}
