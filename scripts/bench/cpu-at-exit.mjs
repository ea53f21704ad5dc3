// Preloaded (`node --import`) into a measured child: at exit it writes the process's own CPU time
// (getrusage via process.resourceUsage, microseconds, user and system) as JSON to file
// descriptor 3, which the parent opened as a pipe. Every node child of the start-up bench,
// `node -e 0` included, carries this same preload, so its cost is on both sides of a ratio.
import { writeSync } from "node:fs";

process.on("exit", () => {
  const r = process.resourceUsage();
  try {
    writeSync(3, JSON.stringify({ user: r.userCPUTime, system: r.systemCPUTime }));
  } catch {
    // no fd 3: not run by the bench
  }
});
