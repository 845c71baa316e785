/** The project's local Hub stand-in (e2e/hub-server.mjs) on a port of the test's own, for Node tests. */
import { spawn, type ChildProcess } from 'node:child_process';

export async function startHub(port: number): Promise<{ host: string; stop(): void }> {
  const hub: ChildProcess = spawn(process.execPath, ['e2e/hub-server.mjs'], { env: { ...process.env, HUB_PORT: String(port) }, stdio: 'ignore' });
  const host = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await fetch(`${host}/__stats`).then((r) => r.ok, () => false)) return { host, stop: () => hub.kill() };
    await new Promise((r) => setTimeout(r, 100));
  }
  hub.kill();
  throw new Error('the Hub stand-in did not start');
}
